"""``python -m bot chat --user ID``: a terminal chat with the sandbox bot, through the emulator's
control API only (what a Telegram app would do: send text, commands, files; tap buttons).

The bot's messages are printed in order, each inline button numbered ``[1]``, ``[2]``…; typing a
number taps that button (of the latest numbering), ``:text TEXT`` sends TEXT as it is (a figure
such as ``3`` that a bare number would take as a tap), ``:file PATH`` sends a file, ``:quit`` leaves;
anything else (``/start CODE``, ``/nhiemvu``, free text) is sent as a message. With ``--group ID``
the person writes in a group chat instead of the private one (the standing office binds its group
with ``/start CODE`` there).
"""

from __future__ import annotations

import asyncio
import base64
import mimetypes
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

HELP = (
    "Gõ tin nhắn hoặc lệnh (/start MÃ, /trogiup…) rồi Enter · số N = bấm nút [N] · "
    ":text 3 = gửi số 3 như tin nhắn · :file ĐƯỜNG_DẪN = gửi tệp · :quit = thoát\n"
    "Type a message or command · N = tap button [N] · :text 3 = send 3 as a message · "
    ":file PATH = send a file · :quit = leave"
)


@dataclass(frozen=True)
class Button:
    """A numbered inline button: the message it sits under and its callback data (or URL)."""

    message_id: int
    text: str
    data: str | None
    url: str | None = None


