"""SIGKILL a real bot process before, during and after a fan-out to 200 contacts, restart it,
and count: 0 lost; a message twice only for rows the kill caught between Telegram's acceptance and
the database commit (rows left 'sending'), and the test prints how many (DESIGN.md decision 1).

The emulator's flood limits are relaxed here (these tests are about restarts, not limits).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.pytest_plugin import TelegramEmulator
from models.reminders import OutboxStatus
from tests.delivery.conftest import open_chats
from tests.delivery.procs import (
    delivered,
    due_now,
    eventually,
    sending_chats,
    start_bot,
    statuses,
    until_delivered,
)
from tests.delivery.seed import add_reminders, migrated, seed_plan, users

N = 200

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("point", ["before", "during", "accepted-not-committed", "after"])
async def test_sigkill_then_restart_loses_nothing(
    telegram_emulator: TelegramEmulator, tmp_path: Path, point: str
) -> None:
    emu = telegram_emulator
    emu.settings.rate_limits = False
    db_url = f"sqlite:///{tmp_path / 'bot.db'}"
    sf = await migrated(db_url)
    plan_id = await seed_plan(sf, N)
    await open_chats(emu, N)
    chats = users(N)
    await add_reminders(sf, plan_id, chats, at=due_now())

    extra = ("--crash-after-accepted", "60") if point == "accepted-not-committed" else ()
    first = await start_bot(emu, db_url, tmp_path / "first.log", *extra)
    if point == "before":
        # Killed while starting up: nothing has been claimed or sent yet.
        first.kill()
    elif point == "during":
        await until_delivered(emu, chats, 80)
        first.kill()
    elif point == "after":
        await until_delivered(emu, chats, N)

        async def all_sent() -> bool:
            return (await statuses(sf)).get(OutboxStatus.SENT, 0) == N

        await eventually(all_sent)
        first.kill()
    # accepted-not-committed: the process SIGKILLs itself after the 60th accepted message.
    assert await first.wait() == -9
    before_restart = delivered(emu, chats)
    caught = await sending_chats(sf)  # the window: claimed, maybe accepted, not committed
    accepted_in_window = {c for c in caught if before_restart[c] > 0}

    second = await start_bot(emu, db_url, tmp_path / "second.log")
    try:

        async def all_sent_again() -> bool:
            return (await statuses(sf)).get(OutboxStatus.SENT, 0) == N

        await eventually(all_sent_again)
    finally:
        second.kill()
        await second.wait()

    counts = delivered(emu, chats)
    lost = [c for c, n in counts.items() if n == 0]
    twice = {c for c, n in counts.items() if n > 1}
    print(
        f"\n[{point}] before kill: {sum(1 for n in before_restart.values() if n)} delivered, "
        f"{len(caught)} rows left 'sending' ({len(accepted_in_window)} already accepted); "
        f"after restart: lost {len(lost)}, sent twice {len(twice)}"
    )
    assert lost == []
    assert all(n <= 2 for n in counts.values())
    # Only a row the kill caught after Telegram accepted it can go out twice.
    assert twice == accepted_in_window
    if point in ("before", "after"):
        assert twice == set()
    if point == "accepted-not-committed":
        assert len(twice) >= 1  # the 60th message at least
