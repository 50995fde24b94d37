"""End to end through the real bot (``bot.app.build_application``) polling the emulator: the
standing office's chat controls and the "Nhắc lại sau" button under a delivered reminder.

The bot's own delivery jobs are off here (``delivery_enabled=False``) so the test drains the outbox
itself, at the emulator's time. Dates worked out by hand: Friday 27/11/2026 10:00 in Hà Tĩnh; the
next working day is Monday 30/11/2026 (weekend in between), sending time 08:00 = 01:00 UTC.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_application
from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Contact, Role
from models.reminders import AdhocRequest, OutboxMessage, Snooze
from models.repositories import get_plan
from scheduler import controls
from scheduler.sender import OutboxSender
from tests.bot.harness import bot_settings, emulator_clock, make_invite, texts
from tests.delivery.seed import utc
from tests.factories import make_small_plan

AN = TgUser(1001, "Nguyễn Văn", "An")  # contact of Sở Nội vụ
THU = TgUser(1003, "Lê Văn Thư")  # standing office (Bộ CHQS tỉnh)
FRIDAY_10H = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
MONDAY_8H = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@asynccontextmanager
async def bot_without_delivery(
    emu: TelegramEmulator, db_url: str, factory: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Any]:
    settings = bot_settings(emu, db_url).model_copy(update={"delivery_enabled": False})
    app = build_application(settings, clock=emulator_clock(emu), session_factory=factory)
    async with app:
        await app.post_init(app)  # type: ignore[misc]
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.post_shutdown(app)  # type: ignore[misc]


async def _seed(emu: TelegramEmulator, factory: async_sessionmaker[AsyncSession]) -> None:
    # Several replies in a row to one chat while the emulator's clock stands still: not a test
    # of the flood limits.
    emu.settings.rate_limits = False
    async with factory.begin() as s:
        await make_small_plan(s)
    emu.clock.set(FRIDAY_10H.timestamp())


async def _bind(emu: TelegramEmulator, factory: async_sessionmaker[AsyncSession]) -> None:
    an = await make_invite(factory, emu, Role.CONTACT, agency="so noi vu")
    thu = await make_invite(factory, emu, Role.STANDING_OFFICE, agency="bo chqs tinh")
    for user, code in ((AN, an), (THU, thu)):
        await emu.client.start(user, code)
        await emu.client.wait_for(user.id, 1)


async def test_snooze_button_moves_the_item_to_the_next_working_day(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu, sf = telegram_emulator, session_factory
    await _seed(emu, sf)
    async with bot_without_delivery(emu, db_url, sf) as app:
        await _bind(emu, sf)
        async with sf.begin() as s:
            plan = await get_plan(s)
            s.add(
                OutboxMessage(
                    plan_id=plan.id,
                    key="deadline:5b:0:2026-11-27",
                    kind="deadline",
                    recipient_chat_id=AN.id,
                    payload={
                        "header": "Nhắc việc: nội dung sắp đến hạn của Sở Nội vụ",
                        "lines": ["5b. Rà soát, tổng hợp thông tin mộ liệt sĩ — hạn 31/05/2027"],
                        "tasks": ["5b"],
                    },
                    scheduled_at=FRIDAY_10H,
                )
            )
        report = await OutboxSender(app.bot, sf, emulator_clock(emu)).drain()
        assert report.messages == 1
        transcript = await emu.client.wait_for(AN.id, 2)
        reminder = transcript[1]["message"]
        row_id = (await _row_ids(sf))[0]
        assert [
            b["callback_data"] for r in reminder["reply_markup"]["inline_keyboard"] for b in r
        ] == [
            "upd:v1:open:5b:0",
            "upd:v1:done:5b:0",
            f"rem:v1:snooze:{row_id}",
        ]
        await emu.client.press_button(AN, reminder["message_id"], f"rem:v1:snooze:{row_id}")
        transcript = await emu.client.wait_for(AN.id, 3)
        assert transcript[2]["kind"] == "callback_answer"
        assert transcript[2]["text"] == "Đã hẹn nhắc lại lúc 08:00 ngày 30/11/2026."
        # Someone else's tap on that button changes nothing.
        await emu.client.press_button(
            THU, reminder["message_id"], f"rem:v1:snooze:{row_id}", chat_id=AN.id
        )
    async with sf() as s:
        snoozes = (await s.execute(select(Snooze.reminder_key, Snooze.until))).all()
        an_id = await s.scalar(select(Contact.id).where(Contact.telegram_user_id == AN.id))
        owner = await s.scalar(select(Snooze.contact_id))
    assert [(k, utc(u)) for k, u in snoozes] == [("deadline:5b:0:2026-11-27", MONDAY_8H)]
    assert owner == an_id


async def _row_ids(sf: async_sessionmaker[AsyncSession]) -> list[int]:
    async with sf() as s:
        return list((await s.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id))).all())


async def test_office_pauses_resumes_sees_outbox_and_asks_adhoc(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu, sf = telegram_emulator, session_factory
    await _seed(emu, sf)
    async with bot_without_delivery(emu, db_url, sf):
        await _bind(emu, sf)
        for command in ("tamdungnhac", "hopthu", "tieptucnhac"):
            await emu.client.send_command(THU, command)
        await emu.client.send_command(THU, "dotxuat", "15/12/2026 Kết quả quy tập tháng 12")
        await emu.client.send_command(THU, "dotxuat", "15-12-2026")
        await emu.client.send_command(AN, "tamdungnhac")
        office = texts(await emu.client.wait_for(THU.id, 6))[1:]
        contact = texts(await emu.client.wait_for(AN.id, 2))[1:]
    assert office == [
        "Nhắc việc đã tạm dừng.",
        "Hộp thư nhắc việc\n⏸ Nhắc việc đang tạm dừng (/tieptucnhac để gửi lại).\n"
        "chờ gửi: 0; đang gửi: 0; đã gửi: 0; không gửi được: 0; chờ gửi lại: 0",
        "Đã tiếp tục gửi nhắc việc theo lịch.",
        "Đã tạo yêu cầu báo cáo đột xuất số 1 «Kết quả quy tập tháng 12», hạn 15/12/2026. Bot sẽ "
        "gửi đến tất cả cơ quan vào giờ nhắc việc tới. Xem báo cáo: /baocao dot xuat 1",
        "Cú pháp: /dotxuat ngày/tháng/năm nội dung yêu cầu báo cáo\n"
        "Ví dụ: /dotxuat 15/12/2026 Kết quả quy tập tháng 12",
    ]
    assert contact == [
        "Xin lỗi, chức năng này không dành cho vai trò của bạn. Gửi /trogiup để xem các lệnh bạn "
        "dùng được."
    ]
    async with sf() as s:
        plan = await get_plan(s)
        assert not await controls.is_paused(s, plan.id)
        [request] = (await s.scalars(select(AdhocRequest))).all()
    assert (request.subject, request.due.isoformat(), request.all_agencies) == (
        "Kết quả quy tập tháng 12",
        "2026-12-15",
        True,
    )
