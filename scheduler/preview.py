"""The preview of one planner run as the entries ``python -m bot reminders preview --json`` prints.

Format (issue 5, "CLI" — other tools rely on it): a list sorted by agency (canonical name, plain
Unicode order), then kind in ``ReminderKind`` order, then period, of ``{"at", "agency",
"contacts": [{"telegram_id", "name"}], "kind", "tasks": [codes in plan order], "period"}`` — one
entry per (agency, kind, period), present even when nobody is bound (``contacts`` empty). An
escalation entry has an extra ``leader`` key naming the leader position in charge of the late
tasks (``null`` when none, e.g. an ad-hoc request; when a period's late tasks have several leaders,
their titles in plan order joined by "; "); its contacts are the leaders', then the standing
office's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from locales import N_, _
from scheduler.planner import Reminder
from scheduler.rules import KIND_ORDER, ReminderKind
from scheduler.snapshot import PlanSnapshot

LEADER_SEPARATOR = "; "

#: Vietnamese names of the reminder kinds in the preview's text lines (JSON keeps the values).
KIND_LABELS = {
    ReminderKind.DEADLINE: N_("sắp đến hạn"),
    ReminderKind.OVERDUE: N_("quá hạn"),
    ReminderKind.ESCALATION: N_("đôn đốc"),
    ReminderKind.FYI: N_("để biết"),
    ReminderKind.PERIOD: N_("báo cáo định kỳ"),
    ReminderKind.STATUS_CHECK: N_("xác nhận tình trạng"),
    ReminderKind.ADHOC: N_("báo cáo đột xuất"),
}


def preview_entries(
    reminders: Sequence[Reminder], snapshot: PlanSnapshot, tz: ZoneInfo
) -> list[dict[str, Any]]:
    """Group ``reminders`` into preview entries (see the module docstring). Times are ISO-8601
    in ``tz``."""
    positions = {t.code: t.position for t in snapshot.tasks}
    groups: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    leaders: dict[tuple[str, str, str | None], dict[str, int]] = {}

    # Leader copies before the standing office's, so an entry lists the leaders' contacts first.
    def order(r: Reminder) -> tuple[object, ...]:
        first_task = min((positions.get(c, 0) for c in r.tasks), default=0)
        return (r.sort_key[:3], r.leader is None, first_task, r.key)

    for reminder in sorted(reminders, key=order):
        group_key = (reminder.agency, str(reminder.kind), reminder.period)
        entry = groups.get(group_key)
        if entry is None:
            entry = groups[group_key] = {
                "at": reminder.scheduled_at.astimezone(tz).isoformat(timespec="minutes"),
                "agency": reminder.agency,
                "contacts": [],
                "kind": str(reminder.kind),
                "tasks": [],
                "period": reminder.period,
            }
            if reminder.kind == ReminderKind.ESCALATION:
                entry["leader"] = None
                leaders[group_key] = {}
        if reminder.leader is not None:
            first_task = min((positions.get(c, 0) for c in reminder.tasks), default=0)
            known = leaders[group_key]
            known[reminder.leader] = min(known.get(reminder.leader, first_task), first_task)
        seen = {c["telegram_id"] for c in entry["contacts"]}
        for recipient in reminder.recipients:
            if recipient.contact_id is not None and recipient.chat_id not in seen:
                entry["contacts"].append({"telegram_id": recipient.chat_id, "name": recipient.name})
                seen.add(recipient.chat_id)
        entry["tasks"].extend(code for code in reminder.tasks if code not in entry["tasks"])
    for group_key, entry in groups.items():
        entry["tasks"].sort(key=lambda code: positions.get(code, 0))
        if leaders.get(group_key):
            ordered = sorted(leaders[group_key], key=lambda title: leaders[group_key][title])
            entry["leader"] = LEADER_SEPARATOR.join(ordered)
    return sorted(
        groups.values(),
        key=lambda e: (e["agency"], KIND_ORDER[ReminderKind(e["kind"])], e["period"] or ""),
    )


def preview_lines(entries: Sequence[dict[str, Any]]) -> list[str]:
    """The text form of ``preview_entries``: one Vietnamese line per entry, ``agency: kind
    [period] → leader: tasks (Telegram ids)``, or one line saying nothing is due."""
    if not entries:
        return [_("không có gì cần gửi vào thời điểm này")]
    lines = []
    for entry in entries:
        ids = ", ".join(str(c["telegram_id"]) for c in entry["contacts"])
        contacts = ids or _("chưa có cán bộ đầu mối")
        tasks = ", ".join(entry["tasks"]) or "-"
        period = f" [{entry['period']}]" if entry["period"] else ""
        leader = f" → {entry['leader']}" if entry.get("leader") else ""
        kind = _(KIND_LABELS[ReminderKind(entry["kind"])])
        lines.append(f"{entry['agency']}: {kind}{period}{leader}: {tasks} ({contacts})")
    return lines
