"""Reading the appendix table ("PHỤ LỤC") into raw rows, from the .txt export or the .docx.

A raw row is the seven cells of one table row (TT, Nội dung, Chỉ tiêu/biện pháp, Thời gian, chủ
trì, phối hợp, Thủ trưởng phụ trách) and where it came from, for error messages. Both readers give
the same shape so one assembler (``plan.parser``) handles page-break continuations and sections.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from locales import _
from plan.errors import PlanParseError
from plan.text import fold, nfc

COLUMNS = 7


@dataclass
class RawRow:
    """One table row: ``cells`` (7 strings, NFC) and ``where`` ("dòng 64", "hàng 3 của bảng")."""

    where: str
    cells: list[str]

    @property
    def is_header(self) -> bool:
        """The column header row, repeated by the .txt export at every page break."""
        return fold(self.cells[0]) == "tt" and fold(self.cells[1]) == "noi dung"


@dataclass
class RawDocument:
    """The appendix rows plus the text before them (for the title, province and year)."""

    preamble: list[str]
    rows: list[RawRow]


def read_txt(text: str) -> RawDocument:
    """Rows of the tab-separated appendix of the .txt export.

    Raises ``PlanParseError`` for an empty text, no appendix, or a row without 7 cells.
    """
    lines = nfc(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise PlanParseError(_("Tệp rỗng: không có nội dung Kế hoạch."))
    start = next((i for i, line in enumerate(lines) if fold(line) == "phu luc"), None)
    if start is None:
        raise PlanParseError(_("Không tìm thấy Phụ lục (dòng “PHỤ LỤC”) trong tệp."))
    preamble = [line for line in lines[: start + 4] if line.strip()]
    rows: list[RawRow] = []
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if not line.strip():
            continue
        if "\t" not in line:
            if rows:
                raise PlanParseError(
                    _("dòng {line}: dòng không thuộc bảng Phụ lục (bảng bị cắt?).").format(
                        line=number
                    )
                )
            continue  # the appendix's title lines, before the table
        cells = [nfc(cell) for cell in line.split("\t")]
        if len(cells) != COLUMNS:
            raise PlanParseError(
                _("dòng {line}: có {found} cột thay vì {expected} (bảng bị cắt?).").format(
                    line=number, found=len(cells), expected=COLUMNS
                )
            )
        rows.append(RawRow(_("dòng {line}").format(line=number), cells))
    if not rows:
        raise PlanParseError(_("Phụ lục không có bảng nhiệm vụ."))
    return RawDocument(preamble, rows)


def read_docx(path: Path) -> RawDocument:
    """Rows of the appendix table of a .docx (the table whose header starts "TT | Nội dung").

    A cell merged across columns (a section row) is read once; the columns it covers are empty.
    Paragraphs of a cell are joined with line breaks. Raises ``PlanParseError``.
    """
    import docx  # python-docx; imported here so the .txt path does not pay for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanParseError(
            _("Không mở được tệp .docx “{name}”: {error}").format(name=path.name, error=exc)
        ) from exc
    paragraphs = [nfc(p.text) for p in document.paragraphs]
    if not any(p.strip() for p in paragraphs) and not document.tables:
        raise PlanParseError(_("Tệp rỗng: không có nội dung Kế hoạch."))
    for table in document.tables:
        rows: list[RawRow] = []
        for index, row in enumerate(table.rows, start=1):
            cells: list[str] = []
            previous = None
            for cell in row.cells:
                # python-docx repeats a merged cell once per grid column it spans.
                same = previous is not None and cell._tc is previous
                cells.append("" if same else nfc("\n".join(p.text for p in cell.paragraphs)))
                previous = cell._tc
            if len(cells) != COLUMNS:
                break
            rows.append(RawRow(_("hàng {row} của bảng").format(row=index), cells))
        if rows and rows[0].is_header:
            marker = next((i for i, p in enumerate(paragraphs) if fold(p) == "phu luc"), None)
            preamble = paragraphs[: marker + 4] if marker is not None else paragraphs
            return RawDocument([p for p in preamble if p.strip()], rows)
    raise PlanParseError(_("Không tìm thấy bảng Phụ lục (cột “TT | Nội dung | …”) trong tệp."))
