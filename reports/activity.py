"""Which tasks a period asks about, which deadlines are overdue, which periods feed a report.

Rules: DOMAIN.md, "Replies and periods" — a task is active in a period when it is ongoing, its
window overlaps the period's data range, it has a deadline inside that range, or a deadline before
it not yet reported done; an on-event task counts only once the standing office activated it. A
deadline given as a month ("Tháng 11/2026", stored as its last day) spans that whole month.
A task with one deadline is answered with occurrence 0; with several, with the deadline's number.
"""

from __future__ import annotations

import calendar as _calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from models.progress import ProgressStatus
from reports.summary import OverdueTask, nfc
from scheduler.periods import CUTOFF_DAY, ReportingPeriod, periods_at_cutoff

#: (task id, agency id) → the occurrences that agency reported done.
Done = dict[tuple[int, int], set[int]]

#: ``task_rule`` results: nobody asked, every lead asked, leads with an undone past deadline.
NOT_ASKED, ALL_LEADS, UNDONE_LEADS = 0, 1, 2


@dataclass(frozen=True, slots=True)
class TaskFacts:
    """What the report's rules read of a task: read once per report as plain rows (no ORM).

    ``leads``: lead agency ids (groups left out) in the document's order. ``deadlines``: (reply
    occurrence, due date) — occurrence 0 for a task with one deadline, else the deadline's number;
    an activated on-event task without deadlines has its activated due date as occurrence 0.
    ``activated_at`` is aware UTC (naive UTC from SQLite).
    """

    id: int
    code: str
    position: int
    section_id: int
    content: str
    timeline: str
    leads: tuple[int, ...]
    deadlines: tuple[tuple[int, date], ...]
    ongoing: bool = False
    window_start: date | None = None
    on_event: str | None = None
    activated_at: datetime | None = None

    @property
    def not_activated(self) -> bool:
        """An on-event task the standing office has not activated yet."""
        return bool(self.on_event) and self.activated_at is None


def deadlines_of(
    deadlines: Sequence[tuple[int, date]], on_event: str | None, activated_due: date | None
) -> tuple[tuple[int, date], ...]:
    """(reply occurrence, due) from the task's (occurrence, due) rows, an activated on-event due
    date included (module docstring)."""
    found = tuple(
        (0 if len(deadlines) <= 1 else occurrence, due) for occurrence, due in sorted(deadlines)
    )
    if on_event and activated_due and not found:
        return ((0, activated_due),)
    return found


def done_occurrences(replies: Iterable[tuple[int, int, int, ProgressStatus]]) -> Done:
    """From (task id, agency id, occurrence, status) rows: what each agency reported done."""
    done: Done = defaultdict(set)
    for task_id, agency_id, occurrence, status in replies:
        if status == ProgressStatus.DONE:
            done[(task_id, agency_id)].add(occurrence)
    return done


def due_for(task: TaskFacts, period: ReportingPeriod) -> date | None:
    """The task's first deadline on or after the period's start, else its last one (None: none)."""
    dues = sorted(due for _occurrence, due in task.deadlines)
    return next((due for due in dues if due >= period.start), dues[-1] if dues else None)


def _month_start(due: date) -> date:
    """The 1st of ``due``'s month when ``due`` is a month's last day (a month deadline), else due."""
    if due.day == _calendar.monthrange(due.year, due.month)[1]:
        return due.replace(day=1)
    return due


def task_rule(task: TaskFacts, period: ReportingPeriod) -> int:
    """Which lead agencies ``period`` asks about ``task`` (module docstring): ``NOT_ASKED``,
    ``ALL_LEADS``, or ``UNDONE_LEADS`` — those with a deadline before the period not reported
    done (``is_active`` decides per agency)."""
    if task.on_event:
        activated = task.activated_at
        if activated is None or activated.date() > period.end:
            return NOT_ASKED
    if task.ongoing:
        asked = task.window_start is None or task.window_start <= period.end
        return ALL_LEADS if asked else NOT_ASKED
    dues = task.deadlines
    if task.window_start and dues:
        if period.overlaps(task.window_start, max(d for _o, d in dues)):
            return ALL_LEADS
    for _occurrence, due in dues:
        if period.overlaps(_month_start(due), due):
            return ALL_LEADS
    if task.on_event and not dues:
        return ALL_LEADS
    return UNDONE_LEADS


def is_active(
    task: TaskFacts, agency_id: int, period: ReportingPeriod, done: Done, rule: int | None = None
) -> bool:
    """True when ``agency_id`` (a lead) is asked about ``task`` in ``period`` (module docstring).

    ``rule``: ``task_rule(task, period)`` when the caller has it already.
    """
    if rule is None:
        rule = task_rule(task, period)
    if rule != UNDONE_LEADS:
        return rule == ALL_LEADS
    reported = done.get((task.id, agency_id), ())
    return any(
        due < period.start and occurrence not in reported for occurrence, due in task.deadlines
    )


def overdue(
    tasks: Sequence[TaskFacts], as_of: date, done: Done, agencies: dict[int, str]
) -> list[OverdueTask]:
    """Deadlines before ``as_of`` not reported done, with the days overdue at ``as_of``."""
    found = []
    for task in tasks:
        if task.not_activated:
            continue
        for occurrence, due in task.deadlines:
            if due >= as_of:
                continue
            late = [agencies[a] for a in task.leads if occurrence not in done.get((task.id, a), ())]
            if late:
                found.append(
                    OverdueTask(task.code, nfc(task.content), due, (as_of - due).days, late)
                )
    return sorted(found, key=lambda o: (-o.days_overdue, o.code))


def regular_ids_until(start: date, end: date) -> dict[str, date]:
    """Every regular period id with a cut-off in [start, end], mapped to its cut-off."""
    result: dict[str, date] = {}
    year, month = start.year, start.month
    while True:
        cutoff = date(year, month, CUTOFF_DAY)
        if cutoff > end:
            return result
        if cutoff >= start:
            for period in periods_at_cutoff(cutoff):
                result[period.id] = cutoff
        month += 1
        if month == 13:
            year, month = year + 1, 1
