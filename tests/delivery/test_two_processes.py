"""Two bot processes (``python -m bot run``: poll, plan, send) at the same time on one database
(SQLite file lock; PostgreSQL advisory lock when a server is reachable): one polls, plans and
sends, the other waits as a hot standby without polling and takes over when the first is
SIGKILLed. Every reminder reaches its contact exactly once.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from emulator.pytest_plugin import TelegramEmulator
from models.reminders import OutboxStatus
from tests.delivery.conftest import open_chats
from tests.delivery.procs import (
    RUN,
    delivered,
    due_now,
    eventually,
    start_bot,
    statuses,
    until_delivered,
)
from tests.delivery.seed import add_reminders, migrated, seed_plan, users

N = 200

pytestmark = pytest.mark.slow


async def test_two_processes_send_each_reminder_once_and_standby_takes_over(
    telegram_emulator: TelegramEmulator, db_url: str, tmp_path: Path
) -> None:
    emu = telegram_emulator
    emu.settings.rate_limits = False
    sf = await migrated(db_url)
    plan_id = await seed_plan(sf, N)
    await open_chats(emu, N)
    chats = users(N)
    await add_reminders(sf, plan_id, chats, at=due_now())

    a = await start_bot(emu, db_url, tmp_path / "a.log", command=RUN)
    b = await start_bot(emu, db_url, tmp_path / "b.log", command=RUN)
    procs = [a, b]
    try:

        async def sent(n: int) -> bool:
            return (await statuses(sf)).get(OutboxStatus.SENT, 0) == n

        await eventually(lambda: sent(N))
        # Both are running; exactly one became the leader, the other is waiting.
        assert [p.proc.returncode for p in procs] == [None, None]
        leaders = [p for p in procs if p.is_leader()]
        assert len(leaders) == 1, [p.text() for p in procs]
        leader = leaders[0]
        standby = b if leader is a else a
        assert set(delivered(emu, chats).values()) == {1}
        # Only the leader polls: the standby never made Telegram answer 409 Conflict.
        assert "Conflict" not in a.text() + b.text()
        # (PTB logs "Application started" once polling runs; the standby is held before that.)
        assert "Application started" in leader.text()
        assert "Application started" not in standby.text()
        assert "taking the leader lock before polling" in standby.text()

        # The leader dies; new reminders are due; the standby takes over and sends them once.
        leader.kill()
        await leader.wait()
        killed_at = time.monotonic()
        await add_reminders(sf, plan_id, chats, at=due_now(), tag="5a")
        await until_delivered(emu, chats, N + 1)
        took_over = time.monotonic() - killed_at
        await eventually(lambda: sent(2 * N))
        print(f"\nstandby sent its first reminder {took_over:.2f} s after the leader's SIGKILL")
        assert standby.is_leader()
        assert "Application started" in standby.text()  # and now it polls
        assert set(delivered(emu, chats).values()) == {2}
    finally:
        for p in procs:
            p.kill()
            await p.wait()
