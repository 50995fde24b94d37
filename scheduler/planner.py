"""The reminder planner: what goes out at the current sending time, to whom (issue 5).

Pure and deterministic: ``plan_reminders(snapshot, rules, now)`` reads no clock and no database.
Run it at any moment; it returns the reminders due at the sending time that has come (nothing
outside a working day's [send_time, office_hours_end)). Each ``Reminder`` carries a deterministic
key; ``scheduler.outbox.write_outbox`` stores one row per (key, recipient), so running it twice
sends nothing twice (DESIGN.md decision 1).

Staleness (issue 5): items scheduled for today go out as themselves; every unexpired item scheduled
on an earlier day and never sent folds into one status check per agency, leaving out the subjects
and tasks that have a current item of their own. A snoozed item ("Nhắc lại sau") goes out again to
that contact at the sending time of the day its snooze ends (a snooze whose day passed while no
planner ran is not replayed late; a snoozed status check is not replayed: its items were asked).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime

from scheduler.calendar import WorkingCalendar
from scheduler.items import TO_AGENCY, TO_OFFICE, Item, ItemBuilder
from scheduler.periods import adhoc_request_id
from scheduler.rules import KIND_ORDER, ReminderKind, ReminderRules
from scheduler.snapshot import ContactRef, PlanSnapshot
from scheduler.texts import header, task_line


@dataclass(frozen=True)
class Recipient:
    """Where a reminder goes: a contact (``contact_id`` set) or a bound group chat (None)."""

    chat_id: int
    name: str
    contact_id: int | None = None


@dataclass(frozen=True)
class Reminder:
    """One reminder due now, to ``recipients`` (possibly none: the agency has no bound contact).

    ``agency`` is the agency it concerns (for an escalation, the late agency); ``leader`` names the
    leader position an escalation goes to. ``tasks`` are task codes in plan order. ``covers`` lists
    the keys a status check folds, ``requests`` the ad hoc requests it folds (their ids, in the
    order of its lines). ``scheduled_at`` is the sending time (aware, plan time zone).
    """

    key: str
    kind: ReminderKind
    agency_id: int
    agency: str
    scheduled_at: datetime
    tasks: tuple[str, ...]
    period: str | None
    due: date | None
    recipients: tuple[Recipient, ...]
    leader: str | None
    header: str
    lines: tuple[str, ...]
    covers: tuple[str, ...] = ()
    requests: tuple[int, ...] = ()

    @property
    def sort_key(self) -> tuple[str, int, str, str, str]:
        """Agency name (plain Unicode order), kind (issue order), period, leader, key."""
        return (self.agency, KIND_ORDER[self.kind], self.period or "", self.leader or "", self.key)

    def payload(self) -> dict[str, object]:
        """What the outbox row keeps for the sender (JSON-serializable)."""
        return {
            "kind": str(self.kind),
            "agency": self.agency,
            "tasks": list(self.tasks),
            "period": self.period,
            "due": self.due.isoformat() if self.due else None,
            "leader": self.leader,
            "header": self.header,
            "lines": list(self.lines),
            "covers": list(self.covers),
            # Read by scheduler.reminder_text: a "Báo cáo ngay" button per folded request.
            "requests": list(self.requests),
        }


def plan_reminders(
    snapshot: PlanSnapshot,
    rules: ReminderRules,
    now: datetime,
    calendar: WorkingCalendar | None = None,
) -> list[Reminder]:
    """The reminders due at ``now`` (aware), sorted by ``Reminder.sort_key``.

    ``rules`` are the bot's settings; the plan's own settings in the snapshot override them
    (``ReminderRules.with_plan_settings``). ``calendar`` defaults to the VN calendar with the
    snapshot's overrides. Raises ``ValueError`` for a naive ``now``.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    rules = rules.with_plan_settings(snapshot.settings)
    cal = calendar if calendar is not None else WorkingCalendar(snapshot.overrides)
    today = rules.current_sending_day(now, cal)
    if today is None:
        return []
    return _Planner(snapshot, rules, cal, now, today).run()


#: Separates a snoozed item's key from the day it goes out again (``…:2026-11-23~2026-11-25``).
WAKE_SEPARATOR = "~"


