"""A deliverable's file as the report's 📎 buttons send it (sản phẩm đính kèm): which stored
version, whose, and who may open it. Plain functions; ``handlers.reports`` turns them into
Telegram calls."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.plan import Agency, Task
from models.progress import ProgressReport, ProgressReportVersion


@dataclass(frozen=True)
class DeliverableFile:
    """One version's attachment: Telegram ``file_id`` and kind ("photo" or a document), the
    version number, the reply's period id, and the task and agency it belongs to."""

    file_id: str
    kind: str | None
    version: int
    period: str
    agency_id: int
    agency_name: str
    task_code: str


async def load_deliverable(
    session: AsyncSession, plan_id: int, version_id: int
) -> DeliverableFile | None:
    """The file of version ``version_id`` of a reply of ``plan_id``; None when there is no such
    version in the plan or it carries no file. One SELECT; never commits."""
    row = (
        await session.execute(
            select(
                ProgressReportVersion.attachment_file_id,
                ProgressReportVersion.attachment_kind,
                ProgressReportVersion.version,
                ProgressReport.period,
                ProgressReport.agency_id,
                Agency.name,
                Task.code,
            )
            .join(ProgressReport, ProgressReport.id == ProgressReportVersion.report_id)
            .join(Task, Task.id == ProgressReport.task_id)
            .join(Agency, Agency.id == ProgressReport.agency_id)
            .where(ProgressReportVersion.id == version_id, ProgressReport.plan_id == plan_id)
        )
    ).one_or_none()
    if row is None or not row.attachment_file_id:
        return None
    return DeliverableFile(
        file_id=row.attachment_file_id,
        kind=row.attachment_kind,
        version=row.version,
        period=row.period,
        agency_id=row.agency_id,
        agency_name=row.name,
        task_code=row.code,
    )


def may_open(file: DeliverableFile, *, reads_every_agency: bool, agency_id: int | None) -> bool:
    """DESIGN.md decision 5: the standing office and leaders (``reads_every_agency``) open every
    agency's files; anyone else only their own agency's."""
    return reads_every_agency or file.agency_id == agency_id
