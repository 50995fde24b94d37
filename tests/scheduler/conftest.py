"""Helpers for the planner tests: run the planner at a local moment and read its entries."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from scheduler.planner import Reminder, plan_reminders
from scheduler.preview import preview_entries
from scheduler.rules import ReminderRules
from scheduler.snapshot import PlanSnapshot
from tests.scheduler import handplan

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RULES = ReminderRules()


def at(text: str) -> datetime:
    """An aware moment from "2026-11-27 08:00" in Asia/Ho_Chi_Minh (the injected clock)."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def run(snapshot: PlanSnapshot, moment: str, rules: ReminderRules = RULES) -> list[Reminder]:
    """The planner's reminders at ``moment`` (local time)."""
    return plan_reminders(snapshot, rules, at(moment))


def entries(
    snapshot: PlanSnapshot, moment: str, rules: ReminderRules = RULES
) -> list[dict[str, Any]]:
    """The preview entries at ``moment``."""
    return preview_entries(run(snapshot, moment, rules), snapshot, TZ)


def brief(items: list[dict[str, Any]], kinds: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    """(agency, kind, period, tasks[, leader, contacts' telegram ids]) of entries, optionally only
    of some kinds."""
    out: list[tuple[Any, ...]] = []
    for e in items:
        if kinds and e["kind"] not in kinds:
            continue
        row: tuple[Any, ...] = (e["agency"], e["kind"], e["period"], e["tasks"])
        if e["kind"] == "escalation":
            row += (e["leader"], [c["telegram_id"] for c in e["contacts"]])
        out.append(row)
    return out


def simulate(snapshot: PlanSnapshot, first: str, last: str) -> dict[str, list[Reminder]]:
    """Run the planner at 08:00 of every day ``first``…``last`` (ISO dates), recording every
    reminder's key and covered keys as sent (what ``write_outbox`` would store); day → reminders."""
    result: dict[str, list[Reminder]] = {}
    sent = set(snapshot.sent)
    day, end = date.fromisoformat(first), date.fromisoformat(last)
    while day <= end:
        reminders = run(replace(snapshot, sent=frozenset(sent)), f"{day.isoformat()} 08:00")
        result[day.isoformat()] = reminders
        for reminder in reminders:
            sent.add(reminder.key)
            sent.update(reminder.covers)
        day += timedelta(days=1)
    return result


@pytest.fixture(params=["imported", "hand"])
def plan_source(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a planner test on the real plan imported by plan.importer, then on the hand-written
    plan (the same document, read by hand) — both must give the hand-worked answers."""
    handplan.SOURCE["name"] = request.param
    yield str(request.param)
    handplan.SOURCE["name"] = "hand"


def shown(lines: tuple[str, ...]) -> list[tuple[str, str | None]]:
    """(task code, deadline phrase) of a reminder's lines — the title in between is left out."""
    return [
        (line.split(". ", 1)[0], line.rsplit(" — ", 1)[1] if " — " in line else None)
        for line in lines
    ]
