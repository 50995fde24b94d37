"""The report's files, built off the event loop: DOCX, XLSX and PNG in one worker thread."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from reports.chart import build_chart
from reports.docx import build_docx
from reports.summary import Summary
from reports.xlsx import build_xlsx


@dataclass(frozen=True)
class ReportFiles:
    """The rendered files and their names (``bao-cao-2026-11.docx`` …)."""

    stem: str
    docx: bytes
    xlsx: bytes
    png: bytes

    def named(self) -> list[tuple[str, bytes]]:
        """(file name, bytes) in the order they are sent: DOCX, XLSX, PNG."""
        return [
            (f"{self.stem}.docx", self.docx),
            (f"{self.stem}.xlsx", self.xlsx),
            (f"{self.stem}.png", self.png),
        ]


def file_stem(summary: Summary) -> str:
    """A file-name-safe stem from the period id (``adhoc:2026-11-01:2026-11-20`` → ``…_…``)."""
    return "bao-cao-" + re.sub(r"[^0-9A-Za-z-]+", "_", summary.period.id)


def build_files_sync(summary: Summary) -> ReportFiles:
    """All three files, in the calling thread (CPU-bound: call it through ``build_files``)."""
    return ReportFiles(
        file_stem(summary), build_docx(summary), build_xlsx(summary), build_chart(summary)
    )


async def build_files(summary: Summary) -> ReportFiles:
    """All three files, rendered in a worker thread so the event loop never stalls."""
    return await asyncio.to_thread(build_files_sync, summary)
