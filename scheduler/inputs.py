"""The planner's inputs as plain immutable values (what ``scheduler.snapshot.load_snapshot``
reads from the database, and what tests and benchmarks build by hand)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class AgencyRef:
    """An agency by id and canonical name; ``is_standing_office`` marks the cơ quan Thường trực."""

    id: int
    name: str
    is_standing_office: bool = False


@dataclass(frozen=True)
class ContactRef:
    """A bound, unrevoked contact: Telegram id (= private chat id), name, agency, leader position;
    ``standing_office`` when the contact holds the standing-office role (it then receives the
    office's copy of escalations even if bound to no agency)."""

    id: int
    telegram_id: int
    name: str
    agency_id: int | None = None
    leader_position_id: int | None = None
    standing_office: bool = False


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
    - ``sent``: reminder keys already in the outbox (any status), plus the stale keys an outbox
      row covered (a status check's folded items; "what was already sent").
    - ``overrides``: the standing office's calendar days (True = working day).
    - ``settings``: the plan's stored settings (JSON values; see ``ReminderRules.with_plan_settings``).
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
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def standing_office_id(self) -> int | None:
        """The id of the standing office agency, if the plan marks one."""
        return next((a.id for a in self.agencies.values() if a.is_standing_office), None)


ADHOC_PERIOD_PREFIX = "adhoc:"


def adhoc_period_id(request_id: int) -> str:
    """The period identifier replies to an ad-hoc request carry: ``adhoc:<request id>``."""
    return f"{ADHOC_PERIOD_PREFIX}{request_id}"
