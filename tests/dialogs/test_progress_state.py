"""The dialog's state over time: timeouts judged from the stored last activity, the draft offered
on return, restarts (a new session factory = a new process), and many contacts confirming at once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs import progress
from dialogs.render import Screen
from models.progress import DialogState, ProgressReport, ProgressReportVersion
from tests.dialogs.conftest import CFG, Clock, Driver, labels
from tests.dialogs.factories import BCHQS, NOI_VU, Y_TE, DialogPlan, make_contact

T5A = "5a · Chỉ đạo đẩy mạnh tìm kiếm, quy tập hài cốt…"
T6B = "6b · Xác định 01 nghĩa trang liệt sĩ trên địa bàn…"


async def test_idle_dialog_pauses_keeps_its_draft_and_resumes(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await driver.start()
    await driver.tap(T5A)
    await driver.tap("Đang thực hiện")
    await driver.text("7")
    driver.clock.advance(minutes=30)  # exactly the timeout: still active
    async with session_factory.begin() as s:
        assert await progress.expire_idle(s, driver.clock.now, CFG) == []
    driver.clock.advance(seconds=1)
    async with session_factory.begin() as s:
        [(chat_id, notice)] = await progress.expire_idle(s, driver.clock.now, CFG)
    assert chat_id == 1001
    assert notice.text == (
        "Phiên cập nhật đã tạm dừng sau 30 phút không có trả lời. Bản nháp vẫn được giữ.\n"
        "Bạn có một báo cáo chưa xong: nhiệm vụ 5a, bắt đầu lúc 16/11/2026 09:00."
    )
    assert labels(notice) == [["Tiếp tục"], ["Bắt đầu lại"], ["Hủy bản nháp"]]
    async with session_factory() as s:
        row = await s.scalar(select(DialogState))
        assert row is not None and (row.outcome, row.state) == ("timed_out", "typing_result")
    # Swept once only.
    async with session_factory.begin() as s:
        assert await progress.expire_idle(s, driver.clock.now, CFG) == []
    # Typing now is not taken as the answer; the draft is offered.
    s1 = await driver.text("Kết quả muộn")
    assert isinstance(s1, Screen)
    assert s1.text.startswith("Phiên cập nhật đã tạm dừng vì lâu không trả lời; tin vừa gửi")
    s2 = await driver.tap("Tiếp tục")
    assert isinstance(s2, Screen)
    assert s2.text.endswith("Kết quả thực hiện trong kỳ? Gõ ngắn gọn, hoặc bấm Bỏ qua.")
    for _ in range(5):
        s3 = await driver.tap("Bỏ qua")
    assert isinstance(s3, Screen) and "Hài cốt quy tập: 7 bộ" in s3.text


async def test_expired_dialog_found_without_the_sweep(driver: Driver) -> None:
    """A restart may skip the sweep: the next input still sees the timeout (stored time)."""
    await driver.start()
    first = await driver.tap(T5A)
    driver.clock.advance(hours=3)
    s = await driver.tap("Hoàn thành", first if isinstance(first, Screen) else None)
    assert isinstance(s, Screen)
    assert s.text.startswith("Phiên cập nhật đã tạm dừng vì lâu không trả lời.\n")
    s = await driver.tap("Tiếp tục")
    assert isinstance(s, Screen) and s.text.endswith("Tình hình thực hiện nhiệm vụ?")


async def test_capnhat_offers_the_unfinished_draft(driver: Driver) -> None:
    await driver.start()
    await driver.tap(T5A)
    s = await driver.start()
    assert s.text == "Bạn có một báo cáo chưa xong: nhiệm vụ 5a, bắt đầu lúc 16/11/2026 09:00."
    s2 = await driver.tap("Bắt đầu lại")
    assert isinstance(s2, Screen) and s2.text.startswith("<b>Cập nhật tiến độ</b>")
    # A reminder's button on another task offers the draft too, and can switch.
    await driver.tap(T6B)
    s3 = await driver.open_task("5a", 0)
    assert isinstance(s3, Screen)
    assert labels(s3) == [
        ["Tiếp tục"],
        ["Bỏ bản nháp, báo cáo nhiệm vụ khác"],
        ["Hủy bản nháp"],
    ]
    s4 = await driver.tap("Bỏ bản nháp, báo cáo nhiệm vụ khác")
    assert isinstance(s4, Screen) and s4.text.startswith("<b>Nhiệm vụ 5a</b>")


async def test_huy_cancels_and_a_new_process_resumes(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession], db_engine_url: str
) -> None:
    await driver.start()
    await driver.tap(T5A)
    await driver.tap("Gặp khó khăn, vướng mắc")
    # Another process (a new engine and session factory) continues from the stored row.
    from models.db import create_engine, create_session_factory

    engine = create_engine(db_engine_url)
    try:
        other = Driver(create_session_factory(engine), driver.contact_id, driver.clock)
        other.last = driver.last
        s = await other.text("12")
        assert isinstance(s, Screen) and "Kết quả thực hiện trong kỳ?" in s.text
        async with other.factory.begin() as session:
            from models.people import Contact

            contact = await session.get(Contact, driver.contact_id)
            assert contact is not None
            cancelled = await progress.cancel(session, contact, driver.clock.now)
            assert cancelled is not None and cancelled.text == "Đã hủy. Không có gì được ghi nhận."
            assert await progress.cancel(session, contact, driver.clock.now) is None
    finally:
        await engine.dispose()


async def test_twenty_contacts_confirming_at_once_are_all_stored(
    session_factory: async_sessionmaker[AsyncSession], plan: DialogPlan, clock: Clock
) -> None:
    drivers: list[Driver] = []
    async with session_factory.begin() as s:
        for i in range(20):
            agency = (BCHQS, NOI_VU, Y_TE)[i % 3]
            contact = await make_contact(s, plan, agency, 5000 + i, full_name=f"Cán bộ {i}")
            drivers.append(Driver(session_factory, contact.id, clock))
    for d in drivers:  # BCHQS, Nội vụ and Y tế all lead 6b
        await d.open_task("6b", 0, one_tap=True)
    results = await asyncio.gather(*(d.tap("Xác nhận") for d in drivers))
    assert all(isinstance(r, Screen) and r.stored_version is not None for r in results)
    async with session_factory() as s:
        # One reply per agency (6b, 2026-11); contacts of one agency add versions to it.
        assert await s.scalar(select(func.count()).select_from(ProgressReport)) == 3
        assert await s.scalar(select(func.count()).select_from(ProgressReportVersion)) == 20
        versions = sorted(
            (await s.execute(select(ProgressReport.agency_id, ProgressReport.latest_version))).all()
        )
        assert [v for _a, v in versions] == [7, 7, 6]  # 20 contacts over 3 agencies, i % 3
