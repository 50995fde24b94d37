"""The preview of one planner run as the entries ``python -m bot reminders preview --json`` prints.

Format (issue 5, "CLI" — other tools rely on it): a list sorted by agency (canonical name, plain
Unicode order), then kind in ``ReminderKind`` order, then period, of ``{"at", "agency",
"contacts": [{"telegram_id", "name"}], "kind", "tasks": [codes in plan order], "period"}`` — one
entry per (agency, kind, period); an escalation entry has an extra ``leader`` key (one entry per
leader position in charge of the late tasks).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.planner import Reminder
from scheduler.rules import KIND_ORDER, ReminderKind
from scheduler.snapshot import PlanSnapshot


def preview_entries(
    reminders: Sequence[Reminder], snapshot: PlanSnapshot, tz: ZoneInfo
) -> list[dict[str, Any]]:
    """Group ``reminders`` into preview entries (see the module docstring).

    Escalation copies to the leader and to the standing office merge into one entry per leader
    position (contacts: the leader's, then the standing office's); tasks without a leader in
    charge (and ad-hoc requests) get ``leader: null``. Times are ISO-8601 in ``tz``.
    """
    positions = {t.code: t.position for t in snapshot.tasks}
    task_leader = {
        t.code: snapshot.leaders.get(t.leader_position_id) if t.leader_position_id else None
        for t in snapshot.tasks
    }
    groups: dict[tuple[str, str, str | None, str | None], dict[str, Any]] = {}
    for reminder in sorted(reminders, key=lambda r: r.sort_key):
        if reminder.kind == ReminderKind.ESCALATION and reminder.leader is None:
            # The standing office's copy joins the entry of each task's leader in charge.
            by_leader: dict[str | None, list[str]] = {}
            for code in reminder.tasks:
                by_leader.setdefault(task_leader.get(code), []).append(code)
            parts = list(by_leader.items()) or [(None, [])]
        else:
            parts = [(reminder.leader, list(reminder.tasks))]
        for leader, codes in parts:
            entry = _entry(groups, reminder, leader, tz)
            seen = {c["telegram_id"] for c in entry["contacts"]}
            for recipient in reminder.recipients:
                if recipient.contact_id is not None and recipient.chat_id not in seen:
                    entry["contacts"].append(
                        {"telegram_id": recipient.chat_id, "name": recipient.name}
                    )
                    seen.add(recipient.chat_id)
            entry["tasks"].extend(code for code in codes if code not in entry["tasks"])
    for entry in groups.values():
        entry["tasks"].sort(key=lambda code: positions.get(code, 0))
    return sorted(
        groups.values(),
        key=lambda e: (
            e["agency"],
            KIND_ORDER[ReminderKind(e["kind"])],
            e["period"] or "",
            e.get("leader") or "",
        ),
    )


def _entry(
    groups: dict[tuple[str, str, str | None, str | None], dict[str, Any]],
    reminder: Reminder,
    leader: str | None,
    tz: ZoneInfo,
) -> dict[str, Any]:
    group_key = (reminder.agency, str(reminder.kind), reminder.period, leader)
    entry = groups.get(group_key)
    if entry is None:
        entry = {
            "at": _iso(reminder.scheduled_at, tz),
            "agency": reminder.agency,
            "contacts": [],
            "kind": str(reminder.kind),
            "tasks": [],
            "period": reminder.period,
        }
        if reminder.kind == ReminderKind.ESCALATION:
            entry["leader"] = leader
        groups[group_key] = entry
    return entry


def _iso(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="minutes")
