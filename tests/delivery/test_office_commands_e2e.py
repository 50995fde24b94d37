"""End to end through the real bot polling the emulator: the standing office activates an
on-event task (/kichhoat) and sets calendar days (/ngaynghi, /ngaylamviec) in chat.

Task 4b's row is the plan's own (section 4 b: "Khi có hướng dẫn của Trung ương", Sở Nội vụ leads),
added to the factory plan; 5a's timeline "Đến tháng 7/2027" is not on-event. Weekdays worked out
by hand: 27/11/2026 is a Friday, 28/11/2026 a Saturday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from emulator.pytest_plugin import TelegramEmulator
from models.plan import Task, TaskAssignment, TaskRole, TaskSchedule
from models.reminders import CalendarOverride
from models.repositories import get_plan
from scheduler.commands import calendar_overrides
from tests.bot.harness import texts
from tests.delivery.seed import utc
from tests.delivery.test_admin_e2e import AN, THU, _bind, _seed, bot_without_delivery

FRIDAY_10H = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


async def _add_on_event_task(sf: async_sessionmaker[AsyncSession]) -> None:
    async with sf.begin() as s:
        plan = await get_plan(s)
        template = await s.scalar(select(Task).where(Task.plan_id == plan.id, Task.code == "5a"))
        assert template is not None
        noi_vu = await s.scalar(
            select(TaskAssignment.agency_id).where(
                TaskAssignment.task_id == template.id, TaskAssignment.role == TaskRole.SUPPORT
            )
        )
        s.add(
            Task(
                plan_id=plan.id,
                section_id=template.section_id,
                code="4b",
                position=9,
                content="Tham gia đóng góp ý kiến xây dựng các văn bản quy phạm pháp luật",
                timeline_text="Khi có hướng dẫn của Trung ương",
                leader_text="Phó Trưởng ban Thường trực",
                assignments=[TaskAssignment(role=TaskRole.LEAD, position=0, agency_id=noi_vu)],
                schedule=TaskSchedule(on_event="Khi có hướng dẫn của Trung ương"),
            )
        )


async def test_office_activates_an_on_event_task(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu, sf = telegram_emulator, session_factory
    await _seed(emu, sf)
    await _add_on_event_task(sf)
    async with bot_without_delivery(emu, db_url, sf):
        await _bind(emu, sf)
        for args in ("4b 08/02/2027", "9z 08/02/2027", "5a 08/02/2027", "4b 31/02/2027", "4b"):
            await emu.client.send_command(THU, "kichhoat", args)
        await emu.client.send_command(AN, "kichhoat", "4b 08/02/2027")
        office = texts(await emu.client.wait_for(THU.id, 6))[1:]
        contact = texts(await emu.client.wait_for(AN.id, 2))[1:]
    assert office == [
        "Đã kích hoạt nhiệm vụ 4b («Khi có hướng dẫn của Trung ương»), hạn 08/02/2027. Bot sẽ "
        "nhắc việc theo hạn này từ giờ nhắc việc tới.",
        "Không có nhiệm vụ «9z» trong Kế hoạch.",
        "Nhiệm vụ 5a không phải nhiệm vụ thực hiện khi có sự kiện (thời gian: «Đến tháng "
        "7/2027»). Chỉ kích hoạt được các nhiệm vụ «khi có…».",
        "«31/02/2027» không phải là ngày hợp lệ (ngày/tháng/năm, ví dụ 08/02/2027).",
        "Cú pháp: /kichhoat mã_nhiệm_vụ ngày/tháng/năm (hạn hoàn thành)\n"
        "Ví dụ: /kichhoat 4b 08/02/2027",
    ]
    assert contact == [
        "Xin lỗi, chức năng này không dành cho vai trò của bạn. Gửi /trogiup để xem các lệnh bạn "
        "dùng được."
    ]
    async with sf() as s:
        plan = await get_plan(s)
        task = await s.scalar(
            select(Task)
            .where(Task.plan_id == plan.id, Task.code == "4b")
            .options(selectinload(Task.schedule))
        )
        assert task is not None and task.schedule is not None
        # Activated at the emulator's clock (Friday 27/11/2026 10:00 in Hà Tĩnh, 03:00 UTC).
        assert task.schedule.activated_due == date(2027, 2, 8)
        assert task.schedule.activated_at is not None
        assert utc(task.schedule.activated_at) == FRIDAY_10H


async def test_office_sets_a_day_off_and_a_working_day(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu, sf = telegram_emulator, session_factory
    await _seed(emu, sf)
    async with bot_without_delivery(emu, db_url, sf):
        await _bind(emu, sf)
        await emu.client.send_command(THU, "ngaynghi", "27/11/2026 Nghỉ bù <ngày lễ>")
        await emu.client.send_command(THU, "ngaylamviec", "28/11/2026")
        await emu.client.send_command(THU, "ngaynghi", "27-11-2026")
        await emu.client.send_command(THU, "ngaylamviec")
        await emu.client.send_command(AN, "ngaynghi", "30/11/2026")
        office = texts(await emu.client.wait_for(THU.id, 5))[1:]
        contact = texts(await emu.client.wait_for(AN.id, 2))[1:]
    assert office == [
        "Đã đặt Thứ Sáu 27/11/2026 là ngày nghỉ: bot không gửi nhắc việc vào ngày này.\n"
        "Ghi chú: Nghỉ bù <ngày lễ>",
        "Đã đặt Thứ Bảy 28/11/2026 là ngày làm việc: bot gửi nhắc việc vào ngày này.",
        "«27-11-2026» không phải là ngày hợp lệ (ngày/tháng/năm, ví dụ 08/02/2027).",
        "Cú pháp: /ngaylamviec ngày/tháng/năm [ghi chú]\nVí dụ: /ngaylamviec 28/11/2026 Làm bù",
    ]
    assert contact[0].startswith("Xin lỗi, chức năng này không dành cho vai trò của bạn.")
    async with sf() as s:
        plan = await get_plan(s)
        days = [(o.day, o.is_working_day, o.note) for o in await calendar_overrides(s, plan.id)]
        assert (
            await s.scalar(
                select(CalendarOverride.id).where(CalendarOverride.day == date(2026, 11, 30))
            )
            is None
        )
    assert days == [
        (date(2026, 11, 27), False, "Nghỉ bù <ngày lễ>"),
        (date(2026, 11, 28), True, ""),
    ]
