"""The task list marks what the agency already reported for the dialog's period (``✅``), and
counts it on the line above the buttons.

Periods from the hand-worked calendar in ``conftest.NOW``: on Mon 16/11/2026 the default is the
November report (2026-11, due Tue 17/11); from Wed 18/11 the only open period is the year 2026.
Bộ Chỉ huy Quân sự tỉnh leads 5a, 5b (two deadlines: 31/05/2026 and 31/05/2027) and 6b; Sở Nội vụ
co-leads 5b and 6b.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.render import Screen
from tests.dialogs.conftest import Clock, Driver, labels
from tests.dialogs.factories import NOI_VU, DialogPlan, make_contact

T5A = "5a · Chỉ đạo đẩy mạnh tìm kiếm, quy tập hài cốt…"
T5B = "5b · Tổ chức Lễ đón Đội tìm kiếm, quy tập hài cốt…"
T6B = "6b · Xác định 01 nghĩa trang liệt sĩ trên địa bàn…"
HEAD = "<b>Cập nhật tiến độ</b> — {agency}\nChọn nhiệm vụ cần báo cáo:\n"


async def confirm_reply(d: Driver, *taps: str) -> None:
    """/capnhat, ``taps`` (the task, its deadline), "Đang thực hiện", Bỏ qua to the summary,
    Xác nhận."""
    s: object = await d.start()
    for label in taps:
        s = await d.tap(label)
    s = await d.tap("Đang thực hiện")
    while isinstance(s, Screen) and not any(b.label == "Xác nhận" for r in s.rows for b in r):
        s = await d.tap("Bỏ qua")
    s = await d.tap("Xác nhận")
    assert isinstance(s, Screen) and s.stored_version == 1
    d.clock.advance(minutes=1)


async def test_a_task_is_marked_once_every_deadline_is_reported_by_the_agency_itself(
    driver: Driver,
    session_factory: async_sessionmaker[AsyncSession],
    plan: DialogPlan,
    clock: Clock,
) -> None:
    # 5b's first deadline only: the list would still ask for the second, so 5b is not marked.
    await confirm_reply(driver, T5B, "Lần 1 — hạn 31/05/2026")
    s = await driver.start()
    assert s.text == HEAD.format(agency="Bộ Chỉ huy Quân sự tỉnh") + (
        "Đã báo cáo kỳ tháng 11/2026: 0/3 nhiệm vụ (✅)."
    )
    assert labels(s) == [[T5A], [T5B], [T6B], ["Hủy"]]

    # A draft is not a reply: 5a chosen and its status picked, then back to the list.
    await driver.tap(T5A)
    await driver.tap("Đang thực hiện")
    await driver.tap("« Quay lại")
    s = await driver.tap("« Quay lại")
    assert isinstance(s, Screen)
    assert s.text.endswith("\nĐã báo cáo kỳ tháng 11/2026: 0/3 nhiệm vụ (✅).")
    assert labels(s) == [[T5A], [T5B], [T6B], ["Hủy"]]
    await driver.tap("Hủy")

    # The second deadline too: 5b is marked. 6b (one deadline) is marked by its one reply.
    await confirm_reply(driver, T5B, "Lần 2 — hạn 31/05/2027")
    await confirm_reply(driver, T6B)
    s = await driver.start()
    assert s.text == HEAD.format(agency="Bộ Chỉ huy Quân sự tỉnh") + (
        "Đã báo cáo kỳ tháng 11/2026: 2/3 nhiệm vụ (✅)."
    )
    assert labels(s) == [[T5A], ["✅ " + T5B], ["✅ " + T6B], ["Hủy"]]
    await driver.tap("Hủy")

    # Sở Nội vụ co-leads 5b and 6b: Bộ CHQS's replies are not its own.
    async with session_factory.begin() as session:
        other = await make_contact(session, plan, NOI_VU, 1002, full_name="Trần Thị Bình")
    noi_vu = Driver(session_factory, other.id, clock)
    s = await noi_vu.start()
    assert s.text == HEAD.format(agency="Sở Nội vụ") + (
        "Đã báo cáo kỳ tháng 11/2026: 0/2 nhiệm vụ (✅)."
    )
    assert labels(s) == [[T5B], [T6B], ["Hủy"]]
    await noi_vu.tap("Hủy")

    # On Wed 18/11 the dialog answers the year 2026: the November replies do not mark it.
    clock.advance(days=2)
    s = await driver.start()
    assert s.text == HEAD.format(agency="Bộ Chỉ huy Quân sự tỉnh") + (
        "Đã báo cáo kỳ năm 2026: 0/3 nhiệm vụ (✅)."
    )
    assert labels(s) == [[T5A], [T5B], [T6B], ["Hủy"]]
