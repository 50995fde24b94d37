"""The control API's actions: what a test or the sandbox does as the people on the other side of
the bot (see :mod:`emulator.control_http` for the HTTP routes and their JSON bodies).

A ``user`` is ``{"id", "first_name", "last_name"?, "username"?, "language_code"?}``; a ``chat``
is omitted for the user's private chat, or ``{"id" (negative), "type": "group"|"supergroup",
"title"}``. A request that cannot happen raises :class:`ControlError`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable
from typing import Any

from . import messages
from .clock import ManualClock, SystemClock
from .core import Emulator
from .errors import ApiError
from .params import Upload
from .state import Chat, Json, PendingCallback
from .text import check_entities, finalize, utf16_len

GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


class ControlError(Exception):
    """A control request that cannot happen (e.g. pressing a button that does not exist)."""


def _chat_for(emu: Emulator, user: Json, spec: Json | None) -> Chat:
    state = emu.state
    if spec is None or (spec.get("type", "private") == "private" and "id" not in spec):
        chat = state.private_chat(user)
    elif spec.get("type") == "private" or int(spec["id"]) > 0:
        if int(spec["id"]) != user["id"]:
            raise ControlError("a user can only write in their own private chat")
        chat = state.private_chat(user)
    else:
        chat = state.group_chat(spec)
    if chat.migrated_to is not None:
        raise ControlError(f"chat {chat.id} was migrated to {chat.migrated_to}")
    if chat.kicked:
        raise ControlError(f"the bot is not a member of chat {chat.id}")
    if chat.blocked:
        # Writing again ("Restart" in the app) unblocks the bot, as in Telegram clients.
        _set_blocked(emu, chat, user, False)
    return chat


def _user_message(emu: Emulator, body: Json, fields: Json) -> Json:
    state = emu.state
    user = state.remember_user(body["user"])
    chat = _chat_for(emu, user, body.get("chat"))
    reply_to = body.get("reply_to_message_id")
    if reply_to is not None:
        original = chat.messages.get(int(reply_to))
        if original is None:
            raise ControlError(f"no message {reply_to} in chat {chat.id}")
        fields["reply_to_message"] = original
    message = state.new_message(chat, user, fields)
    # Updates are snapshots: a later edit must not change what a pending update says.
    update = state.push_update("message", dict(message))
    return {"update_id": update["update_id"], "message": message}


def _text_fields(text: str, entities: Any) -> Json:
    explicit = check_entities(text, entities) if entities else []
    text, found = finalize(text, explicit)
    if not text or utf16_len(text) > 4096:
        raise ControlError("a user's message text must be 1-4096 characters")
    fields: Json = {"text": text}
    if found:
        fields["entities"] = found
    return fields


async def send_message(emu: Emulator, body: Json) -> Json:
    """A user sends text (commands get their ``bot_command`` entity)."""
    return _user_message(emu, body, _text_fields(body["text"], body.get("entities")))


async def edit_message(emu: Emulator, body: Json) -> Json:
    """A user edits their own message: an ``edited_message`` update."""
    state = emu.state
    user = state.remember_user(body["user"])
    chat = state.find_chat(body.get("chat_id", user["id"]))
    message = chat.messages.get(int(body["message_id"]))
    if message is None or message["from"]["id"] != user["id"]:
        raise ControlError("the user can only edit a message they sent")
    fields = _text_fields(body["text"], body.get("entities"))
    message.pop("entities", None)
    message.update(fields, edit_date=state.now())
    update = state.push_update("edited_message", dict(message))
    return {"update_id": update["update_id"], "message": message}


async def press_button(emu: Emulator, body: Json) -> Json:
    """A user presses the inline button carrying ``data`` under one of the bot's messages."""
    state = emu.state
    user = state.remember_user(body["user"])
    chat = state.find_chat(body.get("chat_id", user["id"]))
    message = chat.messages.get(int(body["message_id"]))
    if message is None:
        raise ControlError(f"no message {body['message_id']} in chat {chat.id}")
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    if not any(b.get("callback_data") == body["data"] for row in rows for b in row):
        raise ControlError(f"message {message['message_id']} has no button with that data")
    query_id = str(state.next_id() * 1_000_003 + user["id"] % 1000)
    state.callbacks[query_id] = PendingCallback(chat.id, emu.clock.now())
    query = {
        "id": query_id,
        "from": user,
        "message": dict(message),
        "chat_instance": str(abs(chat.id) * 7919 % 10**18 + 1),
        "data": body["data"],
    }
    update = state.push_update("callback_query", query)
    return {"update_id": update["update_id"], "callback_query": query}


def _upload(body: Json, default_name: str) -> Upload:
    try:
        content = base64.b64decode(body["content_b64"], validate=True)
    except (binascii.Error, KeyError) as exc:
        raise ControlError("content_b64 must be base64") from exc
    return Upload(body.get("file_name") or default_name, body.get("mime_type") or "", content)


def _caption(body: Json) -> Json:
    if not body.get("caption"):
        return {}
    text, entities = finalize(body["caption"], [])
    fields: Json = {"caption": text}
    if entities:
        fields["caption_entities"] = entities
    return fields


async def send_document(emu: Emulator, body: Json) -> Json:
    """A user sends a document (base64 content)."""
    upload = _upload(body, "file.bin")
    meta: Json = {"file_name": upload.filename}
    if upload.content_type:
        meta["mime_type"] = upload.content_type
    stored = messages.store_file(emu, upload, "document", meta)
    return _user_message(emu, body, {"document": dict(stored.meta), **_caption(body)})


