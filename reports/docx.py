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

import copy
import io
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from locales import _
from reports import phrases
from reports.summary import Summary

FONT = "Times New Roman"
BODY_PT = 14
FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")


def set_fonts(rpr_parent: object, size: float | None = None) -> None:
    """Set Times New Roman in the four font slots of an element's ``w:rPr`` (created if missing)."""
    if hasattr(rpr_parent, "get_or_add_rPr"):
        rpr = rpr_parent.get_or_add_rPr()
    else:  # w:rPrDefault is a plain element whose only child is w:rPr
        rpr = rpr_parent.find(qn("w:rPr"))  # type: ignore[attr-defined]
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_parent.append(rpr)  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in FONT_SLOTS:
        fonts.set(qn(slot), FONT)
    if size is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(size * 2)))


def _defaults(document: DocxDocument) -> None:
    """Document defaults and the styles used: Times New Roman everywhere, black."""
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    set_fonts(rpr_default, BODY_PT)
    for name in ("Normal", "Header", "Table Grid"):
        style = document.styles[name]
        set_fonts(style.element, BODY_PT if name == "Normal" else None)
        style.font.name = FONT


def _run(
    paragraph: Paragraph,
    text: str,
    size: float = BODY_PT,
    *,
    bold: bool = False,
    italic: bool = False,
) -> None:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    set_fonts(run._r)


def _para(
    container: object,
    text: str = "",
    size: float = BODY_PT,
    *,
    bold: bool = False,
    italic: bool = False,
    align: int | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    after: float = 6,
) -> Paragraph:
    """A paragraph in ``container`` (document or cell) with one run."""
    paragraph = container.add_paragraph()  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Cm(1)
    if text:
        _run(paragraph, text, size, bold=bold, italic=italic)
    return paragraph


class _Writer:
    """Appends one-run body paragraphs fast: each formatting is built once through python-docx,
    then its XML is deep-copied (python-docx costs ~1 ms a paragraph; a national-scale report has
    thousands). Paragraphs land before the final ``w:sectPr``, as python-docx's own do."""

    def __init__(self, document: DocxDocument) -> None:
        self.document = document
        self._prototypes: dict[tuple[object, ...], Any] = {}
        self._sect_pr = document.element.body.find(qn("w:sectPr"))

    def line(
        self,
        text: str,
        size: float = BODY_PT,
        *,
        bold: bool = False,
        italic: bool = False,
        align: int | None = WD_ALIGN_PARAGRAPH.JUSTIFY,
        indent: bool = False,
        after: float = 6,
    ) -> None:
        """A paragraph of ``text`` with this formatting (see ``_para``)."""
        key = (size, bold, italic, align, indent, after)
        prototype = self._prototypes.get(key)
        if prototype is None:
            built = _para(
                self.document,
                "x",
                size,
                bold=bold,
                italic=italic,
                align=align,
                indent=indent,
                after=after,
            )._p
            built.getparent().remove(built)
            prototype = self._prototypes[key] = built
        element = copy.deepcopy(prototype)
        node = element.find(".//" + qn("w:t"))
        node.text = text
        node.set(qn("xml:space"), "preserve")
        self._sect_pr.addprevious(element)


def _rule(cell: _Cell, indent_cm: float) -> None:
    """A short centred rule under the previous line: a bordered empty paragraph, indented."""
    paragraph = _para(cell, "", 4, align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    ppr.append(borders)


def _page_number_header(document: DocxDocument) -> None:
    """Centred page number at the top of pages 2…; page 1's header stays empty."""
    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    run.font.size = Pt(BODY_PT)
    set_fonts(run._r)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _no_borders(table: object) -> None:
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table: object, *widths: object) -> None:
    """Column widths in the grid (LibreOffice reads it) and in every cell (Word reads those)."""
    for column, width in zip(table.columns, widths, strict=True):  # type: ignore[attr-defined]
        column.width = width
        for cell in column.cells:
            cell.width = width


def _header_block(document: DocxDocument, summary: Summary) -> None:
    h = summary.header
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    left, right = table.rows[0].cells
    _widths(table, Cm(6.8), Cm(9.7))
    left._tc.remove(left.paragraphs[0]._p)
    right._tc.remove(right.paragraphs[0]._p)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(left, h.parent_body.upper(), 13, align=center, after=0)
    _para(left, h.committee.upper(), 13, bold=True, align=center, after=0)
    _rule(left, 2.0)
    _para(left, _("Số:        /{prefix}").format(prefix=h.number_prefix), 13, align=center, after=0)
    _para(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12, bold=True, align=center, after=0)
    _para(right, _("Độc lập - Tự do - Hạnh phúc"), 13, bold=True, align=center, after=0)
    _rule(right, 1.9)
    _para(
        right,
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
    _no_borders(table)
    left, right = table.rows[0].cells
    _widths(table, Cm(7.5), Cm(9.0))
    # The block is signed as one piece: the row never splits across a page break.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    left._tc.remove(left.paragraphs[0]._p)
    right._tc.remove(right.paragraphs[0]._p)
    _para(left, _("Nơi nhận:"), 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    for recipient in h.recipients:
        _para(left, f"- {recipient}", 11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(right, h.signer_on_behalf, 14, bold=True, align=center, after=0)
    _para(right, h.signer_title, 14, bold=True, align=center, after=0)
    _para(right, h.signer_position, 14, bold=True, align=center, after=0)
    for _blank in range(4):  # room for the signature and the seal
        _para(right, "", 14, align=center, after=0)
    _para(right, h.signer_name, 14, bold=True, align=center, after=0)


def _body(document: DocxDocument, summary: Summary) -> None:
    w = _Writer(document)
    heading = {"bold": True, "align": WD_ALIGN_PARAGRAPH.LEFT, "indent": True}
    w.line(phrases.SECTION_TITLES[0], **heading)  # type: ignore[arg-type]
    for section in summary.sections:
        w.line(f"{section.number}. {section.title}", bold=True, indent=True)
        for task in section.tasks:
            paragraph = _para(document, "", indent=True)
            _run(paragraph, phrases.task_label(task.code), bold=True, italic=True)
            _run(paragraph, task.content, italic=True)
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
    w = _Writer(document)
    paragraph = _para(document, "", align=WD_ALIGN_PARAGRAPH.CENTER)
    page_break = paragraph.add_run()
    set_fonts(page_break._r)
    page_break.add_break(WD_BREAK.PAGE)
    _run(paragraph, phrases.ANNEX_TITLE, bold=True)
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
    _defaults(document)
    _page_number_header(document)
    document.paragraphs[0]._p.getparent().remove(
        document.paragraphs[0]._p
    ) if document.paragraphs else None
    _header_block(document, summary)
    _para(document, "", after=0)
    _para(document, _("BÁO CÁO"), 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(
        document,
        phrases.subject_line(summary),
        14,
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
    )
    _para(
        document,
        phrases.data_range_line(summary),
        13,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=12,
    )
    _body(document, summary)
    # Keep the last line of the body with the signature block (never a signature alone).
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    _para(document, "", after=0).paragraph_format.keep_with_next = True
    _signature(document, summary)
    _annex(document, summary)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
