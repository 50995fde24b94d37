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
from datetime import date

from models.plan import Task, TaskRole
from models.progress import ProgressStatus
from reports.summary import OverdueTask, nfc
from scheduler.periods import CUTOFF_DAY, ReportingPeriod, periods_at_cutoff

#: (task id, agency id) → the occurrences that agency reported done.
Done = dict[tuple[int, int], set[int]]


def lead_agency_ids(task: Task) -> list[int]:
    """The task's lead agencies (groups left out), in the document's order."""
    return [
        a.agency_id
        for a in sorted(task.assignments, key=lambda a: a.position)
        if a.role == TaskRole.LEAD and a.agency_id is not None
    ]


def done_occurrences(replies: Iterable[tuple[int, int, int, ProgressStatus]]) -> Done:
    """From (task id, agency id, occurrence, status) rows: what each agency reported done."""
    done: Done = defaultdict(set)
    for task_id, agency_id, occurrence, status in replies:
        if status == ProgressStatus.DONE:
            done[(task_id, agency_id)].add(occurrence)
    return done


def deadlines(task: Task) -> list[tuple[int, date]]:
    """(reply occurrence, due date) of the task, an activated on-event due date included."""
    found = [
        (0 if len(task.deadlines) <= 1 else d.occurrence, d.due)
        for d in sorted(task.deadlines, key=lambda d: d.occurrence)
    ]
    schedule = task.schedule
    if schedule and schedule.on_event and schedule.activated_due and not found:
        found.append((0, schedule.activated_due))
    return found


def due_for(task: Task, period: ReportingPeriod) -> date | None:
    """The task's first deadline on or after the period's start, else its last one (None: none)."""
    dues = sorted(due for _occurrence, due in deadlines(task))
    return next((due for due in dues if due >= period.start), dues[-1] if dues else None)


def _month_start(due: date) -> date:
    """The 1st of ``due``'s month when ``due`` is a month's last day (a month deadline), else due."""
    if due.day == _calendar.monthrange(due.year, due.month)[1]:
        return due.replace(day=1)
    return due


def is_active(task: Task, agency_id: int, period: ReportingPeriod, done: Done) -> bool:
    """True when ``agency_id`` (a lead) is asked about ``task`` in ``period`` (module docstring)."""
    schedule = task.schedule
    if schedule and schedule.on_event:
        activated = schedule.activated_at
        if activated is None or activated.date() > period.end:
            return False
    if schedule and schedule.ongoing:
        return schedule.window_start is None or schedule.window_start <= period.end
    dues = deadlines(task)
    if schedule and schedule.window_start and dues:
        if period.overlaps(schedule.window_start, max(d for _o, d in dues)):
            return True
    reported = done.get((task.id, agency_id), set())
    for occurrence, due in dues:
        if period.overlaps(_month_start(due), due):
            return True
        if due < period.start and occurrence not in reported:
            return True
    return bool(schedule and schedule.on_event and not dues)


def overdue(
    tasks: Sequence[Task], as_of: date, done: Done, agencies: dict[int, str]
) -> list[OverdueTask]:
    """Deadlines before ``as_of`` not reported done, with the days overdue at ``as_of``."""
    found = []
    for task in tasks:
        if task.schedule and task.schedule.on_event and task.schedule.activated_at is None:
            continue
        for occurrence, due in deadlines(task):
            if due >= as_of:
                continue
            late = [
                agencies[a]
                for a in lead_agency_ids(task)
                if occurrence not in done.get((task.id, a), set())
            ]
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
