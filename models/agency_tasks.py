"""What an agency (or a leader) has to do: its tasks with their deadlines and last reported status.

Used by the onboarding greeting and ``/nhiemvu``. Repositories take a session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from models.plan import Task, TaskAssignment, TaskRole
from models.progress import ProgressReport, ProgressStatus


@dataclass(frozen=True)
class TaskLine:
    """One task as shown to a person: ``role`` is the agency's (None for a leader's listing);
    ``deadlines`` are calendar dates (Asia/Ho_Chi_Minh), in occurrence order; ``status`` is the
    latest confirmed reply's status, None when nothing was reported; ``ongoing``: the work goes on
    after the last deadline ("Tháng 6/2026 và thường xuyên": the schedule's ``ongoing`` flag)."""

    task_id: int
    code: str
    content: str
    timeline_text: str
    role: TaskRole | None
    deadlines: tuple[date, ...]
    status: ProgressStatus | None
    ongoing: bool = False


async def _latest_status(
    session: AsyncSession, task_ids: list[int], agency_id: int | None
) -> dict[int, ProgressStatus]:
    if not task_ids:
        return {}
    stmt = select(ProgressReport).where(ProgressReport.task_id.in_(task_ids))
    if agency_id is not None:
        stmt = stmt.where(ProgressReport.agency_id == agency_id)
    out: dict[int, tuple[object, ProgressStatus]] = {}
    for report in (await session.scalars(stmt.order_by(ProgressReport.confirmed_at))).all():
        out[report.task_id] = (report.confirmed_at, report.status)
    return {task_id: status for task_id, (_at, status) in out.items()}


def _line(task: Task, role: TaskRole | None, status: ProgressStatus | None) -> TaskLine:
    return TaskLine(
        task_id=task.id,
        code=task.code,
        content=task.content,
        timeline_text=task.timeline_text,
        role=role,
        deadlines=tuple(d.due for d in task.deadlines),
        status=status,
        ongoing=task.schedule is not None and task.schedule.ongoing,
    )


async def agency_tasks_ordered(
    session: AsyncSession, plan_id: int, agency_id: int
) -> list[tuple[Task, bool]]:
    """The agency's live tasks with whether it leads them (deadlines loaded): those it leads
    first, then those it supports, each in plan order. A task where the agency is both lead and
    support (a slip in a document) is listed once, as lead."""
    rows = (
        await session.execute(
            select(Task, TaskAssignment.role)
            .join(TaskAssignment, TaskAssignment.task_id == Task.id)
            .where(
                Task.plan_id == plan_id,
                Task.archived_at.is_(None),
                TaskAssignment.agency_id == agency_id,
            )
            .options(selectinload(Task.deadlines), joinedload(Task.schedule))
            .order_by(Task.position)
        )
    ).all()
    lead: dict[int, bool] = {}
    tasks: dict[int, Task] = {}
    for task, role in rows:
        tasks[task.id] = task
        lead[task.id] = lead.get(task.id, False) or role is TaskRole.LEAD
    ordered = sorted(tasks.values(), key=lambda t: (not lead[t.id], t.position))
    return [(t, lead[t.id]) for t in ordered]


async def tasks_of_agency(session: AsyncSession, plan_id: int, agency_id: int) -> list[TaskLine]:
    """The agency's live tasks as ``TaskLine``s, lead first (``agency_tasks_ordered``)."""
    ordered = await agency_tasks_ordered(session, plan_id, agency_id)
    statuses = await _latest_status(session, [t.id for t, _lead in ordered], agency_id)
    return [
        _line(t, TaskRole.LEAD if is_lead else TaskRole.SUPPORT, statuses.get(t.id))
        for t, is_lead in ordered
    ]


async def tasks_of_leader(
    session: AsyncSession, plan_id: int, leader_position_id: int
) -> list[TaskLine]:
    """The live tasks a leader position is in charge of (thủ trưởng phụ trách), in plan order."""
    tasks = (
        await session.scalars(
            select(Task)
            .where(
                Task.plan_id == plan_id,
                Task.archived_at.is_(None),
                Task.leader_position_id == leader_position_id,
            )
            .options(selectinload(Task.deadlines), joinedload(Task.schedule))
            .order_by(Task.position)
        )
    ).all()
    return [_line(t, None, None) for t in tasks]
