"""The async loader of what the planner reads: one plan's rows → a ``PlanSnapshot``.

The planner (``scheduler.planner``) is pure: it takes a ``PlanSnapshot`` (types in
``scheduler.inputs``, re-exported here) and never touches the database. ``load_snapshot`` reads one
plan's rows in one session (it never commits).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models.db import as_utc
from models.people import BoundChat, Contact, ContactRole, Role
from models.plan import (
    Agency,
    AgencyGroupMember,
    LeaderPosition,
    PlanSetting,
    Task,
    TaskAssignment,
    TaskRole,
)
from models.progress import ProgressReport, ProgressStatus
from models.reminders import (
    AdhocRequest,
    AdhocRequestAgency,
    CalendarOverride,
    OutboxMessage,
    OutboxStatus,
    Snooze,
)
from scheduler.claims import EXPIRED_ERROR
from scheduler.inputs import (
    ADHOC_PERIOD_PREFIX,
    AdhocPlan,
    AgencyRef,
    ContactRef,
    PlanSnapshot,
    SnoozeRef,
    TaskPlan,
    adhoc_period_id,
)

__all__ = [
    "ADHOC_PERIOD_PREFIX",
    "AdhocPlan",
    "AgencyRef",
    "ContactRef",
    "PlanSnapshot",
    "SnoozeRef",
    "TaskPlan",
    "adhoc_period_id",
    "load_snapshot",
]


async def load_snapshot(session: AsyncSession, plan_id: int) -> PlanSnapshot:
    """Read plan ``plan_id``'s tasks, people, replies, outbox keys, snoozes, ad-hoc requests and
    calendar overrides into a ``PlanSnapshot``. Archived tasks and revoked contacts are left out."""
    agencies = {
        a.id: AgencyRef(a.id, a.name, a.is_standing_office)
        for a in await session.scalars(select(Agency).where(Agency.plan_id == plan_id))
    }
    leaders = {
        p.id: p.title
        for p in await session.scalars(
            select(LeaderPosition).where(LeaderPosition.plan_id == plan_id)
        )
    }
    members: dict[int, list[int]] = defaultdict(list)
    member_rows = await session.execute(
        select(AgencyGroupMember.group_id, AgencyGroupMember.agency_id)
        .join(Agency, Agency.id == AgencyGroupMember.agency_id)
        .where(Agency.plan_id == plan_id)
        .order_by(AgencyGroupMember.id)
    )
    for group_id, agency_id in member_rows:
        members[group_id].append(agency_id)

    tasks = []
    task_rows = await session.scalars(
        select(Task)
        .where(Task.plan_id == plan_id, Task.archived_at.is_(None))
        .options(
            selectinload(Task.assignments),
            selectinload(Task.schedule),
            selectinload(Task.deadlines),
        )
        .order_by(Task.position)
    )
    for task in task_rows:
        tasks.append(_task_plan(task, members))

    office_role = set(
        await session.scalars(
            select(ContactRole.contact_id)
            .join(Contact, Contact.id == ContactRole.contact_id)
            .where(Contact.plan_id == plan_id, ContactRole.role == Role.STANDING_OFFICE)
        )
    )
    contacts = tuple(
        ContactRef(
            c.id,
            c.telegram_user_id,
            c.full_name,
            c.agency_id,
            c.leader_position_id,
            c.id in office_role,
        )
        for c in await session.scalars(
            select(Contact)
            .where(Contact.plan_id == plan_id, Contact.revoked_at.is_(None))
            .order_by(Contact.id)
        )
    )

    done: set[tuple[int, int, int]] = set()
    answered: set[tuple[int, int, str]] = set()
    adhoc_answered: set[tuple[int, int]] = set()
    report_rows = await session.execute(
        select(
            ProgressReport.task_id,
            ProgressReport.agency_id,
            ProgressReport.occurrence,
            ProgressReport.period,
            ProgressReport.status,
        ).where(ProgressReport.plan_id == plan_id)
    )
    for task_id, agency_id, occurrence, period, status in report_rows:
        if status == ProgressStatus.DONE:
            done.add((task_id, agency_id, occurrence))
        answered.add((task_id, agency_id, period))
        if period.startswith(ADHOC_PERIOD_PREFIX) and period[len(ADHOC_PERIOD_PREFIX) :].isdigit():
            adhoc_answered.add((int(period[len(ADHOC_PERIOD_PREFIX) :]), agency_id))

    adhoc = await _load_adhoc(session, plan_id, tuple(agencies))

    # A key counts as sent once any of its rows is on its way or delivered, or failed for a reason
    # of its recipient (blocked…: planning it again would not reach them). A row the sender gave
    # up on as too late ("expired") was never delivered: its items stay unsent, and the next run
    # folds them into a status check (issue 5, staleness).
    delivered = (OutboxMessage.plan_id == plan_id) & ~(
        (OutboxMessage.status == OutboxStatus.FAILED)
        & (func.coalesce(OutboxMessage.error, "") == EXPIRED_ERROR)
    )
    sent: set[str] = set(
        await session.scalars(select(OutboxMessage.key).where(delivered).distinct())
    )
    # Covered keys are the same in every recipient's copy: read one row per key.
    first_rows = select(func.min(OutboxMessage.id)).where(delivered).group_by(OutboxMessage.key)
    for payload in await session.scalars(
        select(OutboxMessage.payload).where(OutboxMessage.id.in_(first_rows))
    ):
        if isinstance(payload, dict):
            sent.update(str(k) for k in payload.get("covers", ()))

    snoozes = tuple(
        SnoozeRef(contact_id, key, as_utc(until))
        for contact_id, key, until in await session.execute(
            select(Snooze.contact_id, Snooze.reminder_key, Snooze.until)
            .join(Contact, Contact.id == Snooze.contact_id)
            .where(Contact.plan_id == plan_id)
        )
    )
    overrides = {
        day: working
        for day, working in await session.execute(
            select(CalendarOverride.day, CalendarOverride.is_working_day).where(
                CalendarOverride.plan_id == plan_id
            )
        )
    }
    office_chat = await session.scalar(
        select(BoundChat.chat_id).where(
            BoundChat.plan_id == plan_id,
            BoundChat.purpose == "standing_office",
            BoundChat.unreachable_at.is_(None),
        )
    )
    settings = {
        key: value
        for key, value in await session.execute(
            select(PlanSetting.key, PlanSetting.value).where(PlanSetting.plan_id == plan_id)
        )
    }
    return PlanSnapshot(
        plan_id=plan_id,
        agencies=agencies,
        tasks=tuple(tasks),
        contacts=contacts,
        leaders=leaders,
        done=frozenset(done),
        answered=frozenset(answered),
        adhoc=adhoc,
        adhoc_answered=frozenset(adhoc_answered),
        sent=frozenset(sent),
        snoozes=snoozes,
        overrides=overrides,
        standing_office_chat_id=office_chat,
        settings=settings,
    )


def _task_plan(task: Task, members: dict[int, list[int]]) -> TaskPlan:
    leads: list[int] = []
    supports: list[int] = []
    for assignment in sorted(task.assignments, key=_assignment_order):
        target = leads if assignment.role == TaskRole.LEAD else supports
        ids = (
            [assignment.agency_id]
            if assignment.agency_id is not None
            else members.get(assignment.group_id or 0, [])
        )
        target.extend(i for i in ids if i not in target)
    schedule = task.schedule
    return TaskPlan(
        id=task.id,
        code=task.code,
        position=task.position,
        title=task.content,
        leads=tuple(leads),
        supports=tuple(i for i in supports if i not in leads),
        deadlines=tuple((d.occurrence, d.due) for d in task.deadlines),
        window_start=schedule.window_start if schedule else None,
        ongoing=bool(schedule and schedule.ongoing),
        on_event=bool(schedule and schedule.on_event),
        activated_due=schedule.activated_due if schedule else None,
        activated_at=as_utc(schedule.activated_at) if schedule and schedule.activated_at else None,
        leader_position_id=task.leader_position_id,
    )


def _assignment_order(assignment: TaskAssignment) -> tuple[str, int]:
    return (str(assignment.role), assignment.position)


async def _load_adhoc(
    session: AsyncSession, plan_id: int, all_agency_ids: tuple[int, ...]
) -> tuple[AdhocPlan, ...]:
    chosen: dict[int, list[int]] = defaultdict(list)
    rows = await session.execute(
        select(AdhocRequestAgency.request_id, AdhocRequestAgency.agency_id)
        .join(AdhocRequest, AdhocRequest.id == AdhocRequestAgency.request_id)
        .where(AdhocRequest.plan_id == plan_id, AdhocRequest.cancelled_at.is_(None))
        .order_by(AdhocRequestAgency.id)
    )
    for request_id, agency_id in rows:
        chosen[request_id].append(agency_id)
    # A cancelled request (``scheduler.adhoc.cancel_request``) is not followed up at all: no
    # reminder, overdue notice, escalation, or status-check line from the day it was cancelled.
    requests = await session.scalars(
        select(AdhocRequest)
        .where(AdhocRequest.plan_id == plan_id, AdhocRequest.cancelled_at.is_(None))
        .order_by(AdhocRequest.id)
    )
    return tuple(
        AdhocPlan(
            id=r.id,
            subject=r.subject,
            due=r.due,
            requested_at=as_utc(r.requested_at),
            agency_ids=all_agency_ids if r.all_agencies else tuple(chosen[r.id]),
        )
        for r in requests
    )
