"""Loading what the compiler reads: plan settings, the working calendar, and the replies.

Replies are read with Core selects (tuples, not ORM objects): a national store holds a million of
them, and one province's report reads a few thousand (see ``benchmarks/bench_reports.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.plan import (
    Agency,
    PlanSetting,
    Section,
    Task,
    TaskAssignment,
    TaskDeadline,
    TaskRole,
    TaskSchedule,
)
from models.progress import LATEST_VERSION, ProgressReport, ProgressReportVersion, ProgressStatus
from models.reminders import CalendarOverride
from reports.activity import Done, TaskFacts, deadlines_of
from reports.summary import nfc
from scheduler.calendar import WorkingCalendar
from scheduler.periods import ReportingPeriod


class Reply(NamedTuple):
    """A stored reply with its latest version, as the compiler needs it (a named tuple: a
    province's report builds thousands)."""

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
    #: (file name — the file_id when the file has none —, kind, version id) of the deliverable.
    attachment: tuple[str, str, int] | None = None


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


async def load_tasks(
    session: AsyncSession, plan_id: int
) -> tuple[list[TaskFacts], dict[int, tuple[int, str]]]:
    """The plan's current tasks in document order, and its sections (id → (number, title)).

    Three Core selects (tasks with schedule, section and deadlines; lead assignments; nothing
    per task): a province's plan has a hundred-odd lead agencies on each task.
    """
    connection = await session.connection()
    rows = await connection.execute(
        select(
            Task.id,
            Task.code,
            Task.position,
            Task.section_id,
            Task.content,
            Task.timeline_text,
            Section.number,
            Section.title,
            TaskSchedule.ongoing,
            TaskSchedule.window_start,
            TaskSchedule.on_event,
            TaskSchedule.activated_due,
            TaskSchedule.activated_at,
            TaskDeadline.occurrence,
            TaskDeadline.due,
        )
        .join(Section, Section.id == Task.section_id)
        .outerjoin(TaskSchedule, TaskSchedule.task_id == Task.id)
        .outerjoin(TaskDeadline, TaskDeadline.task_id == Task.id)
        .where(Task.plan_id == plan_id, Task.archived_at.is_(None))
        .order_by(Task.position, TaskDeadline.occurrence)
    )
    by_task: dict[int, Any] = {}
    deadlines: dict[int, list[tuple[int, date]]] = {}
    sections: dict[int, tuple[int, str]] = {}
    for row in rows:
        if row.id not in by_task:
            by_task[row.id] = row
            deadlines[row.id] = []
            sections[row.section_id] = (row.number, row.title)
        if row.due is not None:
            deadlines[row.id].append((row.occurrence, row.due))
    leads: dict[int, list[int]] = {task_id: [] for task_id in by_task}
    lead_rows = await connection.execute(
        select(TaskAssignment.task_id, TaskAssignment.agency_id)
        .join(Task, Task.id == TaskAssignment.task_id)
        .where(
            Task.plan_id == plan_id,
            Task.archived_at.is_(None),
            TaskAssignment.role == TaskRole.LEAD,
            TaskAssignment.agency_id.is_not(None),
        )
        .order_by(TaskAssignment.task_id, TaskAssignment.position)
    )
    for task_id, agency_id in lead_rows.all():  # .all(): rows fetched in bulk, not one by one
        if agency_id is not None:  # filtered in SQL: narrows the type
            leads[task_id].append(agency_id)
    tasks = [
        TaskFacts(
            id=row.id,
            code=row.code,
            position=row.position,
            section_id=row.section_id,
            content=row.content,
            timeline=row.timeline_text,
            leads=tuple(leads[row.id]),
            deadlines=deadlines_of(deadlines[row.id], row.on_event, row.activated_due),
            ongoing=bool(row.ongoing),
            window_start=row.window_start,
            on_event=row.on_event,
            activated_at=row.activated_at,
        )
        for row in by_task.values()
    ]
    return tasks, sections


async def load_agencies(session: AsyncSession, plan_id: int) -> dict[int, str]:
    """The plan's agencies: id → NFC name."""
    connection = await session.connection()
    rows = await connection.execute(select(Agency.id, Agency.name).where(Agency.plan_id == plan_id))
    return {agency_id: nfc(name) for agency_id, name in rows}


async def load_replies(
    session: AsyncSession,
    plan_id: int,
    period: ReportingPeriod,
    regular_ids: dict[str, date],
    tz: ZoneInfo,
    due_of: Callable[[str], date | None],
    done_tasks: Collection[int],
) -> tuple[dict[tuple[int, int], Reply], Done]:
    """Each task × agency's latest reply inside ``period``, and what was reported done by then.

    Inside: replies to the regular periods whose cut-off (``regular_ids``: id → cut-off) lies in
    the period, and to ``period.id`` itself. Per task × agency the latest of them (latest cut-off,
    then latest first-confirmation date, then id) comes back as a ``Reply`` with its latest
    version's texts. Done: (task id, agency id) → occurrences reported done in any regular period
    up to the period's end or in the period itself, for the tasks of ``done_tasks`` only (those
    with a deadline the rules look at); the earlier periods are grouped by the database.
    Replies to a task a re-import archived stay stored but are left out (as ``load_tasks`` leaves
    the task out).
    Read as Core rows: no ORM objects for thousands of rows.
    """
    inside = [pid for pid, cutoff in regular_ids.items() if period.start <= cutoff <= period.end]
    history = [pid for pid in regular_ids if pid not in inside and pid != period.id]
    connection = await session.connection()
    done: Done = defaultdict(set)
    if history and done_tasks:
        rows = await connection.execute(
            select(ProgressReport.task_id, ProgressReport.agency_id, ProgressReport.occurrence)
            .where(
                ProgressReport.plan_id == plan_id,
                ProgressReport.period.in_(history),
                ProgressReport.status == ProgressStatus.DONE,
            )
            .group_by(ProgressReport.task_id, ProgressReport.agency_id, ProgressReport.occurrence)
        )
        for task_id, agency_id, occurrence in rows.all():
            if task_id in done_tasks:
                done[(task_id, agency_id)].add(occurrence)
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
            ProgressReportVersion.id,
        )
        .join(ProgressReportVersion, LATEST_VERSION)
        .join(first, and_(first.report_id == ProgressReport.id, first.version == 1))
        .join(Task, Task.id == ProgressReport.task_id)
        .where(
            ProgressReport.plan_id == plan_id,
            ProgressReport.period.in_(list(dict.fromkeys([*inside, period.id]))),
            Task.archived_at.is_(None),  # a re-import archived it: outside the report
        )
    )
    # Per row only what ordering and "done" need; texts are normalized for the latest rows only.
    # Few objects per row: the collector's full passes grow with what a report allocates.
    latest: dict[tuple[int, int], tuple[Any, date]] = {}
    done_status = ProgressStatus.DONE
    utc = ZoneInfo("UTC")
    for row in (await connection.execute(stmt)).all():  # in bulk: faster than row by row
        report_id, task_id, agency_id, occurrence, period_id, status, confirmed_at = row[:7]
        key = (task_id, agency_id)
        if status == done_status and task_id in done_tasks:
            done[key].add(occurrence)
        if confirmed_at.tzinfo is None:  # SQLite hands back naive datetimes: stored as UTC
            confirmed_at = confirmed_at.replace(tzinfo=utc)
        confirmed_on = confirmed_at.astimezone(tz).date()
        held = latest.get(key)
        if held is not None:  # the latest cut-off, then first confirmation, then id wins
            other, other_on = held
            mine = (regular_ids.get(period_id, period.end), confirmed_on, report_id)
            theirs = (regular_ids.get(other[4], period.end), other_on, other[0])
            if mine < theirs:
                continue
        latest[key] = (row, confirmed_on)
    result: dict[tuple[int, int], Reply] = {}
    dues: dict[str, date | None] = {}
    for key, (row, confirmed_on) in latest.items():
        (report_id, task_id, agency_id, occurrence, period_id, status, _confirmed) = row[:7]
        cutoff = regular_ids.get(period_id, period.end)
        result_text, difficulties, next_steps, proposals = row[7:11]
        attachment_name, attachment_kind, attachment_file_id, version_id = row[11:]
        if period_id not in dues:
            dues[period_id] = due_of(period_id)
        due = dues[period_id]
        attachment = None
        if attachment_file_id or attachment_name:
            attachment = (
                nfc(attachment_name) or attachment_file_id,
                attachment_kind or "",
                version_id,
            )
        result[key] = Reply(
            report_id,
            task_id,
            agency_id,
            occurrence,
            period_id,
            cutoff,
            status if type(status) is ProgressStatus else ProgressStatus(status),
            confirmed_on,
            max(0, (confirmed_on - due).days) if due is not None else 0,
            nfc(result_text),
            nfc(difficulties),
            nfc(next_steps),
            nfc(proposals),
            attachment,
        )
    return result, done


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar date of ``moment`` in ``tz``."""
    # SQLite hands back naive datetimes: they were stored as UTC.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(tz).date()
