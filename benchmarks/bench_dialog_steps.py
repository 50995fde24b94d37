"""Micro-benchmark: the real bot's dialog steps in one process, without the network.

    /work/venv/bin/python benchmarks/bench_dialog_steps.py [--contacts 20] [--rounds 5]
        [--profile /tmp/steps.prof]

The real ``Application`` (``bot.app.build_application``: every handler, the role check, the
dialog, SQLite through aiosqlite) processes updates handed to ``Application.process_update`` one at
a time, as polling does; its Bot API calls go to an in-memory ``BaseRequest`` that answers at once
(``sendMessage``/``editMessageText`` with a message, ``answerCallbackQuery`` with true), so PTB's own
request building and response parsing are measured but not httpx, sockets or the emulator. Each
person runs complete dialogs as ``bench_dialog.py`` does (``/capnhat`` → task → status → figure →
result → Bỏ qua… → Xác nhận); the first round warms up and is not counted.

Prints CPU milliseconds per step (process time: this process does nothing else) and the
statements per step; ``--profile`` writes a cProfile file of the measured rounds (a coroutine's
every resumption counts as a call there; read cumulative times).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, text  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.request import BaseRequest, RequestData  # noqa: E402

from benchmarks.bench_dialog import seed  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from emulator.client import TgUser  # noqa: E402
from models.db import create_engine, create_session_factory  # noqa: E402
from models.repositories import get_plan  # noqa: E402

BOT = {"id": 4242, "is_bot": True, "first_name": "Bot", "username": "chiendich500_bot"}
_ids = itertools.count(1)


class InMemoryRequest(BaseRequest):
    """Answers every Bot API call at once; keeps the last message with buttons of each chat."""

    def __init__(self) -> None:
        self.calls = 0
        self.keyboards: dict[int, dict[str, Any]] = {}
        self.texts: dict[int, str] = {}

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        self.calls += 1
        name = url.rsplit("/", 1)[1]
        params = request_data.parameters if request_data is not None else {}
        result: Any = True
        if name == "getMe":
            result = BOT
        elif name in ("sendMessage", "editMessageText"):
            chat_id = int(params["chat_id"])  # type: ignore[arg-type]
            message_id = int(params.get("message_id") or next(_ids))  # type: ignore[arg-type]
            markup = params.get("reply_markup")
            if isinstance(markup, str):
                markup = json.loads(markup)
            result = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT,
                "text": params["text"],
            }
            self.texts[chat_id] = str(params["text"])
            if markup:
                result["reply_markup"] = markup
                self.keyboards[chat_id] = result
        return 200, json.dumps({"ok": True, "result": result}).encode()


class Person:
    def __init__(self, user: TgUser, bot: Any) -> None:
        self.user = user
        self.bot = bot

    def _from(self) -> dict[str, Any]:
        return {"id": self.user.id, "is_bot": False, "first_name": self.user.first_name}

    def _message(self, text: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": self.user.id, "type": "private"},
            "from": self._from(),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
        return {"update_id": next(_ids), "message": message}

    def text(self, text: str) -> Update:
        return Update.de_json(self._message(text), self.bot)

    def press(self, message: dict[str, Any], label: str) -> Update:
        for row in message["reply_markup"]["inline_keyboard"]:
            for button in row:
                if button["text"] == label:
                    data = {
                        "update_id": next(_ids),
                        "callback_query": {
                            "id": str(next(_ids)),
                            "from": self._from(),
                            "chat_instance": "1",
                            "message": message,
                            "data": button["callback_data"],
                        },
                    }
                    return Update.de_json(data, self.bot)
        raise AssertionError(label)


def next_update(person: Person, request: InMemoryRequest, first: bool) -> Update | None:
    """The person's next action, as ``bench_dialog.dialog_person`` chooses it; None when the
    dialog was confirmed."""
    if first:
        return person.text("/capnhat")
    chat = person.user.id
    if request.texts.get(chat, "").startswith("✅"):
        return None
    message = request.keyboards[chat]
    text = message["text"]
    labels = [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]
    if "Xác nhận" in labels:
        return person.press(message, "Xác nhận")
    if text.startswith("<b>Cập nhật tiến độ"):
        return person.press(message, labels[0])
    for label in ("Sửa báo cáo này", "Đang thực hiện"):
        if label in labels:
            return person.press(message, label)
    if labels[0].startswith("Lần 1"):
        return person.press(message, labels[0])
    if "Số liệu «" in text:
        return person.text("2")
    if "Kết quả thực hiện trong kỳ?" in text:
        return person.text("Đã triển khai theo kế hoạch")
    if "Bỏ qua" in labels:
        return person.press(message, "Bỏ qua")
    raise AssertionError(f"unexpected screen {text!r} {labels}")


async def in_memory_app(settings: Any, factory: Any) -> tuple[Any, InMemoryRequest]:
    """The real ``Application`` (``build_application``) on ``factory``'s database, initialized,
    its Bot API answered by an ``InMemoryRequest`` (returned too) and without the rate limiter.
    The caller shuts the application down."""
    app = build_application(settings, session_factory=factory)
    request = InMemoryRequest()
    app.bot._request = (request, request)
    app.bot._rate_limiter = None
    async with factory.begin() as session:
        app.bot_data.plan_id = (await get_plan(session)).id
    await app.initialize()
    return app, request


async def forget_replies(factory: Any) -> None:
    """Delete the stored replies (outside the measurement): every round then answers afresh, as
    ``bench_dialog.py``'s single round does, instead of correcting the previous round's reply."""
    async with factory.begin() as session:
        for table in ("indicator_figures", "progress_report_versions", "progress_reports"):
            await session.execute(text(f"DELETE FROM {table}"))


async def run_round(app: Any, people: list[Person], request: InMemoryRequest) -> int:
    """Every person runs one complete dialog, their steps interleaved; returns the steps."""
    for person in people:
        request.texts.pop(person.user.id, None)
    first = {p.user.id: True for p in people}
    live = list(people)
    steps = 0
    while live:
        for person in list(live):
            update = next_update(person, request, first[person.user.id])
            first[person.user.id] = False
            if update is None:
                live.remove(person)
                continue
            await app.process_update(update)
            steps += 1
    return steps


async def main(contacts: int, rounds: int, profile: str | None) -> None:
    people_users = [TgUser(10_000 + i, f"Cán bộ {i}") for i in range(contacts)]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        await seed(url, people_users)
        settings = load_settings(database_url=url, telegram_bot_token="1:x", delivery_enabled=False)
        engine = create_engine(url)
        factory = create_session_factory(engine)
        statements = [0]

        def count(*_args: object) -> None:
            statements[0] += 1

        event.listen(engine.sync_engine, "before_cursor_execute", count)
        app, request = await in_memory_app(settings, factory)
        people = [Person(u, app.bot) for u in people_users]
        await run_round(app, people, request)  # warm-up: imports, caches, first replies
        profiler = cProfile.Profile() if profile else None
        steps, cpu_used, wall, counted, calls = 0, 0.0, 0.0, 0, 0
        for _ in range(rounds):
            await forget_replies(factory)
            statements_before, calls_before = statements[0], request.calls
            cpu_before, wall_before = time.process_time(), time.perf_counter()
            if profiler is not None:
                profiler.enable()
            steps += await run_round(app, people, request)
            if profiler is not None:
                profiler.disable()
            cpu_used += time.process_time() - cpu_before
            wall += time.perf_counter() - wall_before
            counted += statements[0] - statements_before
            calls += request.calls - calls_before
        if profiler is not None:
            profiler.dump_stats(profile)
        await app.shutdown()
        await engine.dispose()
    print(
        f"{steps} steps ({contacts} persons × {rounds} dialogs): "
        f"{1000 * cpu_used / steps:.2f} ms CPU/step, {1000 * wall / steps:.2f} ms wall/step, "
        f"{counted / steps:.2f} statements/step, {calls / steps:.2f} Bot API calls/step"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.contacts, args.rounds, args.profile))