class _Planner:
    def __init__(
        self,
        snapshot: PlanSnapshot,
        rules: ReminderRules,
        calendar: WorkingCalendar,
        now: datetime,
        today: date,
    ) -> None:
        self.snap, self.rules, self.now, self.today = snapshot, rules, now, today
        self.sending_at = rules.sending_time(today)
        self.tasks = {t.id: t for t in snapshot.tasks}
        self.by_agency: dict[int, list[ContactRef]] = defaultdict(list)
        self.by_leader: dict[int, list[ContactRef]] = defaultdict(list)
        for contact in snapshot.contacts:
            if contact.agency_id is not None:
                self.by_agency[contact.agency_id].append(contact)
            if contact.leader_position_id is not None:
                self.by_leader[contact.leader_position_id].append(contact)
        self.snoozed_now: dict[str, set[int]] = defaultdict(set)
        self.wake_today: list[tuple[int, str]] = []
        for snooze in snapshot.snoozes:
            if snooze.until > now:
                self.snoozed_now[snooze.key].add(snooze.contact_id)
            elif snooze.until.astimezone(rules.tz).date() == today:
                self.wake_today.append((snooze.contact_id, snooze.key))
        self.items = [
            item
            for item in ItemBuilder(snapshot, rules, calendar, today).all()
            if item.expires is None or item.expires >= today
        ]
        sent = snapshot.sent
        # Each key is built once: the fresh-import run handles tens of thousands of items.
        self.unsent = [(item, key) for item in self.items if (key := item.key) not in sent]
        self.recipient = {c.id: _recipient(c) for c in snapshot.contacts}
        self.office_role = [self.recipient[c.id] for c in snapshot.contacts if c.standing_office]
        self.agency_recipients = {
            agency: tuple(self.recipient[c.id] for c in contacts)
            for agency, contacts in self.by_agency.items()
        }

    def run(self) -> list[Reminder]:
        current = [i for i, _key in self.unsent if i.day == self.today]
        result = [self._reminder(item) for item in current]
        checks, absorbed = self._status_checks(current)
        # Stale items left out of the status check (a current reminder of the agency speaks for
        # them) are recorded as covered by that reminder, so a later run does not fold them.
        for index, reminder in enumerate(result):
            extra = absorbed.pop(reminder.agency_id, None)
            if extra and reminder.kind != ReminderKind.ESCALATION:
                result[index] = replace(reminder, covers=tuple(sorted(extra)))
        result += checks
        result += self._snooze_wakeups(current)
        result.sort(key=lambda r: r.sort_key)
        return result

    def _status_checks(self, current: list[Item]) -> tuple[list[Reminder], dict[int, list[str]]]:
        """One status check per agency with stale items, and per agency the stale keys that a
        current reminder of its own speaks for instead."""
        own_subjects = {(i.agency_id, i.subject) for i in current if i.to == TO_AGENCY}
        own_tasks = {(i.agency_id, t) for i in current if i.to == TO_AGENCY for t in i.task_ids}
        stale: dict[int, list[tuple[Item, str]]] = defaultdict(list)
        absorbed: dict[int, list[str]] = defaultdict(list)
        for item, key in self.unsent:
            if item.day < self.today and item.foldable:
                if (item.agency_id, item.subject) in own_subjects:
                    absorbed[item.agency_id].append(key)
                else:
                    stale[item.agency_id].append((item, key))
        result = []
        for agency_id, pairs in stale.items():
            items = [item for item, _key in pairs]
            task_ids = sorted(
                {t for i in items for t in i.task_ids if (agency_id, t) not in own_tasks},
                key=lambda t: self.tasks[t].position,
            )
            adhoc = sorted({(i.subject, i.due) for i in items if not i.task_ids})
            if not task_ids and not adhoc:
                absorbed[agency_id].extend(key for _item, key in pairs)
                continue
            key = f"{ReminderKind.STATUS_CHECK}:a{agency_id}:{self.today.isoformat()}"
            lines = [
                task_line(self.tasks[t].code, self.tasks[t].title, None, self.today)
                for t in task_ids
            ]
            lines += [self._adhoc_line(subject, due) for subject, due in adhoc]
            requests = tuple(
                r for subject, _due in adhoc if (r := adhoc_request_id(subject)) is not None
            )
            result.append(
                self._make(
                    key, ReminderKind.STATUS_CHECK, agency_id, tuple(task_ids), None, None,
                    self._agency_recipients(agency_id, key), None, lines,
                    covers=tuple(sorted(key for _item, key in pairs)), requests=requests,
                )
            )  # fmt: skip
        return result, absorbed

    def _snooze_wakeups(self, current: list[Item]) -> list[Reminder]:
        if not self.wake_today:
            return []
        by_key = {i.key: i for i in self.items}
        own = {(i.agency_id, i.subject) for i in current}
        contacts = {c.id: c for c in self.snap.contacts}
        result = []
        for contact_id, key in self.wake_today:
            # A woken item snoozed again carries its wake-up suffix: find the original.
            base = key.split(WAKE_SEPARATOR, 1)[0]
            item = by_key.get(base)
            contact = contacts.get(contact_id)
            if item is None or contact is None or (item.agency_id, item.subject) in own:
                continue  # fulfilled, expired, or superseded by today's own reminder
            again = f"{base}{WAKE_SEPARATOR}{self.today.isoformat()}"
            result.append(self._reminder(item, key=again, recipients=(self.recipient[contact.id],)))
        return result

    # -- building reminders ---------------------------------------------------------------------

    def _reminder(
        self, item: Item, key: str | None = None, recipients: tuple[Recipient, ...] | None = None
    ) -> Reminder:
        key = key or item.key
        if recipients is None:
            recipients = self._recipients(item, key)
        leader = None
        if item.leader_position_id is not None:
            leader = self.snap.leaders.get(item.leader_position_id, "")
        tasks = tuple(self.tasks[t] for t in item.task_ids)
        show_due = item.period is None or item.kind == ReminderKind.ESCALATION
        lines = [
            task_line(t.code, t.title, item.due if show_due else None, self.today) for t in tasks
        ]
        # An ad hoc request's own reminder and its overdue notice name it in the header; the
        # escalation (and a task-less item) name it in a line.
        named_in_header = self._adhoc_subject(item.period or "") is not None and item.kind in (
            ReminderKind.ADHOC,
            ReminderKind.OVERDUE,
        )
        if (item.kind == ReminderKind.ADHOC or not tasks) and not named_in_header:
            lines.append(self._adhoc_line(item.subject, item.due))
        return self._make(
            key, item.kind, item.agency_id, tuple(t.code for t in tasks), item.period, item.due,
            recipients, leader, lines,
        )  # fmt: skip

    def _make(
        self,
        key: str,
        kind: ReminderKind,
        agency_id: int,
        task_ids_or_codes: tuple[int, ...] | tuple[str, ...],
        period: str | None,
        due: date | None,
        recipients: tuple[Recipient, ...],
        leader: str | None,
        lines: list[str],
        covers: tuple[str, ...] = (),
        requests: tuple[int, ...] = (),
    ) -> Reminder:
        agency = self.snap.agencies[agency_id].name
        codes = tuple(self.tasks[t].code if isinstance(t, int) else t for t in task_ids_or_codes)
        subject = self._adhoc_subject(period) if period else None
        text = header(
            kind, agency=agency, period=period, subject=subject, due=due, today=self.today
        )
        return Reminder(
            key, kind, agency_id, agency, self.sending_at, codes, period, due, recipients, leader,
            text, tuple(lines), covers, requests,
        )  # fmt: skip

    def _adhoc_subject(self, period: str) -> str | None:
        for request in self.snap.adhoc:
            if f"adhoc:{request.id}" == period:
                return request.subject
        return None

    def _adhoc_line(self, subject: str, due: date) -> str:
        return task_line("*", self._adhoc_subject(subject) or subject, due, self.today)

    def _recipients(self, item: Item, key: str) -> tuple[Recipient, ...]:
        if item.to == TO_AGENCY:
            return self._agency_recipients(item.agency_id, key)
        if item.to == TO_OFFICE:
            office = self.snap.standing_office_id
            found = list(self._agency_recipients(office, key)) if office is not None else []
            found += [r for r in self.office_role if r not in found]
            if self.snap.standing_office_chat_id is not None:
                found.append(Recipient(self.snap.standing_office_chat_id, "", None))
            return tuple(found)
        leader = item.leader_position_id or 0
        return tuple(self.recipient[c.id] for c in self.by_leader[leader])

    def _agency_recipients(self, agency_id: int, key: str) -> tuple[Recipient, ...]:
        snoozed = self.snoozed_now.get(key, set())
        everyone = self.agency_recipients.get(agency_id, ())
        if not snoozed:
            return everyone
        return tuple(r for r in everyone if r.contact_id not in snoozed)


def _recipient(contact: ContactRef) -> Recipient:
    return Recipient(contact.telegram_id, contact.name, contact.id)
