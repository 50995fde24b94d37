"""A typed async client for the emulator's control API (see :mod:`emulator.control_http`).

Usage::

    async with EmulatorClient("http://127.0.0.1:8081") as client:
        alice = TgUser(id=1001, first_name="Lan", username="lan")
        await client.send_command(alice, "start")
        transcript = await client.wait_for(alice.id, 1)   # what the bot did, in order
        msg = (await client.bot_messages(alice.id))[-1]   # the bot's messages as they are now
        await client.press_button(alice, msg["message_id"], "upd:v1:task:5a")

Every method is a coroutine. Messages are Bot API ``Message`` dicts; transcript entries are
``{"kind": "message"|"document"|"photo"|"edit"|"delete"|"callback_answer"|"chat_action",
"date": <unix seconds>, ...}`` with ``message_id``/``message`` for sends and edits,
``reply_keyboard`` when a reply keyboard was sent, and the answer fields for callback answers.
Errors of the control API raise :class:`ControlApiError`. :func:`message_html` renders a
message's text and entities back to Telegram HTML for assertions.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass
from typing import Any

import aiohttp

from .text import to_html

Json = dict[str, Any]


@dataclass(frozen=True)
class TgUser:
    """A Telegram user on the other side of the bot."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "vi"

    def as_json(self) -> Json:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class TgGroup:
    """A group (negative id) or supergroup (``-100…``) chat."""

    id: int
    title: str = "Group"
    type: str = "group"

    def as_json(self) -> Json:
        return asdict(self)


def message_html(message: Json) -> str:
    """A message's text (or caption) with its entities rendered back as Telegram HTML, e.g.
    ``"<b>Hạn</b> 5 ngày"`` — to assert on formatting without comparing offsets."""
    if "text" in message:
        return to_html(message["text"], message.get("entities"))
    return to_html(message.get("caption", ""), message.get("caption_entities"))


class ControlApiError(RuntimeError):
    """The control API refused a request (its ``error`` text is the message)."""


UserLike = TgUser | Json
ChatLike = TgGroup | Json | None


def _user(user: UserLike) -> Json:
    return user.as_json() if isinstance(user, TgUser) else dict(user)


def _chat(chat: ChatLike) -> Json | None:
    if chat is None:
        return None
    return chat.as_json() if isinstance(chat, TgGroup) else dict(chat)


