"""What the planner reads, as plain immutable values, and the async loader that fills them.

The planner (``scheduler.planner``) is pure: it takes a ``PlanSnapshot`` and never touches the
database. ``load_snapshot`` reads one plan's rows in one session (it never commits).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models.people import BoundChat, Contact
from models.plan import (
    Agency,
    AgencyGroupMember,
    LeaderPosition,
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
    Snooze,
)


@dataclass(frozen=True)
class AgencyRef:
    """An agency by id and canonical name; ``is_standing_office`` marks the cơ quan Thường trực."""

    id: int
    name: str
    is_standing_office: bool = False


@dataclass(frozen=True)
class ContactRef:
    """A bound, unrevoked contact: Telegram id (= private chat id), name, agency, leader position."""

    id: int
    telegram_id: int
    name: str
    agency_id: int | None = None
    leader_position_id: int | None = None


@dataclass(frozen=True)
class TaskPlan:
    """A task's schedule as the importer stored it.

    ``leads``/``supports`` are agency ids in the document's order, with the agencies the standing
    office bound to a group already expanded (a group without members names nobody).
    ``deadlines`` are (occurrence, due) pairs, occurrence numbered from 1. ``on_event`` tasks are
    silent until ``activated_due`` is set (``activated_at`` is when, aware UTC).
    """

    id: int
    code: str
    position: int
    title: str
    leads: tuple[int, ...]
    supports: tuple[int, ...] = ()
    deadlines: tuple[tuple[int, date], ...] = ()
    window_start: date | None = None
    ongoing: bool = False
    on_event: bool = False
    activated_due: date | None = None
    activated_at: datetime | None = None
    leader_position_id: int | None = None


@dataclass(frozen=True)
class AdhocPlan:
    """An ad-hoc request: subject, due date, when it was made (aware) and the agencies asked."""

    id: int
    subject: str
    due: date
    requested_at: datetime
    agency_ids: tuple[int, ...]


@dataclass(frozen=True)
class SnoozeRef:
    """A contact's "Nhắc lại sau" on the reminder ``key``, until ``until`` (aware)."""

    contact_id: int
    key: str
    until: datetime


@dataclass(frozen=True)
class PlanSnapshot:
    """Everything the planner reads about one plan.

    - ``done``: (task id, agency id, occurrence) reported done; occurrence 0 = the task's only
      deadline (or its activation), as ``ProgressReport.occurrence`` stores it.
    - ``answered``: (task id, agency id, period id) an agency replied for (any status).
    - ``adhoc_answered``: (ad-hoc request id, agency id) replied (``ProgressReport.period`` =
      ``adhoc:<request id>``).
    - ``sent``: reminder keys already in the outbox (any status), plus the keys a status check in
      the outbox folded ("what was already sent").
    - ``overrides``: the standing office's calendar days (True = working day).
    """

    plan_id: int
    agencies: dict[int, AgencyRef]
    tasks: tuple[TaskPlan, ...]
    contacts: tuple[ContactRef, ...] = ()
    leaders: dict[int, str] = field(default_factory=dict)
    done: frozenset[tuple[int, int, int]] = frozenset()
    answered: frozenset[tuple[int, int, str]] = frozenset()
    adhoc: tuple[AdhocPlan, ...] = ()
    adhoc_answered: frozenset[tuple[int, int]] = frozenset()
    sent: frozenset[str] = frozenset()
    snoozes: tuple[SnoozeRef, ...] = ()
    overrides: dict[date, bool] = field(default_factory=dict)
    standing_office_chat_id: int | None = None

    @property
    def standing_office_id(self) -> int | None:
        """The id of the standing office agency, if the plan marks one."""
        return next((a.id for a in self.agencies.values() if a.is_standing_office), None)


ADHOC_PERIOD_PREFIX = "adhoc:"


def as_utc(moment: datetime) -> datetime:
    """``moment`` as aware UTC; SQLite hands stored datetimes back naive (they were written UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def adhoc_period_id(request_id: int) -> str:
    """The period identifier replies to an ad-hoc request carry: ``adhoc:<request id>``."""
    return f"{ADHOC_PERIOD_PREFIX}{request_id}"


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

    contacts = tuple(
        ContactRef(c.id, c.telegram_user_id, c.full_name, c.agency_id, c.leader_position_id)
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

    sent: set[str] = set()
    outbox_rows = await session.execute(
        select(OutboxMessage.key, OutboxMessage.kind, OutboxMessage.payload)
        .where(OutboxMessage.plan_id == plan_id)
        .distinct()
    )
    for key, kind, payload in outbox_rows:
        sent.add(key)
        if kind == "status_check" and isinstance(payload, dict):
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
        .where(AdhocRequest.plan_id == plan_id)
        .order_by(AdhocRequestAgency.id)
    )
    for request_id, agency_id in rows:
        chosen[request_id].append(agency_id)
    requests = await session.scalars(
        select(AdhocRequest).where(AdhocRequest.plan_id == plan_id).order_by(AdhocRequest.id)
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
