"""Bot API methods other than sending and editing messages: getMe, getUpdates (long polling with
409 Conflict), the webhook methods, bot commands with scopes, getChat, sendChatAction and
answerCallbackQuery. :data:`METHODS` maps every lower-cased method name to its function."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from itertools import islice
from typing import Any

from . import messages
from .core import Emulator
from .errors import bad_request, conflict
from .params import Params
from .state import Json

Method = Callable[[Emulator, Params], Awaitable[Any]]


async def get_me(emu: Emulator, p: Params) -> Json:
    """getMe: the bot's ``User`` with its capabilities."""
    return dict(
        emu.state.bot_user,
        can_join_groups=True,
        can_read_all_group_messages=False,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )


async def get_updates(emu: Emulator, p: Params) -> list[Json]:
    """Long polling. A newer getUpdates ends a pending one with 409, as Telegram does; the wait
    ends early on a new update and otherwise when the emulator's clock passes ``timeout``."""
    state = emu.state
    if state.webhook.get("url"):
        raise conflict(
            "can't use getUpdates method while webhook is active; use deleteWebhook to delete "
            "the webhook first"
        )
    offset = p.integer("offset")
    limit = p.integer("limit") or emu.settings.max_updates_limit
    limit = max(1, min(limit, emu.settings.max_updates_limit))
    timeout = min(max(p.number("timeout") or 0.0, 0.0), emu.settings.max_poll_timeout)
    allowed = p.obj("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = [str(kind) for kind in allowed]
    if offset is not None:
        state.confirm(offset)
    state.expire()
    if emu.poller is not None and not emu.poller.done():
        emu.poller.set_result(None)  # the older request is the one terminated
    loop = asyncio.get_running_loop()
    me: asyncio.Future[None] = loop.create_future()
    emu.poller = me
    try:
        if not state.updates and timeout > 0 and not emu.closing:
            timer = emu.clock.timer(timeout)
            arrived = loop.create_task(state.update_event().wait())
            try:
                waits: set[asyncio.Future[Any]] = {timer, arrived, me}
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                timer.cancel()
                arrived.cancel()
            if me.done() and not emu.closing:
                raise conflict(
                    "terminated by other getUpdates request; make sure that only one bot "
                    "instance is running"
                )
    finally:
        if emu.poller is me:
            emu.poller = None
    return list(islice(state.updates, limit))


_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


async def set_webhook(emu: Emulator, p: Params) -> bool:
    """setWebhook: an empty ``url`` deletes it; ``secret_token`` is 1–256 of ``A-Za-z0-9_-``.
    Any http(s) URL is accepted (Telegram wants HTTPS on ports 443/80/88/8443; tests cannot)."""
    state = emu.state
    url = p.text("url") or ""
    if not url:
        return await delete_webhook(emu, p)
    if not url.startswith(("https://", "http://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.text("secret_token")
    if secret is not None and not _SECRET.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if p.flag("drop_pending_updates"):
        state.drop_pending()
    allowed = p.obj("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = [str(kind) for kind in allowed]
    same_url = state.webhook.get("url") == url and emu.webhook_running()
    state.webhook = {
        "url": url,
        "secret_token": secret,
        "max_connections": p.integer("max_connections") or 40,
        "ip_address": p.text("ip_address"),
    }
    if emu.poller is not None and not emu.poller.done():
        emu.poller.set_result(None)
    if not same_url:
        # The same URL again keeps the queue and its retry schedule, as Telegram does.
        state.webhook_error = None
        emu.start_webhook()
    return True


async def delete_webhook(emu: Emulator, p: Params) -> bool:
    """deleteWebhook (``drop_pending_updates`` clears the queue)."""
    emu.stop_webhook()
    emu.state.webhook = {}
    emu.state.webhook_error = None
    if p.flag("drop_pending_updates"):
        emu.state.drop_pending()
    return True


async def get_webhook_info(emu: Emulator, p: Params) -> Json:
    """getWebhookInfo: url, pending_update_count, last_error_date/message."""
    state = emu.state
    hook = state.webhook
    info: Json = {
        "url": hook.get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if hook.get("url"):
        info["max_connections"] = hook["max_connections"]
        if hook.get("ip_address"):
            info["ip_address"] = hook["ip_address"]
        if state.allowed_updates:
            info["allowed_updates"] = state.allowed_updates
    if state.webhook_error is not None:
        info["last_error_date"], info["last_error_message"] = state.webhook_error
    return info


_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPES = {
    "default": (),
    "all_private_chats": (),
    "all_group_chats": (),
    "all_chat_administrators": (),
    "chat": ("chat_id",),
    "chat_administrators": ("chat_id",),
    "chat_member": ("chat_id", "user_id"),
}


def _scope_key(emu: Emulator, p: Params) -> tuple[Any, ...]:
    scope = p.obj("scope", "BotCommandScope") or {"type": "default"}
    kind = scope.get("type") if isinstance(scope, dict) else None
    if kind not in _SCOPES:
        raise bad_request("can't parse BotCommandScope: unsupported type")
    values = []
    for name in _SCOPES[kind]:
        if name not in scope:
            raise bad_request(f'can\'t parse BotCommandScope: field "{name}" must be specified')
        if name == "chat_id":
            values.append(emu.state.find_chat(scope[name]).id)
        else:
            values.append(int(scope[name]))
    language = p.text("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return (kind, *values, language)


async def set_my_commands(emu: Emulator, p: Params) -> bool:
    """setMyCommands: ≤ 100 commands of ``[a-z0-9_]{1,32}`` with 1–256-character
    descriptions, per (scope, language_code); an empty list deletes them."""
    commands = p.obj("commands", "commands JSON object")
    if not isinstance(commands, list):
        raise bad_request('parameter "commands" is required')
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    clean = []
    for item in commands:
        command = str(item.get("command", "")) if isinstance(item, dict) else ""
        description = str(item.get("description", "")) if isinstance(item, dict) else ""
        if not _COMMAND.fullmatch(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description.strip()) <= 256:
            raise bad_request("command description must be non-empty")
        clean.append({"command": command, "description": description})
    key = _scope_key(emu, p)
    if clean:
        emu.state.commands[key] = clean
    else:
        emu.state.commands.pop(key, None)
    return True


async def get_my_commands(emu: Emulator, p: Params) -> list[Json]:
    """getMyCommands for exactly that (scope, language_code), as Telegram stores them."""
    return list(emu.state.commands.get(_scope_key(emu, p), []))


async def delete_my_commands(emu: Emulator, p: Params) -> bool:
    """deleteMyCommands for that (scope, language_code)."""
    emu.state.commands.pop(_scope_key(emu, p), None)
    return True


async def get_chat(emu: Emulator, p: Params) -> Json:
    """getChat: ``ChatFullInfo`` of a known chat, else 400 chat not found."""
    chat = emu.state.find_chat(p.chat_id())
    info = dict(chat.api, accent_color_id=0, max_reaction_count=11)
    info["accepted_gift_types"] = {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    }
    return info


_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)


async def send_chat_action(emu: Emulator, p: Params) -> bool:
    """sendChatAction: recorded in the transcript; not rate-limited."""
    chat = emu.state.writable_chat(p.chat_id())
    action = p.text("action") or ""
    if action not in _ACTIONS:
        raise bad_request("wrong parameter action in request")
    emu.state.record(chat, "chat_action", {"action": action})
    return True


async def answer_callback_query(emu: Emulator, p: Params) -> bool:
    """Answer within ``callback_answer_timeout`` seconds, once; otherwise Telegram's 400."""
    state = emu.state
    query_id = p.text("callback_query_id") or ""
    pending = state.callbacks.get(query_id)
    if (
        pending is None
        or pending.answered
        or emu.clock.now() - pending.created > emu.settings.callback_answer_timeout
    ):
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    text = p.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    pending.answered = True
    answer: Json = {"callback_query_id": query_id, "show_alert": p.flag("show_alert")}
    if text:
        answer["text"] = text
    if p.text("url"):
        answer["url"] = p.text("url")
    chat = state.chats.get(pending.chat_id)
    if chat is not None:
        state.record(chat, "callback_answer", answer)
    return True


METHODS: dict[str, Method] = {
    "getme": get_me,
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "getchat": get_chat,
    "sendchataction": send_chat_action,
    "answercallbackquery": answer_callback_query,
    "sendmessage": messages.send_message,
    "editmessagetext": messages.edit_message_text,
    "editmessagecaption": messages.edit_message_caption,
    "editmessagereplymarkup": messages.edit_message_reply_markup,
    "deletemessage": messages.delete_message,
    "senddocument": messages.send_document,
    "sendphoto": messages.send_photo,
    "getfile": messages.get_file,
    "logout": messages.always_true,
    "close": messages.always_true,
}
