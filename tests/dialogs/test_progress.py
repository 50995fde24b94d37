"""The progress dialog's plain logic on a real database (SQLite, and PostgreSQL when reachable).

Expected texts are written out by hand from the issue's wording; periods from the hand-worked
calendar in ``conftest.NOW`` (2026-11 open until Tue 17/11/2026, then only the year 2026).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from dialogs import progress
from dialogs.render import Notice, Screen
from models.progress import DialogState, ProgressReport, ProgressReportVersion, ProgressStatus
from tests.dialogs.conftest import Driver, labels

T5A = "5a · Chỉ đạo đẩy mạnh tìm kiếm, quy tập hài cốt…"
T5B = "5b · Tổ chức Lễ đón Đội tìm kiếm, quy tập hài cốt…"
T6B = "6b · Xác định 01 nghĩa trang liệt sĩ trên địa bàn…"
HEADER_5A = (
    "<b>Nhiệm vụ 5a</b>: Chỉ đạo đẩy mạnh tìm kiếm, quy tập hài cốt liệt sĩ ở trong nước và tại "
    "nước Cộng hòa Dân chủ nhân dân Lào"
)


async def reports(factory: async_sessionmaker[AsyncSession]) -> list[ProgressReport]:
    async with factory() as session:
        return list(
            (
                await session.scalars(
                    select(ProgressReport)
                    .options(
                        selectinload(ProgressReport.versions).selectinload(
                            ProgressReportVersion.figures
                        )
                    )
                    .order_by(ProgressReport.id)
                )
            ).all()
        )


async def full_reply(d: Driver, *, begin: bool = True) -> Screen:
    """5a through every step up to the summary (``begin`` False: from the figure prompt on)."""
    if begin:
        await d.start()
        await d.tap(T5A)
        await d.tap("Đang thực hiện")
    await d.text("1.234")
    await d.text("Quy tập 3 bộ hài cốt <tại Lào> & trong nước")
    await d.tap("Bỏ qua")
    await d.text("Tiếp tục khảo sát")
    await d.tap("Bỏ qua")
    s = await d.tap("Bỏ qua")
    assert isinstance(s, Screen)
    return s


async def test_full_reply_is_stored_only_on_confirmation(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    s = await driver.start()
    assert s.text == (
        "<b>Cập nhật tiến độ</b> — Bộ Chỉ huy Quân sự tỉnh\nChọn nhiệm vụ cần báo cáo:\n"
        "Đã báo cáo kỳ tháng 11/2026: 0/3 nhiệm vụ (✅)."
    )
    assert labels(s) == [[T5A], [T5B], [T6B], ["Hủy"]]
    s = await driver.tap(T5A)
    assert isinstance(s, Screen)
    assert s.text == HEADER_5A + "\nTình hình thực hiện nhiệm vụ?"
    assert labels(s) == [
        ["Chưa triển khai"],
        ["Đang thực hiện"],
        ["Hoàn thành"],
        ["Gặp khó khăn, vướng mắc"],
        ["« Quay lại", "Hủy"],
    ]
    s = await driver.tap("Đang thực hiện")
    assert isinstance(s, Screen)
    assert s.text == HEADER_5A + (
        "\nSố liệu «Hài cốt quy tập» phát sinh trong kỳ (đơn vị: bộ)?"
        "\nGõ một số nguyên, ví dụ 12 hoặc 1.234 — hoặc bấm Bỏ qua."
    )
    assert labels(s) == [["Bỏ qua"], ["« Quay lại", "Hủy"]]
    summary = await full_reply(driver, begin=False)
    assert summary.text == "\n".join(
        [
            "<b>Xem lại báo cáo</b>",
            HEADER_5A,
            "Kỳ báo cáo: tháng 11/2026 (15/10/2026–14/11/2026)",
            "Tình trạng: Đang thực hiện",
            "Hài cốt quy tập: 1.234 bộ",
            "Kết quả: Quy tập 3 bộ hài cốt &lt;tại Lào&gt; &amp; trong nước",
            "Khó khăn, vướng mắc: (bỏ trống)",
            "Phương hướng tiếp theo: Tiếp tục khảo sát",
            "Đề xuất, kiến nghị: (bỏ trống)",
            "Báo cáo chỉ được ghi nhận khi bạn bấm <b>Xác nhận</b>.",
        ]
    )
    assert labels(summary) == [["Xác nhận"], ["Sửa", "Đổi kỳ báo cáo"], ["« Quay lại", "Hủy"]]
    assert await reports(session_factory) == []  # nothing counts before Xác nhận
    done = await driver.tap("Xác nhận", summary)
    assert isinstance(done, Screen)
    assert done.text == (
        "✅ Đã ghi nhận báo cáo nhiệm vụ 5a, kỳ tháng 11/2026 (15/10/2026–14/11/2026) "
        "(phiên bản 1). Cảm ơn bạn!"
    )
    assert done.rows == ()
    # The summary message is edited: same content, no longer "only counted when confirmed".
    assert done.replaces == "\n".join(
        [
            "<b>Báo cáo đã gửi</b>",
            *summary.text.splitlines()[1:-1],
            "✅ Đã xác nhận, ghi nhận là phiên bản 1.",
        ]
    )
    [report] = await reports(session_factory)
    assert (report.period, report.occurrence, report.status) == (
        "2026-11",
        0,
        ProgressStatus.IN_PROGRESS,
    )
    [version] = report.versions
    assert version.result == "Quy tập 3 bộ hài cốt <tại Lào> & trong nước"
    assert version.difficulties is None
    assert version.next_steps == "Tiếp tục khảo sát"
    assert version.contact_id == driver.contact_id
    assert [(f.value) for f in version.figures] == [Decimal("1234")]


async def test_double_tap_on_confirm_stores_one_reply(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    summary = await full_reply(driver)
    first = await driver.tap("Xác nhận", summary)
    second = await driver.tap("Xác nhận", summary)
    assert isinstance(first, Screen) and first.stored_version == 1
    assert second == Notice("Báo cáo này đã được ghi nhận.")
    [report] = await reports(session_factory)
    assert len(report.versions) == 1


async def test_correction_keeps_every_version(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await driver.tap("Xác nhận", await full_reply(driver))
    driver.clock.advance(hours=2)
    s = await driver.start()
    assert s.text.endswith("\nĐã báo cáo kỳ tháng 11/2026: 1/3 nhiệm vụ (✅).")
    s = await driver.tap("✅ " + T5A)
    assert isinstance(s, Screen)
    assert s.text == HEADER_5A + (
        "\nCơ quan đã báo cáo nhiệm vụ này cho kỳ tháng 11/2026 (15/10/2026–14/11/2026): "
        "Đang thực hiện (phiên bản 1, xác nhận lúc 16/11/2026 09:00).\n"
        "Bạn có muốn sửa báo cáo đó? Các phiên bản cũ vẫn được lưu."
    )
    await driver.tap("Sửa báo cáo này")
    await driver.tap("Hoàn thành")
    s = await driver.text("1.240")
    assert isinstance(s, Screen)
    assert "Đang có: Quy tập 3 bộ hài cốt &lt;tại Lào&gt; &amp; trong nước" in s.text
    for _ in range(5):  # keep result, difficulties, next steps, proposals; no attachment
        s = await driver.tap("Bỏ qua")
    assert isinstance(s, Screen)
    assert "Tình trạng: Hoàn thành" in s.text
    assert "Hài cốt quy tập: 1.240 bộ" in s.text
    assert "<i>Bản sửa của phiên bản 1 (xác nhận lúc 16/11/2026 09:00).</i>" in s.text
    await driver.tap("Xác nhận")
    [report] = await reports(session_factory)
    assert (report.latest_version, report.status) == (2, ProgressStatus.DONE)
    v1, v2 = report.versions
    assert (v1.version, v1.status, v1.figures[0].value) == (1, ProgressStatus.IN_PROGRESS, 1234)
    assert (v2.version, v2.status, v2.figures[0].value) == (2, ProgressStatus.DONE, 1240)
    assert v2.result == v1.result
    assert v2.contact_id == v1.contact_id == driver.contact_id
    assert v2.confirmed_at > v1.confirmed_at


async def test_ambiguous_figure_is_confirmed_not_guessed(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """Sets of remains are counted whole: of "12.5" only the reading 125 is left, and it is still
    confirmed (a misplaced thousands dot is a guess too); "1.23" likewise offers only 123."""
    await driver.start()
    await driver.tap(T5A)
    await driver.tap("Đang thực hiện")
    s = await driver.text("12.5")
    assert isinstance(s, Screen)
    assert s.text == (
        "Bạn gõ «12.5». Cách viết này dễ nhầm; xin chọn đúng số bạn muốn:\n"
        "(«Hài cốt quy tập» chỉ nhận số nguyên nên không thể là 12,5; nếu không đúng số nào, "
        "bấm Nhập lại.)"
    )
    assert labels(s) == [["125 bộ"], ["Nhập lại", "Hủy"]]
    s2 = await driver.tap("Nhập lại")
    assert isinstance(s2, Screen) and "Số liệu «Hài cốt quy tập»" in s2.text
    s = await driver.text("1.23")
    assert isinstance(s, Screen)
    assert labels(s) == [["123 bộ"], ["Nhập lại", "Hủy"]]
    s = await driver.tap("123 bộ")
    assert isinstance(s, Screen)
    assert s.text.endswith("Kết quả thực hiện trong kỳ? Gõ ngắn gọn, hoặc bấm Bỏ qua.")
    for _ in range(5):
        s = await driver.tap("Bỏ qua")
    assert isinstance(s, Screen)
    assert "Hài cốt quy tập: 123 bộ" in s.text
    await driver.tap("Xác nhận")
    [report] = await reports(session_factory)
    assert report.versions[0].figures[0].value == Decimal("123")


async def test_fraction_of_a_count_is_refused_and_nothing_is_lost(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """A decimal for whole things ("12,5" sets of remains) is refused, showing what was typed
    (escaped) and what to type; the figure entered before stays in the draft."""
    await driver.start()
    await driver.tap(T5A)
    await driver.tap("Đang thực hiện")
    await driver.text("7")
    await driver.tap("« Quay lại")  # back to the figure: "Đang có: 7 bộ."
    s = await driver.text("12,5")
    assert isinstance(s, Screen)
    assert s.text == (
        "Bạn gõ «12,5», nhưng số liệu «Hài cốt quy tập» đếm theo bộ nên chỉ nhận số nguyên. "
        "Xin gõ lại một số nguyên, ví dụ 12 hoặc 13.\n\n"
        + HEADER_5A
        + "\nSố liệu «Hài cốt quy tập» phát sinh trong kỳ (đơn vị: bộ)?"
        "\nGõ một số nguyên, ví dụ 12 hoặc 1.234 — hoặc bấm Bỏ qua."
        "\nĐang có: 7 bộ."
    )
    assert labels(s) == [["Bỏ qua"], ["« Quay lại", "Hủy"]]
    s = await driver.text("<0,5>")
    assert isinstance(s, Screen) and s.text.startswith("Không đọc được số.")
    s = await driver.text("1.234,5")
    assert isinstance(s, Screen) and s.text.startswith(
        "Bạn gõ «1.234,5», nhưng số liệu «Hài cốt quy tập» đếm theo bộ nên chỉ nhận số nguyên. "
        "Xin gõ lại một số nguyên, ví dụ 1.234 hoặc 1.235."
    )
    s = await driver.text("1.234")  # thousands dot: 1234, as before
    assert isinstance(s, Screen)
    assert s.text.endswith("Kết quả thực hiện trong kỳ? Gõ ngắn gọn, hoặc bấm Bỏ qua.")
    for _ in range(5):
        s = await driver.tap("Bỏ qua")
    assert isinstance(s, Screen) and "Hài cốt quy tập: 1.234 bộ" in s.text
    await driver.tap("Xác nhận")
    [report] = await reports(session_factory)
    assert report.versions[0].figures[0].value == Decimal("1234")


async def test_invalid_figure_asks_again(driver: Driver) -> None:
    await driver.start()
    await driver.tap(T5A)
    await driver.tap("Đang thực hiện")
    s = await driver.text("ba bộ")
    assert isinstance(s, Screen)
    assert s.text.startswith(
        "Không đọc được số. Gõ một số nguyên theo kiểu Việt Nam, ví dụ 12 hoặc 1.234.\n\n"
        + HEADER_5A
    )
    s = await driver.text("-3")
    assert isinstance(s, Screen) and s.text.startswith("Số liệu không được âm.")


async def test_nfd_text_is_stored_nfc(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await driver.start()
    await driver.tap(T6B)
    await driver.tap("Đang thực hiện")
    await driver.tap("Bỏ qua")  # no figure
    nfd = unicodedata.normalize("NFD", "Đã lấy mẫu nghĩa trang Can Lộc")
    assert nfd != "Đã lấy mẫu nghĩa trang Can Lộc"
    await driver.text(nfd)
    for _ in range(4):
        await driver.tap("Bỏ qua")
    await driver.tap("Xác nhận")
    [report] = await reports(session_factory)
    assert report.versions[0].result == "Đã lấy mẫu nghĩa trang Can Lộc"


async def test_back_returns_to_each_previous_step(driver: Driver) -> None:
    await driver.start()
    await driver.tap(T5A)
    await driver.tap("Gặp khó khăn, vướng mắc")
    await driver.tap("Bỏ qua")  # figure
    s = await driver.tap("« Quay lại")
    assert isinstance(s, Screen) and "Số liệu «Hài cốt quy tập»" in s.text
    s = await driver.tap("« Quay lại")
    assert isinstance(s, Screen)
    assert s.text == HEADER_5A + (
        "\nTình hình thực hiện nhiệm vụ?\nĐang chọn: Gặp khó khăn, vướng mắc"
    )
    s = await driver.tap("« Quay lại")
    assert isinstance(s, Screen) and s.text.startswith("<b>Cập nhật tiến độ</b>")


async def test_cancel_stores_nothing_and_old_buttons_change_nothing(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    summary = await full_reply(driver)
    s = await driver.tap("Hủy", summary)
    assert isinstance(s, Screen) and s.text == "Đã hủy. Không có gì được ghi nhận."
    stale = await driver.tap("Xác nhận", summary)
    assert stale == Notice(
        "Nút này thuộc một phiên cập nhật đã kết thúc hoặc đã cũ; không có gì thay đổi."
    )
    assert await reports(session_factory) == []
    # A button of an earlier step of a newer dialog is old as well.
    first = await driver.start()
    await driver.tap(T5A, first)
    assert isinstance(await driver.tap(T5B, first), Notice)
    async with session_factory() as session:
        row = await session.scalar(select(DialogState))
        assert row is not None and row.state == "choosing_status"
        assert row.draft["task_code"] == "5a"


async def test_occurrence_is_asked_for_a_task_with_two_deadlines(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await driver.start()
    s = await driver.tap(T5B)
    assert isinstance(s, Screen)
    assert s.text.endswith("\nNhiệm vụ này có 2 thời hạn. Bạn báo cáo cho thời hạn nào?")
    assert labels(s) == [
        ["Lần 1 — hạn 31/05/2026"],
        ["Lần 2 — hạn 31/05/2027"],
        ["« Quay lại", "Hủy"],
    ]
    await driver.tap("Lần 2 — hạn 31/05/2027")
    s = await driver.tap("Hoàn thành")
    assert isinstance(s, Screen) and s.text.endswith("hoặc bấm Bỏ qua.")  # no figure on 5b
    for _ in range(5):
        s = await driver.tap("Bỏ qua")
    assert isinstance(s, Screen) and "Thời hạn: lần 2 (hạn 31/05/2027)" in s.text
    await driver.tap("Xác nhận")
    [report] = await reports(session_factory)
    assert report.occurrence == 2


async def test_one_tap_done_needs_confirmation(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    s = await driver.open_task("6b", 0, one_tap=True)
    assert isinstance(s, Screen)
    assert s.text == (
        "Xác nhận nhiệm vụ <b>6b</b> đã <b>hoàn thành</b> — kỳ tháng 11/2026 "
        "(15/10/2026–14/11/2026)?"
    )
    assert labels(s) == [["Xác nhận", "Cập nhật chi tiết"], ["Hủy"]]
    assert await reports(session_factory) == []
    await driver.tap("Xác nhận")
    [report] = await reports(session_factory)
    assert (report.status, report.versions[0].result) == (ProgressStatus.DONE, None)


async def test_one_tap_done_again_says_it_was_already_reported(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    # A reminder keeps its buttons: "Đã hoàn thành" tapped a second time must not look like the
    # first report (confirming again stores another version).
    await driver.open_task("6b", 0, one_tap=True)
    await driver.tap("Xác nhận")
    s = await driver.open_task("6b", 0, one_tap=True)
    assert isinstance(s, Screen)
    assert s.text == (
        "Cơ quan đã báo cáo nhiệm vụ này cho kỳ tháng 11/2026 (15/10/2026–14/11/2026): "
        "Hoàn thành (phiên bản 1, xác nhận lúc 16/11/2026 09:00).\n"
        "Xác nhận nhiệm vụ <b>6b</b> đã <b>hoàn thành</b> — kỳ tháng 11/2026 "
        "(15/10/2026–14/11/2026)? Xác nhận lại sẽ ghi thêm phiên bản 2."
    )
    assert labels(s) == [["Xác nhận", "Cập nhật chi tiết"], ["Hủy"]]


async def test_open_task_from_reminder_picks_the_next_deadline(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    s = await driver.open_task("5b", 0)
    assert isinstance(s, Screen) and s.text.endswith("Tình hình thực hiện nhiệm vụ?")
    async with session_factory() as session:
        row = await session.scalar(select(DialogState))
        assert row is not None and row.draft["occurrence"] == 2  # 31/05/2026 has passed


async def test_period_can_be_changed_when_two_are_open(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await full_reply(driver)
    s = await driver.tap("Đổi kỳ báo cáo")
    assert isinstance(s, Screen)
    assert labels(s) == [
        ["tháng 11/2026 (15/10/2026–14/11/2026)"],
        ["năm 2026 (15/12/2025–14/12/2026)"],
        ["« Quay lại", "Hủy"],
    ]
    s = await driver.tap("năm 2026 (15/12/2025–14/12/2026)")
    assert isinstance(s, Screen) and "Kỳ báo cáo: năm 2026 (15/12/2025–14/12/2026)" in s.text
    await driver.tap("Xác nhận")
    [report] = await reports(session_factory)
    assert report.period == "2026"


async def test_edit_one_part_from_the_summary(driver: Driver) -> None:
    await full_reply(driver)
    s = await driver.tap("Sửa")
    assert isinstance(s, Screen)
    assert labels(s) == [
        ["Tình trạng"],
        ["Số liệu"],
        ["Kết quả"],
        ["Khó khăn, vướng mắc"],
        ["Phương hướng"],
        ["Đề xuất, kiến nghị"],
        ["Tệp đính kèm"],
        ["« Quay lại", "Hủy"],
    ]
    await driver.tap("Khó khăn, vướng mắc")
    s = await driver.text("Thiếu kinh phí")
    assert isinstance(s, Screen) and s.text.startswith("<b>Xem lại báo cáo</b>")
    assert "Khó khăn, vướng mắc: Thiếu kinh phí" in s.text
    s = await driver.tap("« Quay lại")  # back from the summary goes to the step before it
    assert isinstance(s, Screen) and "Gửi kèm tệp hoặc ảnh" in s.text


async def test_attachment_is_kept_by_file_id(
    driver: Driver, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await driver.start()
    await driver.tap(T6B)
    await driver.tap("Hoàn thành")
    for _ in range(5):
        await driver.tap("Bỏ qua")
    s = await driver.file(
        progress.Attachment(file_id="BQACAgUAA", kind="document", name="Biên bản.pdf")
    )
    assert isinstance(s, Screen) and "Tệp đính kèm: Biên bản.pdf" in s.text
    await driver.tap("Xác nhận")
    [report] = await reports(session_factory)
    v = report.versions[0]
    assert (v.attachment_file_id, v.attachment_kind, v.attachment_name) == (
        "BQACAgUAA",
        "document",
        "Biên bản.pdf",
    )


def test_cut_text_keeps_whole_words_within_the_limit() -> None:
    assert progress.cut_text("Đã khảo sát xong", 11) == ("Đã khảo sát", "xong")
    assert progress.cut_text("Đã khảo sát xong", 9) == ("Đã khảo", "sát xong")
    assert progress.cut_text("Đã khảo sát", 20) == ("Đã khảo sát", "")
    # One word longer than the window before the limit: cut exactly at the limit.
    word = "x" * (progress.CUT_WINDOW + 50)
    assert progress.cut_text("ab " + word, 120) == ("ab " + "x" * 117, "x" * 33)
    assert progress.cut_text("a\n" + "b" * 2100) == ("a\n" + "b" * 1998, "b" * 102)