async def send_photo(emu: Emulator, body: Json) -> Json:
    """A user sends a photo (a real image, base64)."""
    upload = _upload(body, "photo.jpg")
    width, height = messages.image_size(upload.content)
    stored = messages.store_file(emu, upload, "photo", {"width": width, "height": height})
    return _user_message(emu, body, {"photo": [dict(stored.meta)], **_caption(body)})


def _set_blocked(emu: Emulator, chat: Chat, user: Json, blocked: bool) -> None:
    """Block/unblock (private chat) or remove/add the bot (group), with ``my_chat_member``."""
    if chat.type == "private":
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
    else:
        if chat.kicked == blocked:
            return
        chat.kicked = blocked
    bot = emu.state.bot_user
    old, new = ("member", "kicked") if blocked else ("kicked", "member")
    member = {
        "chat": chat.api,
        "from": user,
        "date": emu.state.now(),
        "old_chat_member": {
            "status": old,
            "user": bot,
            **({"until_date": 0} if old == "kicked" else {}),
        },
        "new_chat_member": {
            "status": new,
            "user": bot,
            **({"until_date": 0} if new == "kicked" else {}),
        },
    }
    emu.state.push_update("my_chat_member", member)


async def block(emu: Emulator, body: Json, blocked: bool = True) -> Json:
    """The user blocks the bot (``my_chat_member`` update; sends get 403)."""
    chat = emu.state.find_chat(body["user_id"])
    if chat.type != "private":
        raise ControlError("only a user (private chat) blocks a bot")
    _set_blocked(emu, chat, emu.state.users.get(chat.id, chat.api), blocked)
    return {"blocked": blocked}


async def unblock(emu: Emulator, body: Json) -> Json:
    """The user unblocks the bot."""
    return await block(emu, body, blocked=False)


async def kick(emu: Emulator, body: Json, kicked: bool = True) -> Json:
    """A group member removes the bot from the group (or adds it back with ``kicked=False``)."""
    chat = emu.state.find_chat(body["chat_id"])
    if chat.type == "private":
        raise ControlError("the bot is removed from groups; users block it instead")
    user = emu.state.remember_user(body["user"]) if body.get("user") else GROUP_ANONYMOUS_BOT
    _set_blocked(emu, chat, user, kicked)
    return {"kicked": kicked}


async def add(emu: Emulator, body: Json) -> Json:
    """The bot is added back to a group."""
    return await kick(emu, body, kicked=False)


async def migrate(emu: Emulator, body: Json) -> Json:
    """Upgrade a group to a supergroup (id ``-100`` followed by the group's digits)."""
    state = emu.state
    old = state.find_chat(body["chat_id"])
    if old.type != "group" or old.migrated_to is not None:
        raise ControlError("only a basic group that was not migrated yet can be migrated")
    new_id = int(f"-100{abs(old.id)}")
    sender = state.remember_user(body["user"]) if body.get("user") else GROUP_ANONYMOUS_BOT
    new = state.group_chat({"id": new_id, "type": "supergroup", "title": old.api.get("title")})
    state.push_update("message", state.new_message(old, sender, {"migrate_to_chat_id": new_id}))
    old.migrated_to = new_id
    state.push_update("message", state.new_message(new, sender, {"migrate_from_chat_id": old.id}))
    return {"migrate_to_chat_id": new.id}


async def reset(emu: Emulator, body: Json) -> Json:
    """Forget all state (settings and clock stay)."""
    emu.reset()
    return {"reset": True}


async def add_fault(emu: Emulator, body: Json) -> Json:
    """The next ``count`` calls to ``method`` fail with this error."""
    code = int(body.get("error_code", 400))
    error = ApiError(code, body["description"], body.get("parameters"))
    from .state import Fault

    emu.state.faults.setdefault(body["method"].lower(), []).append(
        Fault(int(body.get("count", 1)), error)
    )
    return {"faults": sum(f.count for q in emu.state.faults.values() for f in q)}


async def clock(emu: Emulator, body: Json) -> Json:
    """Both clocks jump ahead with ``advance``; only a ManualClock can be ``set``."""
    clock = emu.clock
    if "advance" in body:
        if not isinstance(clock, ManualClock | SystemClock):
            raise ControlError("this clock cannot be moved")
        clock.advance(float(body["advance"]))
    if "set" in body:
        if not isinstance(clock, ManualClock):
            raise ControlError("only a manual clock can be set; advance the real-time one")
        clock.set(float(body["set"]))
    return {"now": clock.now(), "manual": isinstance(clock, ManualClock)}


async def settings(emu: Emulator, body: Json) -> Json:
    """Read or change settings (unknown names are refused)."""
    if body:
        try:
            emu.settings.update(body)
        except KeyError as exc:
            raise ControlError(f"unknown setting {exc}") from None
    return emu.settings.as_dict()


Action = Callable[[Emulator, Json], Awaitable[Json]]
ACTIONS: dict[str, Action] = {
    "message": send_message,
    "edit": edit_message,
    "callback": press_button,
    "document": send_document,
    "photo": send_photo,
    "block": block,
    "unblock": unblock,
    "kick": kick,
    "add": add,
    "migrate": migrate,
    "reset": reset,
    "faults": add_fault,
    "clock": clock,
    "settings": settings,
}
