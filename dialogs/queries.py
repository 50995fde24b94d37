"""What the progress dialog reads about the plan: an agency's tasks, a task's indicators, the
calendar. Repositories take a session and never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.draft import IndicatorAsk
from models.agency_tasks import agency_tasks_ordered
from models.plan import Agency, Indicator, TaskIndicator
from models.reminders import CalendarOverride
from plan.indicators import counts_whole
from scheduler.calendar import WorkingCalendar


@dataclass(frozen=True)
class TaskChoice:
    """A task an agency may report on: ``is_lead`` when it leads (chủ trì) the task; ``deadlines``
    in occurrence order (calendar dates, Asia/Ho_Chi_Minh)."""

    id: int
    code: str
    content: str
    is_lead: bool
    deadlines: tuple[date, ...]


async def agency_tasks(session: AsyncSession, plan_id: int, agency_id: int) -> list[TaskChoice]:
    """The agency's live tasks: those it leads first, then those it supports, each in plan order.

    Read once per session (one unit of work: one dialog step) and kept in ``session.info``: a step
    that checks the list and then shows it does not read the plan twice.
    """
    key = ("dialogs.agency_tasks", plan_id, agency_id)
    cached = session.info.get(key)
    if cached is None:
        cached = session.info[key] = await _agency_tasks(session, plan_id, agency_id)
    return list(cached)


async def _agency_tasks(session: AsyncSession, plan_id: int, agency_id: int) -> list[TaskChoice]:
    return [
        TaskChoice(
            id=t.id,
            code=t.code,
            content=t.content,
            is_lead=is_lead,
            deadlines=tuple(d.due for d in t.deadlines),
        )
        for t, is_lead in await agency_tasks_ordered(session, plan_id, agency_id)
    ]


async def agency_task(
    session: AsyncSession, plan_id: int, agency_id: int, code: str
) -> TaskChoice | None:
    """The agency's task with ``code`` ("5a"), or None when the agency has no role on it."""
    for choice in await agency_tasks(session, plan_id, agency_id):
        if choice.code == code:
            return choice
    return None


async def task_indicators(session: AsyncSession, task_id: int) -> list[IndicatorAsk]:
    """The indicators a task carries (DOMAIN.md, "Indicators"), in indicator order."""
    rows = (
        await session.scalars(
            select(Indicator)
            .join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
            .where(TaskIndicator.task_id == task_id)
            .order_by(Indicator.id)
        )
    ).all()
    return [
        IndicatorAsk(id=i.id, name=i.name, unit=i.unit, whole=counts_whole(i.code)) for i in rows
    ]


async def agency_name(session: AsyncSession, agency_id: int) -> str:
    """The agency's canonical name ("" if unknown)."""
    return await session.scalar(select(Agency.name).where(Agency.id == agency_id)) or ""


async def load_calendar(session: AsyncSession, plan_id: int) -> WorkingCalendar:
    """The working-day calendar with the standing office's overrides for the plan."""
    rows = (
        await session.execute(
            select(CalendarOverride.day, CalendarOverride.is_working_day).where(
                CalendarOverride.plan_id == plan_id
            )
        )
    ).all()
    return WorkingCalendar(overrides={day: working for day, working in rows})