@dataclass
class ChatSession:
    """One person's chat with the bot through the emulator at ``server`` (``http://host:port``)."""

    server: str
    user: dict[str, Any]
    http: aiohttp.ClientSession
    #: ``{"id" (negative), "type": "group", "title"}`` to write in a group; None: the private chat.
    group: dict[str, Any] | None = None
    seen: int = 0
    buttons: list[Button] = field(default_factory=list)
    keyboard: list[str] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return int((self.group or self.user)["id"])

    def _where(self) -> dict[str, Any]:
        # The control API's "chat" (omitted for the private chat).
        return {"chat": self.group} if self.group else {}

    async def _post(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        async with self.http.post(f"{self.server}/control/{action}", json=body) as response:
            payload: dict[str, Any] = await response.json()
            if response.status != 200:
                raise RuntimeError(payload.get("error", f"HTTP {response.status}"))
            return payload

    async def send_text(self, text: str) -> None:
        """Send ``text`` as the user (commands included)."""
        await self._post("message", {"user": self.user, "text": text, **self._where()})

    async def tap(self, number: int) -> None:
        """Tap button ``number`` (1-based) of the latest numbering; a reply-keyboard option is
        sent as its text, as Telegram apps do. Raises ``IndexError`` for a number not shown."""
        if self.keyboard and not self.buttons:
            await self.send_text(self.keyboard[number - 1])
            return
        if not 1 <= number <= len(self.buttons):
            raise IndexError(number)
        button = self.buttons[number - 1]
        if button.data is None:
            raise IndexError(number)
        await self._post(
            "callback",
            {
                "user": self.user,
                "chat_id": self.chat_id,
                "message_id": button.message_id,
                "data": button.data,
            },
        )

    async def send_file(self, where: str, caption: str | None = None) -> None:
        """Send the file at ``where`` (``~`` expanded) as a document."""
        path = Path(where)
        content = await asyncio.to_thread(lambda: path.expanduser().read_bytes())
        body: dict[str, Any] = {
            "user": self.user,
            **self._where(),
            "content_b64": base64.b64encode(content).decode("ascii"),
            "file_name": path.name,
            "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        }
        if caption:
            body["caption"] = caption
        await self._post("document", body)

    async def fetch(self, wait: float = 0.0) -> list[str]:
        """Lines to print for what the bot did since the last call (waiting up to ``wait``
        seconds for something new)."""
        url = f"{self.server}/control/chats/{self.chat_id}/wait"
        params = {"count": str(self.seen + 1), "timeout": str(wait)}
        async with self.http.get(url, params=params) as response:
            view = await response.json()
        transcript = view.get("transcript", [])
        new, self.seen = transcript[self.seen :], len(transcript)
        lines: list[str] = []
        for entry in new:
            lines += self.render(entry)
        return lines

    def render(self, entry: dict[str, Any]) -> list[str]:
        """Printable lines of one transcript entry; renumbers buttons when a message has some."""
        kind = entry.get("kind")
        if kind == "chat_action":
            return [f"   … bot: {entry.get('action')}"]
        if kind == "callback_answer":
            text = entry.get("text")
            return [f"   (!) {text}"] if text else []
        if kind == "delete":
            return [f"   (tin nhắn {entry.get('message_id')} đã bị xóa / deleted)"]
        message = entry.get("message") or {}
        prefix = "🤖 (sửa / edited) " if kind == "edit" else "🤖 "
        body = message.get("text") or message.get("caption") or ""
        document = message.get("document")
        lines = [f"{prefix}#{message.get('message_id')}"]
        if document:
            lines.append(
                f"   📎 {document.get('file_name', 'tệp')} (file_id {document.get('file_id')})"
            )
        if message.get("photo"):
            lines.append("   🖼 ảnh / photo")
        lines += [f"   {line}" for line in body.splitlines()] or []
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        if not rows and kind == "edit":
            # The edit took the keyboard away: in Telegram those buttons are gone too.
            gone = message.get("message_id")
            self.buttons = [b for b in self.buttons if b.message_id != gone]
        if rows:
            self.buttons = []
            self.keyboard = []
            for row in rows:
                labels = []
                for b in row:
                    self.buttons.append(
                        Button(
                            message["message_id"], b["text"], b.get("callback_data"), b.get("url")
                        )
                    )
                    labels.append(
                        f"[{len(self.buttons)}] {b['text']}"
                        + (f" ({b['url']})" if b.get("url") else "")
                    )
                lines.append("   " + "   ".join(labels))
        keyboard = (entry.get("reply_keyboard") or {}).get("keyboard")
        if keyboard:
            self.buttons = []
            self.keyboard = [
                b["text"] if isinstance(b, dict) else str(b) for row in keyboard for b in row
            ]
            lines.append("   " + "   ".join(f"[{i}] {t}" for i, t in enumerate(self.keyboard, 1)))
        return lines


def _read_lines(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    # A daemon thread, not asyncio.to_thread: a blocked readline() in the default executor would
    # keep asyncio.run() from returning after ":quit" until the person pressed Enter again.
    for line in sys.stdin:
        loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
    loop.call_soon_threadsafe(queue.put_nowait, None)


async def chat_loop(server: str, user: dict[str, Any], group: dict[str, Any] | None = None) -> None:
    """Run the interactive chat (in ``group`` when given) until ``:quit`` or end of input."""
    async with aiohttp.ClientSession() as http:
        session = ChatSession(server, user, http, group)
        try:
            for line in await session.fetch():
                print(line)
        except aiohttp.ClientConnectionError:
            print(
                f"Không kết nối được sandbox tại {server}. Hãy chạy `make run` (không có token) trước.\n"
                f"Cannot reach the sandbox at {server}: start it with `make run` (no token) first.",
                file=sys.stderr,
            )
            raise SystemExit(1) from None
        print(HELP)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        threading.Thread(
            target=_read_lines, args=(asyncio.get_running_loop(), queue), daemon=True
        ).start()

        async def show() -> None:
            while True:
                for line in await session.fetch(wait=20):
                    print(line, flush=True)

        printer = asyncio.create_task(show())
        try:
            while (raw := await queue.get()) is not None:
                text = raw.strip()
                if not text:
                    continue
                try:
                    if text in (":quit", ":q"):
                        break
                    if text.startswith(":file "):
                        await session.send_file(text[6:].strip())
                    elif text.startswith(":text "):
                        await session.send_text(text[6:].strip())
                    elif text.isdigit():
                        await session.tap(int(text))
                    else:
                        await session.send_text(text)
                except IndexError:
                    print(f"   (không có nút [{text}] để bấm / no button [{text}] to tap)")
                except (OSError, RuntimeError) as exc:
                    print(f"   (không thực hiện được / failed: {exc})")
        finally:
            printer.cancel()


def group_chat(group_id: int, title: str | None) -> dict[str, Any]:
    """The control API's group chat ``group_id`` (made negative, as Telegram's group ids are)."""
    chat_id = -abs(group_id)
    return {"id": chat_id, "type": "group", "title": title or f"Nhóm {chat_id}"}


def run_chat(
    server: str,
    *,
    user_id: int,
    name: str,
    username: str | None,
    group: dict[str, Any] | None = None,
) -> None:
    """Entry point of ``python -m bot chat`` (in ``group``, see ``group_chat``, when given)."""
    user: dict[str, Any] = {"id": user_id, "first_name": name, "language_code": "vi"}
    if username:
        user["username"] = username.lstrip("@")
    print(f"Trò chuyện với bot trong sandbox với tư cách {name} (id {user_id}).")
    if group:
        print(f"Trong nhóm / in the group “{group['title']}” (id {group['id']}).")
    try:
        asyncio.run(chat_loop(server.rstrip("/"), user, group))
    except KeyboardInterrupt:
        pass
