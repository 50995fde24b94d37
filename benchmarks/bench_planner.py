"""Benchmark: the planner's time for 10,000 contacts × 25 tasks (issue 5: aim ≤ 1 s per run).

Run: ``/work/venv/bin/python benchmarks/bench_planner.py`` (prints the figures; not a test).

Two synthetic plans, both 25 tasks shaped like the real plan's (deadlines spread over May 2026 –
July 2027, some ongoing, windows, a second occurrence) and 10,000 contacts:
- ``spread``: 1,000 agencies × 10 contacts; each task led by 40 agencies, supported by 100;
- ``dense``: 500 agencies × 20 contacts; every agency leads every task (the worst case).
Each is planned at three moments: a fresh import on 27/11/2026 (nothing sent: every agency's
passed items fold into a status check — the heaviest run), an ordinary running day (everything
before it sent) and the 2026 yearly report's due date. Times are the median of 5 runs of
``plan_reminders`` (pure: the database load is not included), wall-clock and CPU.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduler.planner import plan_reminders
from scheduler.rules import ReminderRules
from scheduler.snapshot import AgencyRef, ContactRef, PlanSnapshot, TaskPlan

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RULES = ReminderRules()
DUES = [
    date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31),
    date(2026, 11, 30), date(2027, 2, 8), date(2027, 5, 31), date(2027, 7, 31),
]  # fmt: skip


def build(agencies: int, contacts_per_agency: int, leads: int, supports: int) -> PlanSnapshot:
    """A synthetic snapshot (ids from 1; agency 1 is the standing office)."""
    agency_refs = {i: AgencyRef(i, f"Cơ quan {i:05d}", i == 1) for i in range(1, agencies + 1)}
    tasks = []
    for n in range(25):
        lead_ids = tuple(1 + (n * 37 + k) % agencies for k in range(leads))
        support_ids = tuple(
            a for a in (1 + (n * 53 + 7 * k + 11) % agencies for k in range(supports))
            if a not in lead_ids
        )  # fmt: skip
        deadlines = ((1, DUES[n % len(DUES)]),)
        if n % 5 == 0:
            deadlines += ((2, date(2027, 5, 31)),)
        tasks.append(
            TaskPlan(
                id=n + 1, code=f"{n // 3 + 1}{'abc'[n % 3]}", position=n,
                title=f"Nhiệm vụ số {n + 1} của Chiến dịch 500 ngày đêm", leads=lead_ids,
                supports=tuple(dict.fromkeys(support_ids)),
                deadlines=() if n % 7 == 3 else deadlines, ongoing=n % 4 == 0,
                window_start=date(2026, 5, 1) if n % 6 == 1 else None,
                leader_position_id=1 + n % 3,
            )
        )  # fmt: skip
    contacts = tuple(
        ContactRef(a * 100 + k, 10_000_000 + a * 100 + k, f"Cán bộ {a}-{k}", a, None)
        for a in agency_refs
        for k in range(contacts_per_agency)
    ) + tuple(ContactRef(n, 20_000_000 + n, f"Lãnh đạo {n}", None, n) for n in (1, 2, 3))
    leaders = {1: "Trưởng Ban", 2: "Phó Trưởng ban Thường trực", 3: "Phó Trưởng Ban"}
    return PlanSnapshot(1, agency_refs, tuple(tasks), contacts, leaders)


def median_seconds(
    snapshot: PlanSnapshot, moment: datetime, runs: int = 5
) -> tuple[float, float, int, int]:
    """Median wall-clock and CPU seconds of ``runs`` planner runs, reminders and outbox rows."""
    walls, cpus, count, rows = [], [], 0, 0
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        reminders = plan_reminders(snapshot, RULES, moment)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        count, rows = len(reminders), sum(len(r.recipients) for r in reminders)
    return statistics.median(walls), statistics.median(cpus), count, rows


def sent_before(snapshot: PlanSnapshot, day: date) -> PlanSnapshot:
    """The snapshot with every item of the working days before ``day`` sent (a running bot)."""
    sent: set[str] = set()
    moment = datetime(2026, 11, 2, 8, 0, tzinfo=TZ)
    while moment.date() < day:
        for reminder in plan_reminders(replace(snapshot, sent=frozenset(sent)), RULES, moment):
            sent.add(reminder.key)
            sent.update(reminder.covers)
        moment += timedelta(days=1)
    return replace(snapshot, sent=frozenset(sent))


def report(label: str, wall: float, cpu: float, count: int, rows: int) -> None:
    print(
        f"  {label}: {wall * 1000:7.1f} ms wall, {cpu * 1000:7.1f} ms CPU "
        f"({count:,} reminders, {rows:,} outbox rows)"
    )


def main() -> None:
    scenarios = {
        "spread (1,000 agencies × 10 contacts, 40 leads/task)": build(1000, 10, 40, 100),
        "dense (500 agencies × 20 contacts, all lead every task)": build(500, 20, 500, 0),
    }
    print(f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    plan_reminders(build(2, 1, 1, 0), RULES, datetime(2026, 11, 27, 8, 0, tzinfo=TZ))  # warm-up
    for name, snapshot in scenarios.items():
        print(f"\n{name}: {len(snapshot.contacts):,} contacts, {len(snapshot.tasks)} tasks")
        fresh = datetime(2026, 11, 27, 8, 0, tzinfo=TZ)
        report("fresh import, 27/11/2026 08:00", *median_seconds(snapshot, fresh))
        for day in (date(2026, 11, 30), date(2026, 12, 16)):
            running = sent_before(snapshot, day)
            moment = datetime.combine(day, RULES.send_time, tzinfo=TZ)
            report(f"running bot, {day:%d/%m/%Y} 08:00", *median_seconds(running, moment))


if __name__ == "__main__":
    main()
