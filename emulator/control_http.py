"""The control API over HTTP (JSON, under ``/control/``): what a test or the sandbox does as the
people on the other side of the bot, and how it reads what the bot did. Use it through
:class:`emulator.client.EmulatorClient`; the routes are:

- ``POST /control/message`` ``{"user", "chat"?, "text", "entities"?, "reply_to_message_id"?}``
- ``POST /control/edit`` ``{"user", "chat_id"?, "message_id", "text"}``
- ``POST /control/callback`` ``{"user", "chat_id"?, "message_id", "data"}``
- ``POST /control/document`` / ``/control/photo`` ``{"user", "chat"?, "content_b64",
  "file_name"?, "mime_type"?, "caption"?}``
- ``POST /control/block`` / ``/control/unblock`` ``{"user_id"}``
- ``POST /control/kick`` / ``/control/add`` ``{"chat_id", "user"?}`` (the bot removed from /
  added back to a group); ``POST /control/migrate`` ``{"chat_id", "user"?}`` →
  ``{"migrate_to_chat_id"}``
- ``POST /control/reset``; ``POST /control/faults`` ``{"method", "count", "error_code",
  "description", "parameters"?}``; ``DELETE /control/faults``
- ``GET /control/clock``; ``POST /control/clock`` ``{"advance": seconds}`` or ``{"set": ts}``
- ``GET``/``POST /control/settings``
- ``GET /control/chats/{chat_id}`` → ``{"chat", "messages", "transcript"}``;
  ``GET /control/chats/{chat_id}/wait?count=N&timeout=T`` waits (real time) for N transcript
  entries; ``GET /control/files/{file_id}`` → the bytes; ``GET /control/updates`` → pending.

A ``user`` is ``{"id", "first_name", "last_name"?, "username"?, "language_code"?}``; a ``chat``
is omitted for the user's private chat, or ``{"id" (negative), "type": "group"|"supergroup",
"title"}``. Errors answer 400 ``{"error": "..."}``.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .control import ACTIONS, ControlError
from .core import Emulator
from .errors import ApiError
from .state import Chat, Json


def chat_view(emu: Emulator, chat: Chat) -> Json:
    """The chat, the bot's current messages in it and its transcript."""
    bot_messages = [chat.messages[i] for i in chat.bot_message_ids if i in chat.messages]
    return {"chat": chat.api, "messages": bot_messages, "transcript": chat.transcript}


def add_routes(router: web.UrlDispatcher, emu: Emulator) -> None:
    """Mount the control API on ``router``."""

    def reply(body: Any, status: int = 200) -> web.Response:
        return web.Response(
            text=json.dumps(body, ensure_ascii=False),
            status=status,
            content_type="application/json",
        )

    async def act(request: web.Request) -> web.Response:
        action = ACTIONS.get(request.match_info["action"])
        if action is None:
            return reply({"error": "unknown control action"}, 404)
        body = await request.json() if request.can_read_body else {}
        try:
            return reply(await action(emu, body or {}))
        except (ControlError, ApiError, KeyError, ValueError) as exc:
            text = exc.description if isinstance(exc, ApiError) else str(exc)
            return reply({"error": text or exc.__class__.__name__}, 400)

    async def get_state(request: web.Request) -> web.Response:
        action = request.match_info["action"]
        if action in ("clock", "settings"):
            return reply(await ACTIONS[action](emu, {}))
        if action == "updates":
            return reply(list(emu.state.updates))
        return reply({"error": "unknown control action"}, 404)

    async def clear_faults(request: web.Request) -> web.Response:
        emu.state.faults.clear()
        return reply({"faults": 0})

    async def chat(request: web.Request) -> web.Response:
        chat = emu.state.chats.get(int(request.match_info["chat_id"]))
        if chat is None:
            return reply({"error": "chat not found"}, 404)
        return reply(chat_view(emu, chat))

    async def wait(request: web.Request) -> web.Response:
        chat_id = int(request.match_info["chat_id"])
        count = int(request.query.get("count", "1"))
        timeout = float(request.query.get("timeout", "5"))

        ok = await emu.wait_for_chat(chat_id, count, timeout)
        chat = emu.state.chats.get(chat_id)
        body = chat_view(emu, chat) if chat is not None else {"transcript": [], "messages": []}
        return reply(body, 200 if ok else 408)

    async def file(request: web.Request) -> web.Response:
        stored = emu.state.files.get(request.match_info["file_id"])
        if stored is None:
            return reply({"error": "no such file"}, 404)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    router.add_post("/control/{action}", act)
    router.add_get("/control/{action}", get_state)
    router.add_delete("/control/faults", clear_faults)
    router.add_get("/control/chats/{chat_id}", chat)
    router.add_get("/control/chats/{chat_id}/wait", wait)
    router.add_get("/control/files/{file_id}", file)
