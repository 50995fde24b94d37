"""The appendix reader on the real plan (.txt and .docx). Expected values: tests/plan/expected.py,
worked out by hand from the document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plan.errors import PlanParseError, UnknownAgencyError
from plan.parser import parse_plan_file, parse_plan_text
from plan.schema import PlanDocument
from tests.conftest import PLAN_DOCX, PLAN_TXT
from tests.plan.expected import GROUPS, SECTIONS, TASKS


@pytest.fixture(scope="module")
def txt_doc() -> PlanDocument:
    return parse_plan_file(PLAN_TXT)


@pytest.fixture(scope="module")
def docx_doc() -> PlanDocument:
    return parse_plan_file(PLAN_DOCX)


@pytest.mark.parametrize("which", ["txt", "docx"])
def test_all_23_tasks_as_worked_out_by_hand(
    which: str, txt_doc: PlanDocument, docx_doc: PlanDocument
) -> None:
    doc = txt_doc if which == "txt" else docx_doc
    assert [(s.number, s.title) for s in doc.sections] == SECTIONS
    assert [t.code for t in doc.tasks] == list(TASKS)  # document order, 23 tasks
    assert len(doc.tasks) == 23
    for task in doc.tasks:
        section, text, lead, support, leader, deadlines, window, ongoing, on_event = TASKS[
            task.code
        ]
        got = (
            task.section,
            task.timeline,
            task.lead,
            task.support,
            task.leader,
            [d.isoformat() for d in task.deadlines],
            task.window_start.isoformat() if task.window_start else None,
            task.ongoing,
            task.on_event,
        )
        assert got == (
            section,
            text,
            lead,
            support,
            leader,
            deadlines,
            window,
            ongoing,
            on_event,
        ), task.code
        assert task.support_groups == [name for name in support if name in GROUPS]
        assert task.lead_groups == []


def test_txt_and_docx_give_identical_json(txt_doc: PlanDocument, docx_doc: PlanDocument) -> None:
    assert json.dumps(txt_doc.to_json_dict(), ensure_ascii=False) == json.dumps(
        docx_doc.to_json_dict(), ensure_ascii=False
    )


def test_metadata_and_default_key(txt_doc: PlanDocument) -> None:
    assert txt_doc.province == "Hà Tĩnh"
    assert txt_doc.year == 2026  # "(Ban hành theo Kế hoạch số /KH-BCĐ ngày /5/2026 …)"
    assert txt_doc.default_key() == "ha-tinh-2026"
    assert txt_doc.title.startswith("Triển khai thực hiện “Chiến dịch 500 ngày đêm")


def test_continuations_joined_cell_by_cell(txt_doc: PlanDocument) -> None:
    tasks = {t.code: t for t in txt_doc.tasks}
    # 1c's content runs over the page break: "… hài cốt liệt sĩ" + "trên địa bàn tỉnh và nước bạn Lào".
    assert tasks["1c"].content.endswith("quy tập hài cốt liệt sĩ trên địa bàn tỉnh và nước bạn Lào")
    # 8a: "… theo Nghị quyết số" + "26/2026/NQ-CP ngày 06/5/2026 của Chính phủ".
    assert tasks["8a"].content.endswith("Nghị quyết số 26/2026/NQ-CP ngày 06/5/2026 của Chính phủ")
    assert tasks["8a"].measures.endswith("và các quy định có liên quan")
    # Section 2's single item continues over two pages: "các chiến " + "trường".
    assert "các chiến trường cung cấp thông tin" in tasks["2"].measures


def test_html_stripped_one_bullet_per_line(txt_doc: PlanDocument) -> None:
    tasks = {t.code: t for t in txt_doc.tasks}
    assert tasks["6c"].measures.split("\n") == [
        "- Triển khai tổ chức lấy mẫu hài cốt liệt sĩ bảo đảm chặt chẽ, đúng tiến độ, hiệu quả.",
        "- Hoàn trả hiện trạng mộ liệt sĩ; tu bổ, tôn tạo nghĩa trang liệt sĩ sau khi lấy mẫu đảm "
        "bảo đúng tiến độ, cẩn thận, chu đáo.",
        "- Quản lý chặt chẽ công tác thông tin, quy trình tổ chức thực hiện theo quy định; đảm bảo "
        "an ninh, an toàn; không để xảy ra sai sót, không để kẻ xấu lợi dụng.",
    ]
    # 6a: "<p>địa bàn tỉnh.</p>" continues the first bullet; then a second bullet.
    lines = tasks["6a"].measures.split("\n")
    assert len(lines) == 2
    assert lines[0].endswith("trong các nghĩa trang liệt sĩ trên địa bàn tỉnh.")
    assert lines[1].startswith("- Thành lập các tổ công tác")
    # 10c: the last page holds one more bullet of 10c.
    assert tasks["10c"].measures.split("\n")[-1] == (
        "- Khen thưởng, biểu dương tập thể, cá nhân có thành tích xuất sắc trong thực hiện nhiệm "
        "vụ theo quy định."
    )
    for task in txt_doc.tasks:
        assert "<" not in task.measures and "<" not in task.content
    # A hyphen inside text is not a bullet.
    assert "\n" not in tasks["10a"].measures
    assert "mùa khô 2025 - 2026, phương hướng" in tasks["10a"].measures
    assert tasks["10a"].content.endswith("mùa khô 2025 - 2026 và mùa khô 2026 - 2027")


def test_focus_dates_kept(txt_doc: PlanDocument) -> None:
    task = next(t for t in txt_doc.tasks if t.code == "2")
    assert task.focus == ["--07-27"]  # "dịp 27/7 hằng năm"


# --- bad input: a clear message naming the row, never a partial result -----------------------

PLAN_TEXT = PLAN_TXT.read_text(encoding="utf-8")


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(PlanParseError, match="Tệp rỗng"):
        parse_plan_file(empty)


def test_no_appendix() -> None:
    head = PLAN_TEXT.split("PHỤ LỤC")[0]
    with pytest.raises(PlanParseError, match="Không tìm thấy Phụ lục"):
        parse_plan_text(head)


def test_truncated_table_mid_row() -> None:
    # Cut inside line 89 (task 5a), in its measures cell: the row has 3 cells instead of 7.
    cut = PLAN_TEXT.index("Phấn đấu đến tháng 7/2027")
    with pytest.raises(PlanParseError, match=r"dòng 89: có 3 cột thay vì 7"):
        parse_plan_text(PLAN_TEXT[:cut])


def test_truncated_table_after_section_row() -> None:
    # Cut right after line 118, the row of section 10: the section has no task.
    cut = PLAN_TEXT.index("10\tCông tác sơ, tổng kết")
    truncated = PLAN_TEXT[:cut] + "10\tCông tác sơ, tổng kết\t\t\t\t\t\n"
    with pytest.raises(PlanParseError, match="mục 10 không có nhiệm vụ nào"):
        parse_plan_text(truncated)


def test_unknown_timeline_phrase_names_the_row() -> None:
    bad = PLAN_TEXT.replace("\tTháng 8/2026\t", "\tSớm nhất có thể\t")
    with pytest.raises(PlanParseError, match=r"dòng 81 \(nhiệm vụ 3c\).*Sớm nhất có thể"):
        parse_plan_text(bad)


def test_unknown_agency_names_the_row_and_the_name() -> None:
    bad = PLAN_TEXT.replace("\tSở Nội vụ, Sở Y tế, Bộ", "\tSở Nội vụ, Sở Tài chính, Bộ")
    with pytest.raises(
        UnknownAgencyError, match=r"dòng 77 \(nhiệm vụ 3b\).*“Sở Tài chính”"
    ) as info:
        parse_plan_text(bad)
    assert info.value.name == "Sở Tài chính"


def test_docx_without_table(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    path = tmp_path / "plan.docx"
    document.save(str(path))
    with pytest.raises(PlanParseError, match="Không tìm thấy bảng Phụ lục"):
        parse_plan_file(path)


def test_not_a_docx(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    path.write_bytes(b"")
    with pytest.raises(PlanParseError, match=r"Không mở được tệp \.docx"):
        parse_plan_file(path)
