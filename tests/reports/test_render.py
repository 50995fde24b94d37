"""Renderers: chat chunks, DOCX (opened with python-docx), XLSX (openpyxl), PNG, LibreOffice.

Expected values come from the scenario (``tests/reports/scenario.py``) and Nghị định 30/2020/NĐ-CP.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length
from openpyxl import load_workbook

from reports.docx import build_docx
from reports.html import render_chunks, render_html, split_html, utf16_len
from reports.outputs import build_files
from reports.summary import Attributed, Summary
from reports.xlsx import build_xlsx


@pytest.fixture
def november(november_sqlite: Summary) -> Summary:
    """Renderers read a Summary: one database is enough here."""
    return november_sqlite


TAG = re.compile(r"<(/?)([a-z]+)[^>]*>")


def balanced(chunk: str) -> bool:
    stack: list[str] = []
    for match in TAG.finditer(chunk):
        if not match[1]:
            stack.append(match[2])
        elif not stack or stack.pop() != match[2]:
            return False
    return not stack


def test_chat_text_escapes_user_text(november: Summary) -> None:
    text = render_html(november)
    assert "Hương Sơn &amp; Vũ Quang; độ sâu &lt; 1 m" in text
    assert "khen thưởng các tập thể &lt;tiêu biểu&gt;" in text
    assert "Thiếu kinh phí giám định ADN" in text  # NFC, so it matches the composed spelling
    assert "Sở Nội vụ (nội dung 6a) báo cáo 1.300 — không cộng vào tổng." in text
    assert "Mộ đã lấy mẫu: trong kỳ 2.034 mộ; lũy kế từ đầu Chiến dịch 4.034 mộ (33,6%)" in text
    assert "Nội dung 5b (hạn 31/05/2026, quá 167 ngày): Sở Nội vụ." in text
    # 6c: Bộ CHQS tỉnh replied; the two silent co-leads share one line.
    assert (
        "• Bộ Chỉ huy Quân sự tỉnh: Đang thực hiện (báo cáo ngày 16/11/2026).\n"
        "• Chưa báo cáo (2): Sở Nội vụ; Sở Y tế." in text
    )
    assert (
        "Trần Thị Bích (Sở Y tế): không nhận được tin nhắn từ ngày 10/11/2026 (đã chặn bot)."
        in text
    )


def test_chat_chunks_fit_balance_and_join(november: Summary) -> None:
    text = render_html(november)
    chunks = render_chunks(november)
    assert len(chunks) >= 2
    assert all(utf16_len(c) <= 4096 for c in chunks)
    assert all(balanced(c) for c in chunks)
    assert "\n".join(chunks) == text  # no line cut, nothing lost, in order


def test_chunker_reopens_tags_spanning_lines() -> None:
    lines = ["<b>Tiêu đề", *[f"dòng {i} &amp; <i>nghiêng</i>" for i in range(40)], "hết</b>", "sau"]
    chunks = split_html("\n".join(lines), limit=200)
    assert len(chunks) > 3
    assert all(utf16_len(c) <= 200 and balanced(c) for c in chunks)
    assert chunks[1].startswith("<b>") and chunks[0].endswith("</b>")
    inner = [c.removeprefix("<b>").removesuffix("</b>") for c in chunks]
    assert "\n".join(inner).replace("</b>\n", "\n").count("dòng") == 40
    with pytest.raises(ValueError):
        split_html("x" * 300, limit=200)


def test_docx_layout(november: Summary) -> None:
    document = Document(io.BytesIO(build_docx(november)))
    section = document.sections[0]

    def mm(length: Length | None) -> float:  # stored in twips: compare to 0.1 mm
        assert length is not None
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # A4 portrait
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml  # page numbers from page 2
    assert not section.first_page_header.paragraphs[0].text
    # Times New Roman in all four slots: defaults, Normal style and every run.
    slots = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
    defaults = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:rFonts"))
    assert all(defaults.get(qn(s)) == "Times New Roman" for s in slots)
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [r for t in document.tables for c in t._cells for p in c.paragraphs for r in p.runs]
    assert len(runs) > 50
    for run in runs:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert all(fonts.get(qn(s)) == "Times New Roman" for s in slots), run.text
    (left, right), (number, place) = (row.cells for row in document.tables[0].rows)
    assert left.text.split("\n")[:2] == [
        "UBND TỈNH HÀ TĨNH",
        "BAN CHỈ ĐẠO TÌM KIẾM, QUY TẬP VÀ XÁC ĐỊNH DANH TÍNH HÀI CỐT LIỆT SĨ",
    ]
    assert left.paragraphs[1].runs[0].bold
    assert right.text.split("\n")[:2] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    # "Số" and the place and date share a row, so they sit on one line.
    assert number.text == "Số:        /BC-BCĐ"
    assert place.text == "Hà Tĩnh, ngày 23 tháng 11 năm 2026"
    assert place.paragraphs[0].runs[0].italic
    texts = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in texts
    for title in (
        "I. KẾT QUẢ THỰC HIỆN",
        "II. KHÓ KHĂN, VƯỚNG MẮC",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ):
        assert title in texts
    assert any("Hương Sơn & Vũ Quang; độ sâu < 1 m" in t for t in texts)
    assert "w:cantSplit" in document.tables[1].rows[0]._tr.xml  # signed as one block
    signature = document.tables[1].rows[0].cells
    assert "Nơi nhận:" in signature[0].text and "Lưu: VT, BCHQS." in signature[0].text
    assert "TM. BAN CHỈ ĐẠO" in signature[1].text and "Nguyễn Thị Nguyệt" in signature[1].text


def test_xlsx_numbers_sum_right(november: Summary) -> None:
    book = load_workbook(io.BytesIO(build_xlsx(november)))
    assert book.sheetnames == ["Nhiệm vụ", "Chỉ tiêu", "Chưa báo cáo"]
    tasks = book["Nhiệm vụ"]
    header = [c.value for c in tasks[1]]
    graves = header.index("Mộ đã lấy mẫu (mộ)") + 1
    values = [tasks.cell(row=r, column=graves).value for r in range(2, tasks.max_row + 1)]
    numbers = [v for v in values if v is not None]
    assert all(isinstance(v, int | float) for v in numbers)
    assert sum(numbers) == 2034  # owners only: 1.234 + 800; Sở Nội vụ's 1.300 is a note
    notes = [tasks.cell(row=r, column=len(header)).value for r in range(2, tasks.max_row + 1)]
    assert "Mộ đã lấy mẫu: 1.300 (không cộng vào tổng)" in notes
    dates = [tasks.cell(row=r, column=6).value for r in range(2, tasks.max_row + 1)]
    assert any(d is not None and d.date().isoformat() == "2026-11-19" for d in dates)
    late = [tasks.cell(row=r, column=7).value for r in range(2, tasks.max_row + 1)]
    assert sorted(v for v in late if v) == [2, 2, 2]
    codes = [tasks.cell(row=r, column=2).value for r in range(2, tasks.max_row + 1)]
    dues = {c: tasks.cell(row=r, column=8).value for r, c in enumerate(codes, start=2)}
    # 10b: "Tháng 11/2026"; 5b: its second occurrence (5/2027) is the next; 1c: no deadline.
    assert dues["10b"].date().isoformat() == "2026-11-30"
    assert dues["5b"].date().isoformat() == "2027-05-31"
    assert dues["1c"] is None
    indicators = {row[0]: row for row in book["Chỉ tiêu"].iter_rows(min_row=2, values_only=True)}
    assert indicators["graves_sampled"][3:9] == (
        2034,
        4034,
        None,
        None,
        12000,
        pytest.approx(0.336),
    )
    assert indicators["remains_recovered"][3:7] == (2, 6, 10, 12)
    missing = list(book["Chưa báo cáo"].iter_rows(min_row=2, values_only=True))
    assert [(a, c) for a, c, *_ in missing] == november.unreported
    assert len(missing) == 5


async def test_files_in_worker_thread(november: Summary) -> None:
    files = await build_files(november)
    assert files.png.startswith(b"\x89PNG")
    assert [name for name, _ in files.named()] == [
        "bao-cao-2026-11.docx",
        "bao-cao-2026-11.xlsx",
        "bao-cao-2026-11.png",
    ]


def test_libreoffice_converts(november: Summary, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui"
        )
    source = tmp_path / "bao-cao.docx"
    source.write_bytes(build_docx(november))
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = (tmp_path / "bao-cao.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 3 <= pages <= 8


def test_brief_form_when_the_full_one_floods_the_chat(november: Summary) -> None:
    full = render_chunks(november)
    assert len(full) == 2
    assert render_chunks(november, max_messages=2) == full
    brief = render_chunks(november, max_messages=1)
    text = "\n".join(brief)
    assert len(brief) == 1 and balanced(brief[0])
    # 11 tasks listed in section I (1a, 1c, 2, 3b, 5a, 5b, 6a, 6c, 8a, 9b, 10b).
    assert "11 nhiệm vụ trong kỳ: chi tiết từng cơ quan trong tệp DOCX và XLSX gửi kèm." in text
    assert "<b>5a)</b>" not in text and "<b>5a)</b>" in full[0]
    assert "Mộ đã lấy mẫu: trong kỳ 2.034 mộ" in text
    assert "PHỤ LỤC: TÌNH HÌNH BÁO CÁO" in text
    assert "• Bộ Chỉ huy Quân sự tỉnh; Sở Văn hóa, Thể thao và Du lịch." in text
    assert (
        "• Sở Nội vụ: đã báo cáo 3 nội dung (6a, 9b, 10b), muộn 2 ngày; chưa báo cáo 5b, 6c."
        in text
    )


def test_long_user_text_is_wrapped_not_cut(november: Summary) -> None:
    long = " ".join(f"khó khăn {i} & <vướng mắc>" for i in range(900))  # ~22,000 characters
    summary = replace(november, difficulties=[Attributed("Sở Y tế", "6a", long)])
    text = render_html(summary)
    chunks = render_chunks(summary)
    assert all(utf16_len(c) <= 4096 and balanced(c) for c in chunks)
    assert "\n".join(chunks) == text
    lines = text.split("\n")
    first = lines.index(next(x for x in lines if x.startswith("• <b>Sở Y tế (6a): </b>")))
    end = lines.index("", first)
    assert len(lines[first:end]) > 20 and all(len(x) <= 1000 for x in lines[first:end])
    rejoined = " ".join(lines[first:end]).removeprefix("• <b>Sở Y tế (6a): </b>")
    assert rejoined == html.escape(long)  # wrapped at spaces, nothing lost


def test_xlsx_whole_figures_show_no_trailing_decimal_mark(november: Summary) -> None:
    """ "#,##0.##" shows 2034 as "2,034." (Excel and LibreOffice keep the decimal mark when no
    decimals follow): whole figures get "#,##0", fractional ones "#,##0.0#" (12,5 → "12.5")."""
    book = load_workbook(io.BytesIO(build_xlsx(november)))
    row = next(r for r in book["Chỉ tiêu"].iter_rows(min_row=2) if r[0].value == "graves_sampled")
    assert [(c.value, c.number_format) for c in row[3:5]] == [(2034, "#,##0"), (4034, "#,##0")]
    tasks = book["Nhiệm vụ"]
    header = [c.value for c in tasks[1]]
    graves = header.index("Mộ đã lấy mẫu (mộ)") + 1
    formats = {
        tasks.cell(row=r, column=graves).number_format
        for r in range(2, tasks.max_row + 1)
        if tasks.cell(row=r, column=graves).value is not None
    }
    assert formats == {"#,##0"}


def test_xlsx_fractional_figures_keep_their_decimals() -> None:
    from reports.xlsx import _number, _number_format

    assert _number_format(_number(Decimal("12.5"))) == "#,##0.0#"
    assert _number_format(_number(Decimal("12.00"))) == "#,##0"
    assert _number_format(None) == "#,##0"


def test_brief_form_skips_splitting_a_full_text_too_long_to_fit(
    november: Summary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The full text is rendered once; when it is longer than ``max_messages`` chunks can hold,
    only the brief form is split (the bot sends the brief form for a province's report)."""
    import reports.html as module

    split = []
    monkeypatch.setattr(module, "split_html", lambda text, limit: split.append(text) or [text])
    full = render_html(november)
    assert 4096 < utf16_len(full) < 2 * 4097 - 1  # two chunks at most could hold it
    module.render_chunks(november, max_messages=1)
    assert split == [render_html(november, brief=True)]
    split.clear()
    module.render_chunks(november, max_messages=2)  # might fit: split, and it does
    assert split == [full]
