"""Running the real bot (``bot.app.build_application``) against the emulator, polling, in a test.

The bot's clock is the emulator's ``ManualClock`` (seconds since the epoch → aware UTC), so moving
``telegram_emulator.clock`` moves both sides; nothing sleeps for real.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import BotCommandScopeChat
from telegram.ext import Application, BaseHandler

from bot.app import build_application
from bot.run import webhook_options
from bot.settings import Settings
from emulator.pytest_plugin import TelegramEmulator
from models import access, directory
from models.people import Role
from tests.conftest import ROOT


def bot_settings(emu: TelegramEmulator, db_url: str, **overrides: Any) -> Settings:
    """Settings pointing the bot at the emulator (as the sandbox does) and at ``db_url``."""
    values: dict[str, Any] = dict(
        telegram_bot_token=SecretStr(emu.token),
        telegram_api_base_url=emu.base_url,
        telegram_file_base_url=emu.base_file_url,
        database_url=db_url,
        bot_username="thu_bot",
        webhook_url=None,
        admin_chat_id=None,
        # The reminder jobs would send their own messages into the chats under test; the tests
        # about delivery turn them on (or drain the outbox themselves).
        delivery_enabled=False,
    )
    values.update(overrides)
    return Settings(**values)


def emulator_clock(emu: TelegramEmulator) -> Any:
    """The emulator's clock as the bot's clock (aware UTC)."""
    return lambda: datetime.fromtimestamp(emu.clock.now(), UTC)


@asynccontextmanager
async def running_bot(
    emu: TelegramEmulator,
    db_url: str,
    factory: async_sessionmaker[AsyncSession],
    extra_handlers: list[BaseHandler[Any, Any, Any]] = (),  # type: ignore[assignment]
    **settings: Any,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    """The bot polling the emulator until the block exits (``extra_handlers`` added last); with
    ``webhook_url`` in ``settings``, in webhook mode instead, as ``bot.run`` starts it."""
    config = bot_settings(emu, db_url, **settings)
    app = build_application(config, clock=emulator_clock(emu), session_factory=factory)
    for handler in extra_handlers:
        app.add_handler(handler)
    async with app:
        # run_polling() calls post_init/post_shutdown around initialize/shutdown; do the same.
        assert app.post_init is not None and app.post_shutdown is not None
        await app.post_init(app)
        await app.start()
        assert app.updater is not None
        webhook = webhook_options(config)
        if webhook is None:
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
        else:
            await app.updater.start_webhook(**webhook)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.post_shutdown(app)


async def make_invite(
    factory: async_sessionmaker[AsyncSession],
    emu: TelegramEmulator,
    role: Role,
    *,
    agency: str | None = None,
    leader: str | None = None,
    ttl: timedelta = timedelta(days=14),
) -> str:
    """An invite code made the way ``python -m bot invite`` makes it, at the emulator's time."""
    now = emulator_clock(emu)()
    async with factory.begin() as s:
        from models.repositories import get_plan

        plan = await get_plan(s)
        agency_id = (await directory.find_agency_by_name(s, plan.id, agency)).id if agency else None
        leader_id = (
            (await directory.find_leader_position(s, plan.id, leader)).id if leader else None
        )
        invite = await access.create_invite(
            s, plan.id, role, now=now, ttl=ttl, agency_id=agency_id, leader_position_id=leader_id
        )
        return invite.code


# The command menu of a standing-office contact, in the order Telegram shows it.
OFFICE_MENU = [
    "start",
    "nhiemvu",
    "capnhat",
    "lienhe",
    "moi",
    "baocao",
    "hopthu",
    "tamdungnhac",
    "tieptucnhac",
    "dotxuat",
    "huydotxuat",
    "kichhoat",
    "ngaynghi",
    "ngaylamviec",
    "trogiup",
    "huy",
]


async def menu_of(app: Application[Any, Any, Any, Any, Any, Any], user_id: int) -> list[str]:
    """The commands of the menu the bot set for the private chat of ``user_id``."""
    scope = BotCommandScopeChat(user_id)
    return [c.command for c in await app.bot.get_my_commands(scope=scope)]


def texts(transcript: list[dict[str, Any]]) -> list[str]:
    """The texts of the messages the bot sent, in order."""
    return [e["message"]["text"] for e in transcript if e.get("message") and "text" in e["message"]]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_bot_process(
    env: dict[str, str], log_level: str = "WARNING"
) -> subprocess.CompletedProcess[str]:
    """``python -m bot run`` in a child process with ``env`` on top of ours (60 s at most)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": log_level, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def wait_for_text(path: Path, text: str, proc: subprocess.Popen[Any], timeout: float) -> str:
    """The content of ``path`` once it contains ``text`` (a child's log file); fails the test when
    ``proc`` exits first or ``timeout`` real seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        content = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        if text in content:
            return content
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never appeared; the log so far:\n{content}")
        time.sleep(0.1)


@contextmanager
def emulator_process() -> Iterator[int]:
    """The emulator as the sandbox starts it (a process), on a free port; yields the port."""
    from bot.sandbox import start_emulator

    port = free_port()
    proc = start_emulator(Settings(sandbox_port=port))
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=5)
