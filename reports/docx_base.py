"""python-docx building blocks for official documents (Nghị định 30/2020/NĐ-CP): fonts in all four
slots, paragraphs, a fast paragraph writer, rules, page numbers, borderless tables."""

from __future__ import annotations

import copy
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

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


def apply_defaults(document: DocxDocument) -> None:
    """Document defaults and the styles used: Times New Roman everywhere, black."""
    styles = document.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    set_fonts(rpr_default, BODY_PT)
    for name in ("Normal", "Header", "Table Grid"):
        style = document.styles[name]
        set_fonts(style.element, BODY_PT if name == "Normal" else None)
        style.font.name = FONT


def add_run(
    paragraph: Paragraph,
    text: str,
    size: float = BODY_PT,
    *,
    bold: bool = False,
    italic: bool = False,
) -> None:
    """A run of ``text`` in Times New Roman (all four slots), ``size`` pt."""
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    set_fonts(run._r)


def add_para(
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
        add_run(paragraph, text, size, bold=bold, italic=italic)
    return paragraph


class Writer:
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
        """A paragraph of ``text`` with this formatting (see ``add_para``)."""
        key = (size, bold, italic, align, indent, after)
        prototype = self._prototypes.get(key)
        if prototype is None:
            built = add_para(
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


def add_rule(cell: _Cell, indent_cm: float) -> None:
    """A short centred rule under the previous line: a bordered empty paragraph, indented."""
    paragraph = add_para(cell, "", 4, align=WD_ALIGN_PARAGRAPH.CENTER, after=4)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    ppr.append(borders)


def page_number_header(document: DocxDocument) -> None:
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


def no_borders(table: object) -> None:
    """Remove every border of ``table`` (the header and signature layouts are borderless)."""
    tbl_pr = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def set_widths(table: object, *widths: object) -> None:
    """Column widths in the grid (LibreOffice reads it) and in every cell (Word reads those)."""
    for column, width in zip(table.columns, widths, strict=True):  # type: ignore[attr-defined]
        column.width = width
        for cell in column.cells:
            cell.width = width
