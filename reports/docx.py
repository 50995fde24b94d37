"""The summary as an official report (.docx) in the format of Nghị định 30/2020/NĐ-CP, Appendix I.

A4 portrait; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman set in all four
font slots (ascii, hAnsi, eastAsia, cs) of the document defaults, every style used and every run,
so no Vietnamese letter falls back to another font; body 14 pt, justified, first-line indent 1 cm,
6 pt after paragraphs. Header: two borderless columns (parent body / issuing body in bold with a
short rule / "Số: …/BC-BCĐ" | Quốc hiệu / Tiêu ngữ with a rule / place and date in italics); title
"BÁO CÁO" with the subject; sections I–IV; "Nơi nhận:" and the signature block left to sign; the
annex "Tình hình báo cáo" on a new page. Page numbers are centred at the top from page 2 (a
different first-page header). Pure function of the summary: safe in a worker thread.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.shared import Cm, Mm

from locales import _
from reports import phrases
from reports.docx_base import (
    Writer,
    add_para,
    add_rule,
    add_run,
    apply_defaults,
    no_borders,
    page_number_header,
    set_fonts,
    set_widths,
)
from reports.summary import Summary


def _header_block(document: DocxDocument, summary: Summary) -> None:
    """Two borderless rows: the bodies and the national motto, then "Số" and the place and date on
    one line (Nghị định 30/2020/NĐ-CP, Appendix I)."""
    h = summary.header
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    no_borders(table)
    set_widths(table, Cm(6.8), Cm(9.7))
    for cell in table._cells:
        cell._tc.remove(cell.paragraphs[0]._p)
    (left, right), (number, place) = (row.cells for row in table.rows)
    center = WD_ALIGN_PARAGRAPH.CENTER
    add_para(left, h.parent_body.upper(), 12, align=center, after=0)
    add_para(left, h.committee.upper(), 12, bold=True, align=center, after=0)
    add_rule(left, 2.0)
    add_para(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True, align=center, after=0)
    add_para(right, _("Độc lập - Tự do - Hạnh phúc"), 13, bold=True, align=center, after=0)
    add_rule(right, 1.9)
    add_para(
        number, _("Số:        /{prefix}").format(prefix=h.number_prefix), 13, align=center, after=0
    )
    add_para(
        place,
        phrases.place_date_line(h.place, summary.compiled_on),
        14,
        italic=True,
        align=center,
        after=0,
    )


def _signature(document: DocxDocument, summary: Summary) -> None:
    h = summary.header
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    no_borders(table)
    left, right = table.rows[0].cells
    set_widths(table, Cm(7.5), Cm(9.0))
    # The block is signed as one piece: the row never splits across a page break.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left._tc.remove(left.paragraphs[0]._p)
    right._tc.remove(right.paragraphs[0]._p)
    add_para(
        left, _("Nơi nhận:"), 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=0
    )
    for recipient in h.recipients:
        add_para(left, f"- {recipient}", 11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    add_para(right, h.signer_on_behalf, 14, bold=True, align=center, after=0)
    add_para(right, h.signer_title, 14, bold=True, align=center, after=0)
    add_para(right, h.signer_position, 14, bold=True, align=center, after=0)
    for _blank in range(4):  # room for the signature and the seal
        add_para(right, "", 14, align=center, after=0)
    add_para(right, h.signer_name, 14, bold=True, align=center, after=0)


def _body(document: DocxDocument, summary: Summary) -> None:
    w = Writer(document)
    heading = {"bold": True, "align": WD_ALIGN_PARAGRAPH.LEFT, "indent": True}
    w.line(phrases.SECTION_TITLES[0], **heading)  # type: ignore[arg-type]
    for section in summary.sections:
        w.line(f"{section.number}. {section.title}", bold=True, indent=True)
        for task in section.tasks:
            paragraph = add_para(document, "", indent=True)
            add_run(paragraph, phrases.task_label(task.code), bold=True, italic=True)
            add_run(paragraph, task.content, italic=True)
            for text in phrases.lead_lines(task.leads):
                w.line(f"- {text}", indent=True)
    if summary.indicators:
        w.line(phrases.INDICATORS_TITLE, bold=True, indent=True)
        for line in summary.indicators:
            w.line(f"- {phrases.indicator_line(line)}", indent=True)
            for note in line.notes:
                w.line(f"+ {phrases.note_line(note)}", italic=True, indent=True)
    for title, items in zip(
        phrases.SECTION_TITLES[1:],
        (summary.difficulties, summary.next_steps, summary.proposals),
        strict=True,
    ):
        w.line(title, **heading)  # type: ignore[arg-type]
        if not items:
            w.line(phrases.NOTHING, indent=True)
        for item in items:
            w.line(f"- {phrases.attributed_line(item)}", indent=True)


def _annex(document: DocxDocument, summary: Summary) -> None:
    w = Writer(document)
    paragraph = add_para(document, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    page_break = paragraph.add_run()
    set_fonts(page_break._r)
    page_break.add_break(WD_BREAK.PAGE)
    add_run(paragraph, phrases.ANNEX_TITLE, bold=True)
    w.line(phrases.subject_line(summary), italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    w.line(phrases.standing_counts(summary), indent=True)
    groups = (
        (_("1. Báo cáo đúng hạn"), summary.on_time, "on_time"),
        (_("2. Báo cáo muộn (sau hạn)"), summary.late, "late"),
        (_("3. Chưa báo cáo"), summary.missing, "missing"),
    )
    for title, standings, kind in groups:
        w.line(title, bold=True, indent=True)
        if not standings:
            w.line(phrases.NOTHING, indent=True)
        for standing in standings:
            w.line(f"- {phrases.standing_line(standing, kind)}", indent=True)
    lists = (
        (
            _("4. Cán bộ đầu mối không liên lạc được"),
            [phrases.unreachable_line(c) for c in summary.unreachable],
        ),
        (
            _("5. Nhiệm vụ quá hạn chưa hoàn thành"),
            [phrases.overdue_line(o) for o in summary.overdue],
        ),
        (
            _("6. Nhiệm vụ theo sự kiện chưa được kích hoạt"),
            [f"{c}: {e}." for c, e in summary.not_activated],
        ),
        (
            _("7. Sản phẩm đính kèm"),
            [f"{d.task_code} — {d.agency}: {d.name}." for d in summary.deliverables],
        ),
    )
    for title, texts in lists:
        w.line(title, bold=True, indent=True)
        if not texts:
            w.line(phrases.NOTHING, indent=True)
        for text in texts:
            w.line(f"- {text}", indent=True)


def build_docx(summary: Summary) -> bytes:
    """The report as .docx bytes (see the module docstring for the layout)."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    apply_defaults(document)
    page_number_header(document)
    document.paragraphs[0]._p.getparent().remove(
        document.paragraphs[0]._p
    ) if document.paragraphs else None
    _header_block(document, summary)
    add_para(document, "", after=0)
    add_para(document, _("BÁO CÁO"), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    add_para(
        document,
        phrases.subject_line(summary),
        14,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
    )
    add_para(
        document,
        phrases.data_range_line(summary),
        13,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=12,
    )
    if cancelled := phrases.cancelled_line(summary):
        add_para(document, cancelled, 13, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    _body(document, summary)
    # Keep the last line of the body with the signature block (never a signature alone).
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    add_para(document, "", after=0).paragraph_format.keep_with_next = True
    _signature(document, summary)
    _annex(document, summary)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
