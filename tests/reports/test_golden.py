"""The rendered reports of the scenario stay byte-for-byte what they were (golden files).

The compiler and the chunker were rewritten for speed (issue 8's benchmark); these files were
written by the code *before* that rewrite, so any change in what a clerk reads shows up here. Per
period of the scenario: the full chat HTML, the brief form's chunks, the DOCX text (paragraphs and
table cells in document order) and the XLSX cell values of every sheet. Regenerate only for an
intended change of the report: ``UPDATE_GOLDEN=1 pytest tests/reports/test_golden.py`` and review
the diff.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reports.docx import build_docx
from reports.html import render_chunks, render_html
from reports.summary import Summary
from reports.xlsx import build_xlsx
from tests.reports.conftest import summary_for

GOLDEN = Path(__file__).resolve().parent / "golden"
PERIODS = [
    "2026-09",
    "2026-10",
    "2026-11",
    "2026-12",
    "2026-Q4",
    "2026-H2",
    "2026",
    "soket",
    "tongket",
    "adhoc:2026-10-01:2026-11-20",
]


def docx_text(data: bytes) -> list[str]:
    """Paragraph texts of the body, table cells included, in document order."""
    document = Document(io.BytesIO(data))
    out: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append("".join(t.text or "" for t in block.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for cell in block.iter():
                if cell.tag.endswith("}tc"):
                    texts = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))]
                    out.append("| " + " / ".join(texts))
    return out


def xlsx_cells(data: bytes) -> list[str]:
    """Every sheet's rows as ``repr`` of the cell values (numbers stay numbers)."""
    workbook = load_workbook(io.BytesIO(data))
    out: list[str] = []
    for sheet in workbook.worksheets:
        out.append(f"## {sheet.title}")
        out.extend(repr([c.value for c in row]) for row in sheet.iter_rows())
    return out


def rendered(summary: Summary) -> str:
    """Everything a clerk reads of ``summary``, as one text."""
    parts = [
        "# render_html",
        render_html(summary),
        "# render_chunks(max_messages=2)",
        "\n-----\n".join(render_chunks(summary, max_messages=2)),
        "# docx",
        *docx_text(build_docx(summary)),
        "# xlsx",
        *xlsx_cells(build_xlsx(summary)),
    ]
    return "\n".join(parts) + "\n"


def golden_path(period_id: str) -> Path:
    return GOLDEN / (period_id.replace(":", "_") + ".txt")


@pytest.mark.parametrize("period_id", PERIODS)
async def test_rendered_report_unchanged(
    factory: async_sessionmaker[AsyncSession], period_id: str
) -> None:
    text = rendered(await summary_for(factory, period_id))
    path = golden_path(period_id)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
