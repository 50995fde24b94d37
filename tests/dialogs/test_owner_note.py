"""The figure step tells a co-lead that its figure is a note, and whose figure counts (DOMAIN.md,
"Indicators"): task 6b of the small plan is led by Bộ CHQS tỉnh, Sở Nội vụ and Sở Y tế; its
indicator "Mộ đã lấy mẫu" is owned by Bộ CHQS tỉnh until ``plan.owners.set_owner`` changes it."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.render import Screen
from models.plan import TaskIndicator
from plan.owners import set_owner
from tests.dialogs.conftest import Clock, Driver
from tests.dialogs.factories import BCHQS, Y_TE, DialogPlan, make_contact

ASK_6B = (
    "<b>Nhiệm vụ 6b</b>: Xác định 01 nghĩa trang liệt sĩ trên địa bàn tỉnh để tổ chức làm trước "
    "lấy mẫu hài cốt liệt sĩ (Nghĩa trang liệt sĩ xã…"
    "\nSố liệu «Mộ đã lấy mẫu» phát sinh trong kỳ (đơn vị: mộ)?"
    "\nGõ một số nguyên, ví dụ 12 hoặc 1.234 — hoặc bấm Bỏ qua."
)


def note(owner: str) -> str:
    return f"\nLưu ý: số này được ghi là ghi chú của cơ quan bạn; số tính vào tổng là của {owner}."


async def figure_screen(driver: Driver) -> str:
    await driver.open_task("6b")
    screen = await driver.tap("Đang thực hiện")
    assert isinstance(screen, Screen)
    return screen.text


async def test_note_to_a_co_lead_not_to_the_owner(
    driver: Driver,
    session_factory: async_sessionmaker[AsyncSession],
    plan: DialogPlan,
    clock: Clock,
) -> None:
    async with session_factory.begin() as session:
        yte = await make_contact(session, plan, Y_TE, 1003, full_name="Trần Thị Bích")
    yte_driver = Driver(session_factory, yte.id, clock)
    assert await figure_screen(driver) == ASK_6B  # Bộ CHQS tỉnh owns the figure: no note
    assert await figure_screen(yte_driver) == ASK_6B + note(BCHQS)

    async with session_factory.begin() as session:
        await set_owner(session, plan.plan.id, "6b", "mo da lay mau", "so y te")
    await yte_driver.tap("Hủy")
    await driver.tap("Hủy")
    assert await figure_screen(yte_driver) == ASK_6B
    assert await figure_screen(driver) == ASK_6B + note(Y_TE)


async def test_no_stored_owner_means_the_first_lead(
    session_factory: async_sessionmaker[AsyncSession], plan: DialogPlan, clock: Clock
) -> None:
    async with session_factory.begin() as session:
        await session.execute(update(TaskIndicator).values(owner_agency_id=None))
        yte = await make_contact(session, plan, Y_TE, 1003, full_name="Trần Thị Bích")
    assert await figure_screen(Driver(session_factory, yte.id, clock)) == ASK_6B + note(BCHQS)
