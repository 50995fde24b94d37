"""SIGKILL the real bot (``python -m bot run``: polling, planning, sending) at several points of
one fan-out to 200 contacts — before it sends, during, between Telegram's acceptance and the
database commit, after — restarting it each time, and count: 0 lost, and a message twice only for
a row a kill caught after Telegram had accepted it and before the commit (the row is still
'sending' while the contact already has the message). The test prints the counts of each kill.

The emulator's flood limits are relaxed here (this is about restarts, not limits).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from emulator.pytest_plugin import TelegramEmulator
from models.reminders import OutboxStatus
from tests.delivery.conftest import open_chats
from tests.delivery.procs import (
    RUN,
    BotProcess,
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


async def test_sigkill_at_several_points_of_a_fanout_loses_nothing(
    telegram_emulator: TelegramEmulator, tmp_path: Path
) -> None:
    emu = telegram_emulator
    emu.settings.rate_limits = False
    db_url = f"sqlite:///{tmp_path / 'bot.db'}"
    sf = await migrated(db_url)
    plan_id = await seed_plan(sf, N)
    await open_chats(emu, N)
    chats = users(N)
    await add_reminders(sf, plan_id, chats, at=due_now())

    async def sent(n: int) -> bool:
        return (await statuses(sf)).get(OutboxStatus.SENT, 0) == n

    extra: Counter[int] = Counter()  # chats a kill caught accepted-but-not-committed
    report = []
    for life, point in enumerate(["before", "during", "accepted-not-committed", "after"]):
        before = delivered(emu, chats)
        bot: BotProcess = await start_bot(
            emu,
            db_url,
            tmp_path / f"life{life}.log",
            command=RUN,
            crash_after_accepted=60 if point == "accepted-not-committed" else None,
        )
        if point == "before":
            bot.kill()  # still starting: nothing claimed, nothing sent
        elif point == "during":
            await until_delivered(emu, chats, 80)
            bot.kill()
        elif point == "after":
            await eventually(lambda: sent(N))
            bot.kill()
        # accepted-not-committed: the bot SIGKILLs itself after its 60th accepted message.
        assert await bot.wait() == -9
        for _ in range(5):  # let the emulator finish requests that reached it before the kill
            await asyncio.sleep(0)
        after = delivered(emu, chats)
        caught = await sending_chats(sf)
        window = {c for c in caught if after[c] > before[c]}
        extra.update(window)
        report.append(
            f"[{point}] delivered in this life: {sum(after.values()) - sum(before.values())}, "
            f"rows left 'sending': {len(caught)}, of them already accepted: {len(window)}"
        )

    # One more restart: it resends only what the kills caught, then serves a new reminder.
    await add_reminders(sf, plan_id, chats[:1], at=due_now(), tag="5a")
    last = await start_bot(emu, db_url, tmp_path / "last.log", command=RUN)
    try:
        await eventually(lambda: sent(N + 1))
    finally:
        last.kill()
        await last.wait()

    counts = delivered(emu, chats)
    lost = [c for c in chats if counts[c] == 0]
    twice = sorted(c for c in chats if counts[c] > 1 + (c == chats[0]))
    print("\n" + "\n".join(report))
    print(f"after the last restart: lost {len(lost)}, sent twice {len(twice)}")
    assert lost == []
    # Each contact got its reminder once, plus once more per kill that caught it in the window.
    assert {c: counts[c] - (c == chats[0]) for c in chats} == {c: 1 + extra[c] for c in chats}
    assert (
        len(report) == 4
        and "already accepted: 0" in report[0]
        and "already accepted: 0" in report[3]
    )
    assert sum(extra.values()) >= 1  # the self-kill came right after an acceptance
