"""What the progress dialog reads about the plan: an agency's tasks (with what it already reported
for a period), a task's indicators, the calendar. Repositories take a session and never commit.

Nothing is cached across updates: each step reads the plan afresh (a re-import, a task activated, a
calendar override hold from the next step). The statements are built once, with bind parameters,
and run as Core on the session's connection: building a statement and loading ORM objects cost
several times what the database takes to answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.draft import IndicatorAsk
from models.db import unit_connection
from models.plan import (
    Agency,
    Indicator,
    Task,
    TaskAssignment,
    TaskDeadline,
    TaskIndicator,
    TaskRole,
)
from models.progress import ProgressReport
from models.reminders import CalendarOverride
from plan.indicators import counts_whole
from scheduler.calendar import WorkingCalendar

#: An agency's live tasks with its role, their deadlines and the occurrences the agency has
#: confirmed a reply for in period ``b_period`` (NULL: none asked): one row per (task, role,
#: deadline, reply). The reply join walks the (task_id, agency_id, occurrence, period) unique index;
#: only a task with several deadlines and several replies multiplies rows (5b: 2 × 2).
_AGENCY_TASKS = (
    select(
        Task.id,
        Task.code,
        Task.content,
        Task.position,
        TaskAssignment.role,
        TaskDeadline.id,
        TaskDeadline.due,
        ProgressReport.occurrence,
    )
    .join(TaskAssignment, TaskAssignment.task_id == Task.id)
    .outerjoin(TaskDeadline, TaskDeadline.task_id == Task.id)
    .outerjoin(
        ProgressReport,
        and_(
            ProgressReport.task_id == Task.id,
            ProgressReport.agency_id == bindparam("b_agency_id"),
            ProgressReport.period == bindparam("b_period"),
        ),
    )
    .where(
        Task.plan_id == bindparam("b_plan_id"),
        Task.archived_at.is_(None),
        TaskAssignment.agency_id == bindparam("b_agency_id"),
    )
    .order_by(Task.position, Task.id, TaskDeadline.occurrence, TaskDeadline.id)
)
#: The owner whose figure counts (DOMAIN.md, "Indicators"): the stored one, else the task's first
#: lead agency (as ``reports.indicators`` reads it).
_OWNER_ID = func.coalesce(
    TaskIndicator.owner_agency_id,
    select(TaskAssignment.agency_id)
    .where(
        TaskAssignment.task_id == TaskIndicator.task_id,
        TaskAssignment.role == TaskRole.LEAD,
        TaskAssignment.agency_id.is_not(None),
    )
    .order_by(TaskAssignment.position)
    .limit(1)
    .scalar_subquery(),
)
#: A task's indicators with their owner's id and name, in one statement (the owner is what the
#: figure step's note names).
_INDICATORS = (
    select(Indicator.id, Indicator.name, Indicator.unit, Indicator.code, Agency.id, Agency.name)
    .join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
    .outerjoin(Agency, Agency.id == _OWNER_ID)
    .where(TaskIndicator.task_id == bindparam("b_task_id"))
    .order_by(Indicator.id)
)
_AGENCY_NAME = select(Agency.name).where(Agency.id == bindparam("b_agency_id"))
_CALENDAR = select(CalendarOverride.day, CalendarOverride.is_working_day).where(
    CalendarOverride.plan_id == bindparam("b_plan_id")
)


async def _rows(session: AsyncSession, statement: Any, params: dict[str, Any]) -> list[Any]:
    connection = await unit_connection(session)
    return list((await connection.execute(statement, params)).all())


@dataclass(frozen=True)
class TaskChoice:
    """A task an agency may report on: ``is_lead`` when it leads (chủ trì) the task; ``deadlines``
    in occurrence order (calendar dates, Asia/Ho_Chi_Minh); ``reported``: the occurrences (the
    dialog's numbering: 0 for a task with at most one deadline, else 1…n in deadline order) the
    agency has a confirmed reply for in the period asked (empty when no period was asked)."""

    id: int
    code: str
    content: str
    is_lead: bool
    deadlines: tuple[date, ...]
    reported: frozenset[int] = frozenset()

    @property
    def occurrences(self) -> tuple[int, ...]:
        """The occurrences the dialog asks about when the task is chosen from the list: (0,) for
        a task with at most one deadline, else every deadline's number (1…n)."""
        count = len(self.deadlines)
        return (0,) if count <= 1 else tuple(range(1, count + 1))

    @property
    def is_reported(self) -> bool:
        """The agency's own confirmed reply exists for every occurrence the dialog would ask
        about (5b: both deadlines), in the period asked. Drafts and other agencies' replies (a
        co-led task: each lead reports on its own) do not count."""
        return self.reported.issuperset(self.occurrences)


async def agency_tasks(
    session: AsyncSession, plan_id: int, agency_id: int, period: str | None = None
) -> list[TaskChoice]:
    """The agency's live tasks: those it leads first, then those it supports, each in plan order;
    with ``period`` ("2026-11", "adhoc:3"), each task's ``reported`` occurrences for it, in the
    same statement.

    Read once per session (one unit of work: one dialog step) and kept in ``session.info``: a step
    that checks the list and then shows it does not read the plan twice.
    """
    key = ("dialogs.agency_tasks", plan_id, agency_id, period)
    cached = session.info.get(key)
    if cached is None:
        cached = session.info[key] = await _agency_tasks(session, plan_id, agency_id, period)
    return list(cached)


async def _agency_tasks(
    session: AsyncSession, plan_id: int, agency_id: int, period: str | None
) -> list[TaskChoice]:
    """One statement; the same list as ``models.agency_tasks.agency_tasks_ordered``: lead first,
    then support, each in plan order; a task the agency both leads and supports (a slip in a
    document) once, as lead."""
    rows = await _rows(
        session,
        _AGENCY_TASKS,
        {"b_plan_id": plan_id, "b_agency_id": agency_id, "b_period": period},
    )
    found: dict[int, tuple[str, str, int]] = {}
    lead: dict[int, bool] = {}
    deadlines: dict[int, dict[int, date]] = {}
    reported: dict[int, set[int]] = {}
    for task_id, code, content, position, role, deadline_id, due, occurrence in rows:
        found[task_id] = (code, content, position)
        lead[task_id] = lead.get(task_id, False) or role == TaskRole.LEAD
        if deadline_id is not None:
            deadlines.setdefault(task_id, {})[deadline_id] = due
        if occurrence is not None:
            reported.setdefault(task_id, set()).add(occurrence)
    ordered = sorted(found, key=lambda t: (not lead[t], found[t][2]))
    return [
        TaskChoice(
            id=t,
            code=found[t][0],
            content=found[t][1],
            is_lead=lead[t],
            deadlines=tuple(deadlines.get(t, {}).values()),
            reported=frozenset(reported.get(t, ())),
        )
        for t in ordered
    ]


async def agency_task(
    session: AsyncSession, plan_id: int, agency_id: int, code: str, period: str | None = None
) -> TaskChoice | None:
    """The agency's task with ``code`` ("5a"), or None when the agency has no role on it
    (``period`` as for ``agency_tasks``: the step's list, if it shows one, is read only once)."""
    for choice in await agency_tasks(session, plan_id, agency_id, period):
        if choice.code == code:
            return choice
    return None


async def task_indicators(session: AsyncSession, task_id: int) -> list[IndicatorAsk]:
    """The indicators a task carries (DOMAIN.md, "Indicators"), in indicator order, each with the
    agency whose figure counts for the task (``owner_id``/``owner``; None/"" when the task has no
    lead agency)."""
    rows = await _rows(session, _INDICATORS, {"b_task_id": task_id})
    return [
        IndicatorAsk(
            id=i,
            name=name,
            unit=unit,
            whole=counts_whole(code),
            owner_id=owner_id,
            owner=owner or "",
        )
        for i, name, unit, code, owner_id, owner in rows
    ]


async def agency_name(session: AsyncSession, agency_id: int) -> str:
    """The agency's canonical name ("" if unknown)."""
    rows = await _rows(session, _AGENCY_NAME, {"b_agency_id": agency_id})
    return str(rows[0][0]) if rows else ""


async def load_calendar(session: AsyncSession, plan_id: int) -> WorkingCalendar:
    """The working-day calendar with the standing office's overrides for the plan."""
    rows = await _rows(session, _CALENDAR, {"b_plan_id": plan_id})
    return WorkingCalendar(overrides={day: working for day, working in rows})
