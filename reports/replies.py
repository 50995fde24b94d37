"""Loading what the compiler reads: plan settings, the working calendar, and the replies.

Replies are read with Core selects (tuples, not ORM objects): a national store holds a million of
them, and one province's report reads a few thousand (see ``benchmarks/bench_reports.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.plan import PlanSetting
from models.progress import ProgressReport, ProgressReportVersion, ProgressStatus
from models.reminders import CalendarOverride
from reports.summary import nfc
from scheduler.calendar import WorkingCalendar
from scheduler.periods import ReportingPeriod


@dataclass(frozen=True)
class Reply:
    """A stored reply with its latest version, as the compiler needs it."""

    id: int
    task_id: int
    agency_id: int
    occurrence: int
    period: str
    cutoff: date
    status: ProgressStatus
    confirmed_on: date
    #: Days between the due date and the first confirmation; 0 when on time.
    days_late: int
    result: str = ""
    difficulties: str = ""
    next_steps: str = ""
    proposals: str = ""
    attachment: tuple[str, str] | None = None


async def load_settings(session: AsyncSession, plan_id: int) -> dict[str, Any]:
    """The plan's settings as a dict (key → JSON value)."""
    rows = await session.execute(
        select(PlanSetting.key, PlanSetting.value).where(PlanSetting.plan_id == plan_id)
    )
    return {key: value for key, value in rows}


async def campaign_window(
    session: AsyncSession, plan_id: int, default_start: date, default_end: date
) -> tuple[date, date]:
    """The campaign's first and last day: the plan settings ``campaign_start``/``campaign_end``
    (ISO dates) when the standing office set them, else the bot's settings (DOMAIN.md: the plan
    does not state its start; 500 days before 27/7/2027 by default)."""
    settings = await load_settings(session, plan_id)

    def pick(key: str, default: date) -> date:
        value = settings.get(key)
        return date.fromisoformat(value) if isinstance(value, str) and value else default

    return pick("campaign_start", default_start), pick("campaign_end", default_end)


async def load_calendar(session: AsyncSession, plan_id: int) -> WorkingCalendar:
    """The working calendar with the standing office's overrides of ``plan_id``."""
    rows = await session.execute(
        select(CalendarOverride.day, CalendarOverride.is_working_day).where(
            CalendarOverride.plan_id == plan_id
        )
    )
    return WorkingCalendar(overrides={day: working for day, working in rows})


async def load_replies(
    session: AsyncSession,
    plan_id: int,
    period: ReportingPeriod,
    regular_ids: dict[str, date],
    tz: ZoneInfo,
    due_of: Callable[[str], date | None],
) -> tuple[list[Reply], list[tuple[int, int, int]]]:
    """The replies inside ``period`` and what was reported done before it.

    Inside: replies to the regular periods whose cut-off (``regular_ids``: id → cut-off) lies in
    the period, and to ``period.id`` itself, with their latest version's texts and first
    confirmation. Before: (task id, agency id, occurrence) reported done in an earlier regular
    period, grouped by the database. Read as Core rows: no ORM objects for thousands of rows.
    """
    inside = [pid for pid, cutoff in regular_ids.items() if period.start <= cutoff <= period.end]
    history = [pid for pid in regular_ids if pid not in inside and pid != period.id]
    connection = await session.connection()
    done: list[tuple[int, int, int]] = []
    if history:
        rows = await connection.execute(
            select(ProgressReport.task_id, ProgressReport.agency_id, ProgressReport.occurrence)
            .where(
                ProgressReport.plan_id == plan_id,
                ProgressReport.period.in_(history),
                ProgressReport.status == ProgressStatus.DONE,
            )
            .group_by(ProgressReport.task_id, ProgressReport.agency_id, ProgressReport.occurrence)
        )
        done = [(t, a, o) for t, a, o in rows]
    result: list[Reply] = []
    first = aliased(ProgressReportVersion)
    stmt = (
        select(
            ProgressReport.id,
            ProgressReport.task_id,
            ProgressReport.agency_id,
            ProgressReport.occurrence,
            ProgressReport.period,
            ProgressReportVersion.status,
            first.confirmed_at,
            ProgressReportVersion.result,
            ProgressReportVersion.difficulties,
            ProgressReportVersion.next_steps,
            ProgressReportVersion.proposals,
            ProgressReportVersion.attachment_name,
            ProgressReportVersion.attachment_kind,
            ProgressReportVersion.attachment_file_id,
        )
        .join(
            ProgressReportVersion,
            and_(
                ProgressReportVersion.report_id == ProgressReport.id,
                ProgressReportVersion.version == ProgressReport.latest_version,
            ),
        )
        .join(first, and_(first.report_id == ProgressReport.id, first.version == 1))
        .where(
            ProgressReport.plan_id == plan_id,
            ProgressReport.period.in_([*inside, period.id]),
        )
    )
    for row in await connection.execute(stmt):
        cutoff = regular_ids.get(row.period, period.end)
        confirmed_on = local_date(row[6], tz)
        due = due_of(row.period)
        attachment = None
        if row.attachment_file_id or row.attachment_name:
            attachment = (
                nfc(row.attachment_name) or row.attachment_file_id,
                row.attachment_kind or "",
            )
        result.append(
            Reply(
                id=row.id,
                task_id=row.task_id,
                agency_id=row.agency_id,
                occurrence=row.occurrence,
                period=row.period,
                cutoff=cutoff,
                status=ProgressStatus(row.status),
                confirmed_on=confirmed_on,
                days_late=max(0, (confirmed_on - due).days) if due is not None else 0,
                result=nfc(row.result),
                difficulties=nfc(row.difficulties),
                next_steps=nfc(row.next_steps),
                proposals=nfc(row.proposals),
                attachment=attachment,
            )
        )
    return result, done


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar date of ``moment`` in ``tz``."""
    # SQLite hands back naive datetimes: they were stored as UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(tz).date()
