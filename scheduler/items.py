"""Every reminder item the rules schedule on or before a given day (the planner's raw material).

An item is agency-level: one reminder of one kind about one subject (a task occurrence, a period,
an ad-hoc request) concerning one agency, scheduled on one local day. ``scheduler.planner`` decides
which of them go out at the current sending time and to whom. Rules: issue 5, "Rules".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import NamedTuple

from scheduler.calendar import WorkingCalendar
from scheduler.periods import ReportingPeriod, asked_periods, periods_at_cutoff
from scheduler.rules import ReminderKind, ReminderRules
from scheduler.snapshot import AdhocPlan, PlanSnapshot, TaskPlan, adhoc_period_id

#: Addressees of an item: the agency itself, the standing office, or a leader position.
TO_AGENCY = "agency"
TO_OFFICE = "office"


def to_leader(leader_position_id: int) -> str:
    """The addressee tag of a leader position."""
    return f"leader{leader_position_id}"


class Item(NamedTuple):
    """One scheduled reminder item.

    ``subject`` names what it is about (``10b#1`` a task occurrence, ``4b#a20270208`` an
    activation, ``2026-11`` a period, ``adhoc:3`` an ad-hoc request); ``expires`` is the last day
    it may go out (pre-deadline items expire at their deadline), None for never. ``to`` is
    ``agency``, ``office`` or ``leader<id>``. ``foldable`` items left unsent on an earlier day fold
    into the agency's status check.
    """

    kind: ReminderKind
    agency_id: int
    day: date
    subject: str
    task_ids: tuple[int, ...]
    due: date
    period: str | None = None
    expires: date | None = None
    to: str = TO_AGENCY
    leader_position_id: int | None = None

    @property
    def key(self) -> str:
        """Deterministic key: kind, subject, agency, addressee (escalations), scheduled day."""
        to = "" if self.to == TO_AGENCY else f":{self.to}"
        return f"{self.kind}:{self.subject}:a{self.agency_id}{to}:{self.day.isoformat()}"

    @property
    def foldable(self) -> bool:
        """Whether, left unsent, it folds into a status check: only items addressed to the agency
        about its own work (an FYI asks no status; an escalation's tasks are the agency's overdue
        items, folded already)."""
        return self.to == TO_AGENCY and self.kind != ReminderKind.FYI


class ItemBuilder:
    """Builds the items scheduled on or before ``until`` from a snapshot, rules and calendar."""

    def __init__(
        self,
        snapshot: PlanSnapshot,
        rules: ReminderRules,
        calendar: WorkingCalendar,
        until: date,
    ) -> None:
        self.snapshot = snapshot
        self.rules = rules
        self.calendar = calendar
        self.until = until
        self.office_id = snapshot.standing_office_id
        #: Past items that never fold (escalations, FYIs) matter only to wake a snoozed one.
        self.keep_past = bool(snapshot.snoozes)
        self._shifted: dict[tuple[date, int], date] = {}
        self._deadlines = {t.id: self._task_deadlines(t) for t in snapshot.tasks}

    def shift(self, day: date, working_days: int) -> date:
        """``calendar.add_working_days``, memoized: every agency of a task shares its dates."""
        key = (day, working_days)
        found = self._shifted.get(key)
        if found is None:
            found = self._shifted[key] = self.calendar.add_working_days(day, working_days)
        return found

    def all(self) -> Iterator[Item]:
        """Deadline, FYI, period and ad-hoc items with ``day`` ≤ ``until``, unfulfilled ones only
        (done, answered). Left out as well, being of no use on ``until``: pre-deadline items past
        their deadline, and — unless a snooze may wake one — escalations and FYIs of earlier days
        (never sent late, never folded)."""
        for task in self.snapshot.tasks:
            yield from self._task_items(task)
        for period in asked_periods(self.rules.campaign_start, self.rules.campaign_end):
            yield from self._period_items(period)
        for request in self.snapshot.adhoc:
            yield from self._adhoc_items(request)

    # -- task deadlines -------------------------------------------------------------------------

    def task_deadlines(self, task: TaskPlan) -> list[tuple[str, int, date, date | None]]:
        """The deadlines of ``task`` (see ``_task_deadlines``), computed once per run."""
        found = self._deadlines.get(task.id)
        return found if found is not None else self._task_deadlines(task)

    def _task_deadlines(self, task: TaskPlan) -> list[tuple[str, int, date, date | None]]:
        """(subject, reported occurrence, due, first day) of each deadline the rules follow.

        The reported occurrence is 0 for a single deadline or an activation (as replies store it).
        ``first day`` is the first sending day of an activation; earlier items move to it.
        """
        if task.on_event:
            if task.activated_due is None:
                return []  # silent until activated (issue 5)
            first = None
            if task.activated_at is not None:
                first = self.rules.next_sending_time(task.activated_at, self.calendar).date()
            subject = f"{task.code}#a{task.activated_due:%Y%m%d}"
            return [(subject, 0, task.activated_due, first)]
        single = len(task.deadlines) == 1
        return [
            (f"{task.code}#{occ}", 0 if single else occ, due, None) for occ, due in task.deadlines
        ]

    def _task_items(self, task: TaskPlan) -> Iterator[Item]:
        rules, cal = self.rules, self.calendar
        for subject, occ, due, first in self.task_deadlines(task):
            pre_days = {
                cal.on_or_before(due - timedelta(days=n)) for n in rules.deadline_days_before
            }
            if first is not None:
                # An activation is announced at its first sending time; earlier reminders move there.
                pre_days = (
                    {max(day, first) for day in pre_days} | {first} if first <= due else set()
                )
            # Pre-deadline items expire at the deadline: past it they are not even built.
            if due < self.until:
                pre_days = set()
            for agency in task.leads:
                if (task.id, agency, occ) in self.snapshot.done:
                    continue
                for day in pre_days:
                    if day <= self.until:
                        yield Item(
                            ReminderKind.DEADLINE, agency, day, subject, (task.id,), due, None, due
                        )
                yield from self._after_due(
                    agency, subject, (task.id,), due, None, {task.id: task.leader_position_id}
                )
            fyi_day = cal.on_or_before(due - timedelta(days=rules.fyi_days_before))
            if first is not None:
                fyi_day = max(fyi_day, first)
            if fyi_day <= min(self.until, due) and (fyi_day == self.until or self.keep_past):
                for agency in task.supports:
                    yield Item(
                        ReminderKind.FYI, agency, fyi_day, subject, (task.id,), due, None, due
                    )

    def _after_due(
        self,
        agency: int,
        subject: str,
        task_ids: tuple[int, ...],
        due: date,
        period: str | None,
        leaders: dict[int, int | None],
    ) -> Iterator[Item]:
        """Overdue items on the configured working days after ``due``, then the escalation: to
        each task's leader in charge, and to the standing office unless ``agency`` is it."""
        for n in self.rules.overdue_working_days:
            day = self.shift(due, n)
            if day > self.until:
                return
            yield Item(ReminderKind.OVERDUE, agency, day, subject, task_ids, due, period)
        day = self.shift(due, self.rules.escalation_working_day)
        if day > self.until or (day < self.until and not self.keep_past):
            return  # a past escalation is never sent late nor folded: not even built
        by_leader: dict[int, list[int]] = {}
        for task_id in task_ids:
            leader = leaders.get(task_id)
            if leader is not None:
                by_leader.setdefault(leader, []).append(task_id)
        for leader, ids in sorted(by_leader.items()):
            yield Item(
                ReminderKind.ESCALATION, agency, day, subject, tuple(ids), due, period,
                to=to_leader(leader), leader_position_id=leader,
            )  # fmt: skip
        if self.office_id is not None and agency != self.office_id:
            yield Item(
                ReminderKind.ESCALATION, agency, day, subject, task_ids, due, period, to=TO_OFFICE
            )

    # -- periodic reports -----------------------------------------------------------------------

    def _period_items(self, period: ReportingPeriod) -> Iterator[Item]:
        rules, cal = self.rules, self.calendar
        due = period.due(cal, rules.period_due_working_days)
        pre_days = sorted({cal.add_working_days(due, -rules.period_working_days_before), due})
        if pre_days[0] > self.until:
            return
        same = {p.id for p in periods_at_cutoff(period.end)} | {period.id}
        leaders = {t.id: t.leader_position_id for t in self.snapshot.tasks}
        if due < self.until:
            pre_days = []  # expired
        for agency, task_ids in self._active_tasks(period, same).items():
            for day in pre_days:
                if day <= self.until:
                    yield Item(
                        ReminderKind.PERIOD, agency, day, period.id, task_ids, due, period.id, due
                    )
            yield from self._after_due(agency, period.id, task_ids, due, period.id, leaders)

    def _active_tasks(self, period: ReportingPeriod, same: set[str]) -> dict[int, tuple[int, ...]]:
        """Lead agency → its tasks active in ``period`` and not yet answered for it, in plan order.

        Active (DOMAIN.md, "Replies and periods"): ongoing, its window overlaps the data range, a
        deadline inside the range, or a deadline before it not reported done by that agency.
        """
        snap = self.snapshot
        result: dict[int, list[int]] = {}
        for task in snap.tasks:
            deadlines = self.task_deadlines(task)
            if task.on_event and not deadlines:
                continue
            dues = [due for _s, _o, due, _f in deadlines]
            always = (
                task.ongoing
                or any(period.contains(due) for due in dues)
                or (
                    task.window_start is not None
                    and bool(dues)
                    and period.overlaps(task.window_start, max(dues))
                )
            )
            before = [occ for _s, occ, due, _f in deadlines if due < period.start]
            for agency in task.leads:
                active = always or any((task.id, agency, occ) not in snap.done for occ in before)
                if not active:
                    continue
                if snap.answered and any((task.id, agency, p) in snap.answered for p in same):
                    continue
                result.setdefault(agency, []).append(task.id)
        return {agency: tuple(ids) for agency, ids in result.items()}

    # -- ad-hoc requests ------------------------------------------------------------------------

    def _adhoc_items(self, request: AdhocPlan) -> Iterator[Item]:
        rules, cal = self.rules, self.calendar
        first = rules.next_sending_time(request.requested_at, cal).date()
        if first > self.until:
            return
        pid = adhoc_period_id(request.id)
        due = request.due
        pre_days = {first}
        if first <= due:
            pre_days |= {
                cal.add_working_days(due, -rules.period_working_days_before),
                cal.on_or_before(due),
            }
        for agency in request.agency_ids:
            if (request.id, agency) in self.snapshot.adhoc_answered:
                continue
            for day in pre_days:
                if first <= day <= self.until:
                    yield Item(ReminderKind.ADHOC, agency, day, pid, (), due, pid, max(due, first))
            yield from self._after_due(agency, pid, (), due, pid, {})
