"""Standing-office commands the CLI and the chat handlers share: calendar overrides and the
activation of on-event tasks. Plain async functions over a session; they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from locales import _
from models.plan import Task, TaskSchedule
from models.reminders import CalendarOverride


class CommandError(ValueError):
    """A command that cannot be applied (unknown task, a task that is not on-event…)."""


class UnknownTaskError(CommandError):
    """No live task with that code in the plan; ``code`` is what was asked for."""

    def __init__(self, code: str) -> None:
        super().__init__(_("Không có nhiệm vụ «{code}» trong Kế hoạch.").format(code=code))
        self.code = code


class NotOnEventError(CommandError):
    """The task has a timeline of its own (``timeline``, the plan's text), not an on-event one."""

    def __init__(self, code: str, timeline: str) -> None:
        super().__init__(
            # The same catalog entry as /kichhoat's reply (plain text here, HTML-escaped there).
            _(
                "Nhiệm vụ {code} không phải nhiệm vụ thực hiện khi có sự kiện (thời gian: «{timeline}»). Chỉ kích hoạt được các nhiệm vụ «khi có…»."
            ).format(code=code, timeline=timeline)
        )
        self.code = code
        self.timeline = timeline


async def set_calendar_day(
    session: AsyncSession, plan_id: int, day: date, *, working: bool, note: str = ""
) -> CalendarOverride:
    """Make ``day`` a day off (``working=False``) or a working day for plan ``plan_id``; an
    existing override of that day is replaced. The planner reads it at its next run."""
    override = await session.scalar(
        select(CalendarOverride).where(
            CalendarOverride.plan_id == plan_id, CalendarOverride.day == day
        )
    )
    if override is None:
        override = CalendarOverride(plan_id=plan_id, day=day, is_working_day=working, note=note)
        session.add(override)
    else:
        override.is_working_day = working
        override.note = note
    await session.flush()
    return override


async def calendar_overrides(session: AsyncSession, plan_id: int) -> list[CalendarOverride]:
    """The plan's overrides, by day."""
    rows = await session.scalars(
        select(CalendarOverride)
        .where(CalendarOverride.plan_id == plan_id)
        .order_by(CalendarOverride.day)
    )
    return list(rows)


@dataclass(frozen=True)
class Activation:
    """The result of ``activate_task``: the task code, its new due date and the trigger phrase."""

    code: str
    due: date
    on_event: str


async def activate_task(
    session: AsyncSession, plan_id: int, code: str, due: date, now: datetime
) -> Activation:
    """Activate on-event task ``code`` (e.g. 4b "Khi có hướng dẫn của Trung ương") with ``due``;
    from then on it follows the deadline rules, announced at the next sending time after ``now``
    (aware). Re-activating sets a new due date. Raises ``UnknownTaskError`` for an unknown code
    and ``NotOnEventError`` for a task that is not on-event (both ``CommandError``).
    """
    task = await session.scalar(
        select(Task)
        .where(Task.plan_id == plan_id, Task.code == code, Task.archived_at.is_(None))
        .options(selectinload(Task.schedule))
    )
    if task is None:
        raise UnknownTaskError(code)
    schedule = task.schedule
    if schedule is None or not schedule.on_event:
        raise NotOnEventError(code, task.timeline_text)
    if schedule is None:  # pragma: no cover - narrowed above
        schedule = TaskSchedule(task_id=task.id)
    schedule.activated_due = due
    # Stored as UTC: SQLite keeps the wall time only (DESIGN.md: aware UTC inside).
    schedule.activated_at = now.astimezone(UTC)
    await session.flush()
    return Activation(code, due, schedule.on_event or "")
