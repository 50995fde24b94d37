"""The emulator's in-memory world: users, chats, messages, files, the update queue and what the
bot did in each chat (its transcript). Plain dicts shaped like Bot API objects, so answering a
request is a dict lookup and a ``json.dumps``.

Rules that belong to Telegram (and not to one method) live here: who may be written to
(chat not found / blocked / migrated), message ids per chat, update ids, ``allowed_updates``.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import errors
from .clock import Clock
from .errors import ApiError
from .settings import Settings

Json = dict[str, Any]

#: Update types delivered when ``allowed_updates`` is empty (Telegram's default leaves these out).
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class Chat:
    """A chat the bot knows about. ``api`` is its Bot API ``Chat`` object."""

    api: Json
    blocked: bool = False  # private chats: the user blocked the bot
    migrated_to: int | None = None  # groups upgraded to a supergroup
    kicked: bool = False  # groups: the bot was removed
    next_message_id: int = 1
    messages: dict[int, Json] = field(default_factory=dict)  # message_id -> Message
    bot_message_ids: list[int] = field(default_factory=list)  # in sending order
    transcript: list[Json] = field(default_factory=list)  # what the bot did, in order

    @property
    def id(self) -> int:
        return int(self.api["id"])

    @property
    def type(self) -> str:
        return str(self.api["type"])


@dataclass
class StoredFile:
    """A file Telegram holds: content plus its Bot API description."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    meta: Json  # the Document / PhotoSize fields (file_name, mime_type, width, height, ...)


@dataclass
class PendingCallback:
    """A callback query waiting for answerCallbackQuery."""

    chat_id: int
    created: float
    answered: bool = False


@dataclass
class Fault:
    """An injected failure of the next ``count`` calls to ``method``."""

    count: int
    error: ApiError


