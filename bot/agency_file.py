"""Reading an agency file (CSV or XLSX) for ``python -m bot agency import FILE``.

Columns, by header (Vietnamese or English, any case, diacritics optional): ``name``/``tên``,
``aliases``/``tên khác`` (several separated by ``;``), ``kind``/``loại`` (agency, commune, ward,
other; default agency). Without a recognised header, the columns are taken in that order.
"""

from __future__ import annotations

import csv
from pathlib import Path

from locales import _
from models.agencies import AgencyRow
from models.text import fold

HEADERS = {
    "name": "name", "ten": "name", "ten co quan": "name",
    "aliases": "aliases", "alias": "aliases", "ten khac": "aliases",
    "kind": "kind", "loai": "kind",
}  # fmt: skip


class AgencyFileError(ValueError):
    """The file cannot be read as an agency list; the message names the file and the row."""


def _rows_of(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [[cell.strip() for cell in row] for row in csv.reader(fh)]
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
        return [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    raise AgencyFileError(_("{path}: cần tệp .csv hoặc .xlsx").format(path=path))


def read_agency_file(path: Path) -> list[AgencyRow]:
    """The agency rows of ``path`` (empty lines skipped). Raises ``AgencyFileError``."""
    if not path.is_file():
        raise AgencyFileError(_("{path}: không có tệp này").format(path=path))
    rows = [r for r in _rows_of(path) if any(r)]
    if not rows:
        raise AgencyFileError(_("{path}: tệp rỗng").format(path=path))
    columns = {"name": 0, "aliases": 1, "kind": 2}
    header = [HEADERS.get(fold(c)) for c in rows[0]]
    if "name" in header:
        columns = {key: header.index(key) for key in ("name", "aliases", "kind") if key in header}
        rows = rows[1:]

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else ""

    out = []
    for row in rows:
        aliases = tuple(a.strip() for a in cell(row, "aliases").split(";") if a.strip())
        out.append(
            AgencyRow(
                name=cell(row, "name"), aliases=aliases, kind=fold(cell(row, "kind")) or "agency"
            )
        )
    return out
