"""The planner tick (``bot.delivery.planner_tick``: the real planner, ``scheduler.planner``) writes
the outbox; the sender delivers it through the emulator as one message with its buttons.

Worked out by hand from ``tests/factories.py`` (task 5b of the plan: Sở Nội vụ leads, deadline
31/05/2026): on Thursday 28/05/2026 at 08:00 in Hà Tĩnh (01:00 UTC) the 3-days-before reminder is
due ("còn 3 ngày"); the 7-days-before one fell on Sunday 24/05 and moved to Friday 22/05, was
never sent, and is folded into a status check.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import planner_tick
from bot.settings import Settings, reminder_rules
from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Contact
from models.reminders import OutboxMessage, OutboxStatus
from scheduler.sender import OutboxSender
from tests.delivery.conftest import FixedClock, make_bot
from tests.delivery.seed import migrated, utc
from tests.factories import make_small_plan

AN = TgUser(1001, "Nguyễn Văn An")
THURSDAY_8H = datetime(2026, 5, 28, 1, 0, tzinfo=UTC)


async def _seed_an(sf: async_sessionmaker[AsyncSession]) -> int:
    """The small plan with An bound as Sở Nội vụ's contact; returns the plan id."""
    async with sf.begin() as s:
        small = await make_small_plan(s)
        s.add(
            Contact(
                plan_id=small.plan.id,
                telegram_user_id=AN.id,
                full_name="Nguyễn Văn An",
                agency_id=small.agencies["Sở Nội vụ"].id,
            )
        )
        return small.plan.id


async def test_tick_writes_and_sender_delivers(
    telegram_emulator: TelegramEmulator, sqlite_url: str
) -> None:
    emu = telegram_emulator
    emu.settings.rate_limits = False
    sf = await migrated(sqlite_url)
    plan_id = await _seed_an(sf)
    await emu.client.start(AN)
    tick = planner_tick(sf, plan_id, reminder_rules(Settings()))
    written = await tick(THURSDAY_8H)
    assert written == 1  # the 3-days-before reminder (the 22/05 item is covered by it)

    bot = await make_bot(emu)
    try:
        report = await OutboxSender(bot, sf, FixedClock(THURSDAY_8H)).drain()
    finally:
        await bot.shutdown()
    assert (report.messages, report.sent_rows) == (1, written)
    [message] = await emu.client.bot_messages(AN.id)
    text = message["text"]
    assert text == (
        "Nhắc việc — Chiến dịch 500 ngày đêm\n"
        "\n"
        "1. Nhắc việc: nội dung sắp đến hạn của Sở Nội vụ\n"
        "5b. Rà soát, tổng hợp thông tin mộ liệt sĩ — hạn 31/05/2026, còn 3 ngày\n"
        "\n"
        "Bấm nút dưới đây để cập nhật tiến độ hoặc hẹn nhắc lại."
    )
    buttons = [
        b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row
    ]
    # Open task 5b, mark it done, or snooze this reminder (outbox row 1).
    assert buttons == ["upd:v1:open:5b:0", "upd:v1:done:5b:0", "rem:v1:snooze:1"]
    async with sf() as s:
        rows = (await s.scalars(select(OutboxMessage))).all()
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert [(r.kind, r.key) for r in rows] == [("deadline", "deadline:5b#1:a2:2026-05-28")]
    assert utc(rows[0].scheduled_at) == THURSDAY_8H  # stored in UTC


async def test_a_second_tick_at_the_same_moment_writes_nothing(sqlite_url: str) -> None:
    sf = await migrated(sqlite_url)
    tick = planner_tick(sf, await _seed_an(sf), reminder_rules(Settings()))
    assert await tick(THURSDAY_8H) == 1
    assert await tick(THURSDAY_8H) == 0
    assert await tick(THURSDAY_8H) == 0


async def test_tick_on_postgresql(pg_url: str) -> None:
    sf = await migrated(pg_url)
    tick = planner_tick(sf, await _seed_an(sf), reminder_rules(Settings()))
    assert await tick(THURSDAY_8H) == 1
    assert await tick(THURSDAY_8H) == 0