class State:
    """Everything the emulator remembers; :meth:`reset` forgets it all (settings stay)."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock
        # Called after an update is queued (the webhook sender listens); survives reset().
        self.on_update: Callable[[], None] = lambda: None
        self.reset()

    def reset(self) -> None:
        previous: asyncio.Event | None = getattr(self, "_update_event", None)
        if previous is not None:
            previous.set()  # pending long polls return (empty) instead of hanging
        self.users: dict[int, Json] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: deque[Json] = deque()
        self.update_times: dict[int, float] = {}  # update_id -> when it was queued (clock)
        self.next_update_id = 1
        self.allowed_updates: list[str] = []
        self.callbacks: dict[str, PendingCallback] = {}
        self.commands: dict[tuple[Any, ...], list[Json]] = {}
        self.faults: dict[str, list[Fault]] = {}
        self.webhook: Json = {}
        self.webhook_error: tuple[int, str] | None = None
        self._ids = itertools.count(1)
        self._update_event: asyncio.Event = asyncio.Event()
        self._changed: dict[int | None, asyncio.Event] = {}  # chat id (None: any) -> next change

    # -- identities -------------------------------------------------------------------------
    @property
    def bot_user(self) -> Json:
        s = self.settings
        return {
            "id": s.bot_id,
            "is_bot": True,
            "first_name": s.bot_first_name,
            "username": s.bot_username,
        }

    def now(self) -> int:
        """Telegram dates are whole Unix seconds."""
        return int(self.clock.now())

    def next_id(self) -> int:
        return next(self._ids)

    def remember_user(self, user: Json) -> Json:
        """Store (or refresh) a user: ``{"id", "first_name", ["last_name", "username",
        "language_code"]}`` → the Bot API ``User`` with ``is_bot`` false."""
        api: Json = {"id": int(user["id"]), "is_bot": False, "first_name": user["first_name"]}
        for key in ("last_name", "username", "language_code"):
            if user.get(key):
                api[key] = user[key]
        self.users[api["id"]] = api
        return api

    def private_chat(self, user: Json) -> Chat:
        """The private chat with ``user`` (created on first contact)."""
        chat = self.chats.get(user["id"])
        if chat is None:
            api: Json = {
                k: user[k] for k in ("id", "first_name", "last_name", "username") if k in user
            }
            api["type"] = "private"
            chat = self.chats[user["id"]] = Chat(api=api)
        return chat

    def group_chat(self, spec: Json) -> Chat:
        """The group or supergroup described by ``spec`` (created on first contact)."""
        chat_id = int(spec["id"])
        chat = self.chats.get(chat_id)
        if chat is None:
            kind = spec.get("type", "supergroup" if str(chat_id).startswith("-100") else "group")
            if kind not in ("group", "supergroup"):
                raise ValueError(f"group chat type must be group or supergroup, not {kind}")
            if chat_id >= 0:
                raise ValueError("group chat ids are negative")
            api: Json = {"id": chat_id, "type": kind, "title": spec.get("title", "Group")}
            if spec.get("username"):
                api["username"] = spec["username"]
            chat = self.chats[chat_id] = Chat(api=api)
        return chat

    # -- who may the bot write to --------------------------------------------------------------
    def writable_chat(self, chat_id: Any) -> Chat:
        """The chat for a bot's write, or Telegram's error: 400 chat not found, 403 blocked,
        400 with ``migrate_to_chat_id`` for a group upgraded to a supergroup."""
        chat = self.find_chat(chat_id)
        if chat.migrated_to is not None:
            raise errors.bad_request(errors.MIGRATED, {"migrate_to_chat_id": chat.migrated_to})
        if chat.blocked:
            raise errors.forbidden(errors.BLOCKED)
        if chat.kicked:
            raise errors.forbidden(f"bot was kicked from the {chat.type} chat")
        return chat

    def find_chat(self, chat_id: Any) -> Chat:
        """A known chat by id or ``@username``, else 400 chat not found."""
        chat: Chat | None = None
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            chat = next(
                (c for c in self.chats.values() if str(c.api.get("username", "")).lower() == name),
                None,
            )
        else:
            try:
                chat = self.chats.get(int(chat_id))
            except (TypeError, ValueError):
                chat = None
        if chat is None:
            raise errors.bad_request(errors.CHAT_NOT_FOUND)
        return chat

    # -- messages ------------------------------------------------------------------------------
    def new_message(self, chat: Chat, sender: Json, fields: Json) -> Json:
        """Store a new message in ``chat`` from ``sender``; returns the Bot API ``Message``."""
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message: Json = {
            "message_id": message_id,
            "from": sender,
            "chat": chat.api,
            "date": self.now(),
        }
        message.update(fields)
        chat.messages[message_id] = message
        if sender.get("is_bot") and sender["id"] == self.settings.bot_id:
            chat.bot_message_ids.append(message_id)
        return message

    def record(self, chat: Chat, kind: str, payload: Json) -> None:
        """Append to the chat's transcript of what the bot did and wake its readers."""
        chat.transcript.append({"kind": kind, "date": self.now(), **payload})
        self.notify(chat.id)

    def notify(self, chat_id: int) -> None:
        for key in (chat_id, None):
            event = self._changed.pop(key, None)
            if event is not None:
                event.set()

    def change_event(self, chat_id: int | None = None) -> asyncio.Event:
        """The event set by the next change of the transcript of ``chat_id`` (None: of any chat).

        Taken synchronously, before checking the transcript, so that a change made between the
        check and the wait is not missed (a coroutine only creates it when it first runs)."""
        event = self._changed.get(chat_id)
        if event is None:
            event = self._changed[chat_id] = asyncio.Event()
        return event

    async def changed(self, chat_id: int | None = None) -> None:
        """Wait until the next change of the transcript of ``chat_id`` (None: of any chat)."""
        await self.change_event(chat_id).wait()

    # -- updates -------------------------------------------------------------------------------
    def push_update(self, kind: str, payload: Json) -> Json:
        """Queue an update of ``kind`` (unless ``allowed_updates`` excludes it); returns it."""
        update: Json = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        allowed = self.allowed_updates
        if (kind in allowed) if allowed else (kind not in NOT_BY_DEFAULT):
            self.updates.append(update)
            self.update_times[update["update_id"]] = self.clock.now()
            self._update_event.set()
            self._update_event = asyncio.Event()
            self.on_update()
        return update

    def update_event(self) -> asyncio.Event:
        return self._update_event

    def confirm(self, offset: int) -> None:
        """Drop the updates before ``offset`` (negative: keep only the last ``-offset``)."""
        if offset < 0:
            while len(self.updates) > -offset:
                self._drop_first()
            return
        while self.updates and self.updates[0]["update_id"] < offset:
            self._drop_first()

    def expire(self) -> None:
        """Forget updates older than ``update_retention`` (Telegram keeps them 24 hours)."""
        oldest = self.clock.now() - self.settings.update_retention
        while self.updates and self.update_times.get(self.updates[0]["update_id"], oldest) < oldest:
            self._drop_first()

    def drop_pending(self) -> None:
        """``drop_pending_updates``: forget every queued update."""
        self.updates.clear()
        self.update_times.clear()

    def _drop_first(self) -> None:
        self.update_times.pop(self.updates.popleft()["update_id"], None)

    # -- faults --------------------------------------------------------------------------------
    def take_fault(self, method: str) -> ApiError | None:
        """The injected error for this call of ``method`` (lower-case), if any."""
        queue = self.faults.get(method.lower())
        if not queue:
            return None
        fault = queue[0]
        fault.count -= 1
        if fault.count <= 0:
            queue.pop(0)
        return fault.error