class EmulatorClient:
    """Control-API client; ``base_url`` is the emulator root (``http://host:port``)."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._session = session
        self._own_session = session is None

    async def __aenter__(self) -> EmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session (if the client made it)."""
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _call(self, method: str, path: str, body: Json | None = None, **query: Any) -> Any:
        url = f"{self.base_url}/control/{path}"
        async with self.session.request(method, url, json=body, params=query or None) as resp:
            data = await resp.json()
            if resp.status >= 400:
                raise ControlApiError(
                    data.get("error", str(data)) if isinstance(data, dict) else data
                )
            return data

    # -- what users do ------------------------------------------------------------------------
    async def send_text(
        self,
        user: UserLike,
        text: str,
        chat: ChatLike = None,
        reply_to_message_id: int | None = None,
        entities: list[Json] | None = None,
    ) -> Json:
        """The user sends ``text`` (private chat unless ``chat``); returns the ``Message``."""
        body: Json = {"user": _user(user), "chat": _chat(chat), "text": text}
        if reply_to_message_id is not None:
            body["reply_to_message_id"] = reply_to_message_id
        if entities:
            body["entities"] = entities
        return (await self._call("POST", "message", body))["message"]

    async def send_command(
        self, user: UserLike, command: str, args: str = "", chat: ChatLike = None
    ) -> Json:
        """``/command args`` (a ``bot_command`` entity is added as Telegram does)."""
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return await self.send_text(user, text, chat)

    async def start(self, user: UserLike, payload: str = "") -> Json:
        """``/start [payload]`` — what opening a deep link does; makes the private chat known."""
        return await self.send_command(user, "start", payload)

    async def edit_text(
        self, user: UserLike, message_id: int, text: str, chat_id: int | None = None
    ) -> Json:
        """The user edits their earlier message (an ``edited_message`` update)."""
        body: Json = {"user": _user(user), "message_id": message_id, "text": text}
        if chat_id is not None:
            body["chat_id"] = chat_id
        return (await self._call("POST", "edit", body))["message"]

    async def press_button(
        self, user: UserLike, message_id: int, data: str, chat_id: int | None = None
    ) -> Json:
        """Press the inline button with callback ``data`` under the bot's message; returns the
        ``CallbackQuery`` (its ``id`` is what the bot must answer)."""
        body: Json = {"user": _user(user), "message_id": message_id, "data": data}
        if chat_id is not None:
            body["chat_id"] = chat_id
        return (await self._call("POST", "callback", body))["callback_query"]

    async def send_document(
        self,
        user: UserLike,
        content: bytes,
        file_name: str,
        mime_type: str | None = None,
        caption: str | None = None,
        chat: ChatLike = None,
    ) -> Json:
        """The user sends a document (bytes, name, optional MIME type and caption)."""
        body: Json = {
            "user": _user(user),
            "chat": _chat(chat),
            "content_b64": base64.b64encode(content).decode(),
            "file_name": file_name,
            "mime_type": mime_type,
            "caption": caption,
        }
        return (await self._call("POST", "document", body))["message"]

    async def send_photo(
        self, user: UserLike, content: bytes, caption: str | None = None, chat: ChatLike = None
    ) -> Json:
        """``content`` must be a real image (PNG/JPEG...), as Telegram would need."""
        body: Json = {
            "user": _user(user),
            "chat": _chat(chat),
            "content_b64": base64.b64encode(content).decode(),
            "caption": caption,
        }
        return (await self._call("POST", "photo", body))["message"]

    async def block(self, user_id: int) -> None:
        """The user blocks the bot (a ``my_chat_member`` update; sends then get 403)."""
        await self._call("POST", "block", {"user_id": user_id})

    async def unblock(self, user_id: int) -> None:
        """The user unblocks the bot (a ``my_chat_member`` update)."""
        await self._call("POST", "unblock", {"user_id": user_id})

    async def remove_from_group(self, chat_id: int, user: UserLike | None = None) -> None:
        """Someone removes the bot from a group (sends then get 403 "bot was kicked ...")."""
        body: Json = {"chat_id": chat_id, "user": _user(user) if user is not None else None}
        await self._call("POST", "kick", body)

    async def add_to_group(self, chat_id: int, user: UserLike | None = None) -> None:
        """Someone adds the bot back to a group."""
        body: Json = {"chat_id": chat_id, "user": _user(user) if user is not None else None}
        await self._call("POST", "add", body)

    async def migrate_group(self, chat_id: int, user: UserLike | None = None) -> int:
        """Upgrade a group to a supergroup; returns the supergroup's id."""
        body: Json = {"chat_id": chat_id, "user": _user(user) if user is not None else None}
        return int((await self._call("POST", "migrate", body))["migrate_to_chat_id"])

    # -- reading what the bot did ---------------------------------------------------------------
    async def chat(self, chat_id: int) -> Json:
        """``{"chat", "messages", "transcript"}`` for a chat the emulator knows."""
        return dict(await self._call("GET", f"chats/{chat_id}"))

    async def bot_messages(self, chat_id: int) -> list[Json]:
        """The bot's messages in ``chat_id`` as they are now (edits applied, deletions gone)."""
        return list((await self.chat(chat_id))["messages"])

    async def transcript(self, chat_id: int) -> list[Json]:
        """Everything the bot did in ``chat_id``, in order."""
        return list((await self.chat(chat_id))["transcript"])

    async def wait_for(self, chat_id: int, count: int, within: float = 5.0) -> list[Json]:
        """Wait until the chat's transcript has ``count`` entries (``within`` real seconds
        is only a safety net against a bot that never answers); returns the transcript."""
        url = f"{self.base_url}/control/chats/{chat_id}/wait"
        params = {"count": str(count), "timeout": str(within)}
        async with self.session.get(url, params=params) as resp:
            data = await resp.json()
        if resp.status == 408:
            raise TimeoutError(
                f"chat {chat_id}: {len(data['transcript'])} of {count} entries after {within}s: "
                f"{data['transcript']}"
            )
        return list(data["transcript"])

    async def file_content(self, file_id: str) -> bytes:
        """The bytes of a stored file (sent by the bot or a user)."""
        async with self.session.get(f"{self.base_url}/control/files/{file_id}") as resp:
            if resp.status != 200:
                raise ControlApiError(f"no file {file_id}")
            return await resp.read()

    async def pending_updates(self) -> list[Json]:
        """Updates queued for the bot and not yet confirmed."""
        return list(await self._call("GET", "updates"))

    # -- the world ------------------------------------------------------------------------------
    async def reset(self) -> None:
        """Forget every user, chat, message, file, update, webhook and fault."""
        await self._call("POST", "reset", {})

    async def inject_fault(
        self,
        method: str,
        error_code: int,
        description: str,
        count: int = 1,
        parameters: Json | None = None,
    ) -> None:
        """The next ``count`` calls to Bot API ``method`` fail with this error, e.g.
        ``inject_fault("sendMessage", 429, "Too Many Requests: retry after 7",
        parameters={"retry_after": 7})``."""
        body: Json = {
            "method": method,
            "error_code": error_code,
            "description": description,
            "count": count,
            "parameters": parameters,
        }
        await self._call("POST", "faults", body)

    async def clear_faults(self) -> None:
        """Drop every injected fault."""
        await self._call("DELETE", "faults")

    async def advance_clock(self, seconds: float) -> float:
        """Move the emulator's manual clock; returns the new Unix time."""
        return float((await self._call("POST", "clock", {"advance": seconds}))["now"])

    async def now(self) -> float:
        """The emulator's current Unix time."""
        return float((await self._call("GET", "clock"))["now"])

    async def configure(self, **settings: Any) -> Json:
        """Change settings (e.g. ``rate_limits=False``); returns them all."""
        return dict(await self._call("POST", "settings", settings))
