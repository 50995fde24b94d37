"""Real bot processes for the kill and two-process tests: ``python -m bot outbox send`` (plans and
sends, leader-elected, no polling) against the in-test emulator, and what they delivered.

Waiting is event-driven where it can be (the emulator's transcript changes, process exit); the
database is checked by polling with a deadline (another process commits there).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.pytest_plugin import TelegramEmulator
from models.reminders import OutboxMessage, OutboxStatus

ROOT = Path(__file__).resolve().parents[2]
#: ``python -m bot outbox send``: plans and sends, no polling.
SEND = ("outbox", "send")
#: ``python -m bot run``: the whole bot — polls (leader only), plans and sends.
RUN = ("run",)
#: Every reminder message starts with this line (scheduler/reminder_text.py).
REMINDER_TITLE = "Nhắc việc — Chiến dịch 500 ngày đêm"


class BotProcess:
    """One ``python -m bot outbox send`` child; its log goes to ``log``."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path) -> None:
        self.proc = proc
        self.log = log

    @property
    def pid(self) -> int:
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL — no cleanup, no graceful shutdown."""
        if self.proc.returncode is None:
            os.kill(self.proc.pid, signal.SIGKILL)

    async def wait(self) -> int:
        return await self.proc.wait()

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def is_leader(self) -> bool:
        return "leader lock acquired" in self.text()


async def start_bot(
    emu: TelegramEmulator,
    db_url: str,
    log: Path,
    *extra: str,
    command: tuple[str, ...] = SEND,
    crash_after_accepted: int | None = None,
) -> BotProcess:
    """Start ``python -m bot <command> <extra…>`` on ``db_url`` against the emulator."""
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "TELEGRAM_BOT_TOKEN": emu.token,
        "TELEGRAM_API_BASE_URL": emu.base_url,
        "SENDER_INTERVAL_SECONDS": "0.2",
        # The emulator's limits are relaxed in these tests; so is the bot's own limiter.
        "SEND_RATE_PER_SECOND": "1000",
        "PLANNER_TICK_SECONDS": "3600",
        "LOG_LEVEL": "INFO",
    }
    if crash_after_accepted is not None:
        env["DELIVERY_CRASH_AFTER_ACCEPTED"] = str(crash_after_accepted)
    handle = log.open("w")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *command,
        *extra,
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=handle,
    )
    handle.close()
    return BotProcess(proc, log)


def delivered(emu: TelegramEmulator, chats: list[int]) -> dict[int, int]:
    """How many reminder messages the bot got into each chat (its other replies not counted)."""
    state = emu.emulator.state
    out = {}
    for c in chats:
        chat = state.chats.get(c)
        out[c] = (
            0
            if chat is None
            else sum(
                1
                for m in chat.bot_message_ids
                if m in chat.messages
                and str(chat.messages[m].get("text", "")).startswith(REMINDER_TITLE)
            )
        )
    return out


async def until_delivered(
    emu: TelegramEmulator, chats: list[int], total: int, within: float = 60.0
) -> None:
    """Wait until at least ``total`` messages reached ``chats`` (raises ``TimeoutError``)."""
    state = emu.emulator.state

    async def go() -> None:
        while sum(delivered(emu, chats).values()) < total:
            await state.changed()

    await asyncio.wait_for(go(), within)


async def eventually(
    check: Callable[[], Awaitable[bool]], within: float = 60.0, every: float = 0.05
) -> None:
    """Poll ``check`` until true (raises ``TimeoutError`` after ``within`` seconds)."""

    async def go() -> None:
        # Another process commits to the database: nothing here can be awaited as an event.
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(every)

    await asyncio.wait_for(go(), within)


async def statuses(sf: async_sessionmaker[AsyncSession]) -> dict[OutboxStatus, int]:
    async with sf() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {OutboxStatus(s): int(n) for s, n in rows.all()}


async def sending_chats(sf: async_sessionmaker[AsyncSession]) -> set[int]:
    """Recipients whose rows are 'sending' (claimed, outcome not committed)."""
    async with sf() as session:
        rows = await session.scalars(
            select(OutboxMessage.recipient_chat_id).where(
                OutboxMessage.status == OutboxStatus.SENDING
            )
        )
        return set(rows.all())


def due_now() -> datetime:
    """A sending time that has just passed on the real clock (the child runs on real time)."""
    return datetime.now(UTC) - timedelta(minutes=1)
