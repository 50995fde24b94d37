"""The reminder rules (issue 5): every number is a setting, with the issue's defaults.

Days before a deadline are calendar days; days after a deadline or before a report's due date are
working days (``scheduler.calendar``). Times are wall-clock times in ``timezone`` (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.calendar import WorkingCalendar
from scheduler.periods import DEFAULT_DUE_WORKING_DAYS


class ReminderKind(enum.StrEnum):
    """Kinds of reminder, in the order the preview lists them (issue 5, "CLI")."""

    DEADLINE = "deadline"  # sắp đến hạn — to lead agencies
    OVERDUE = "overdue"  # quá hạn — to lead agencies
    ESCALATION = "escalation"  # đôn đốc — to the leader in charge and the standing office
    FYI = "fyi"  # để biết — to support agencies
    PERIOD = "period"  # báo cáo định kỳ
    STATUS_CHECK = "status_check"  # xác nhận tình trạng — the fold of stale items
    ADHOC = "adhoc"  # báo cáo đột xuất


KIND_ORDER = {kind: index for index, kind in enumerate(ReminderKind)}


@dataclass(frozen=True)
class ReminderRules:
    """Reminder settings; the defaults are the issue's.

    - ``deadline_days_before``: calendar days before a task deadline (0 = the morning of it); a
      reminder on a non-working day moves to the previous working day, same-day ones merge.
    - ``overdue_working_days``: working days after a deadline/due date for the overdue reminders.
    - ``escalation_working_day``: working day after it for the one escalation.
    - ``fyi_days_before``: calendar days before a deadline for the support agencies' FYI.
    - ``period_working_days_before``: working days before a report's due date (also on it).
    - ``period_due_working_days``: a period's due date, in working days after its cut-off.
    - ``send_time`` / ``office_hours_end``: the daily sending time and the end of office hours, in
      ``timezone``; a planner run outside [send_time, office_hours_end) on a working day plans
      nothing (stale reminders wait for the next sending time, folded into a status check).
    - ``campaign_start`` / ``campaign_end``: the campaign window (DOMAIN.md), for the periods.
    """

    deadline_days_before: tuple[int, ...] = (7, 3, 1, 0)
    overdue_working_days: tuple[int, ...] = (1, 3)
    escalation_working_day: int = 5
    fyi_days_before: int = 3
    period_working_days_before: int = 3
    period_due_working_days: int = DEFAULT_DUE_WORKING_DAYS
    send_time: time = time(8, 0)
    office_hours_end: time = time(17, 0)
    timezone: str = "Asia/Ho_Chi_Minh"
    campaign_start: date = date(2026, 3, 14)
    campaign_end: date = date(2027, 7, 27)

    @property
    def tz(self) -> ZoneInfo:
        """``timezone`` as a ZoneInfo."""
        return ZoneInfo(self.timezone)

    def sending_time(self, day: date) -> datetime:
        """The sending moment of ``day`` as an aware datetime in ``timezone``."""
        return datetime.combine(day, self.send_time, tzinfo=self.tz)

    def current_sending_day(self, now: datetime, calendar: WorkingCalendar) -> date | None:
        """The local day whose sending time has come at ``now`` (aware), or None.

        None on a non-working day, before ``send_time`` and from ``office_hours_end`` on: then no
        reminder is current (issue 5, "Staleness").
        """
        local = now.astimezone(self.tz)
        day = local.date()
        if not calendar.is_working_day(day):
            return None
        if not self.send_time <= local.time().replace(tzinfo=None) < self.office_hours_end:
            return None
        return day

    def next_sending_time(self, moment: datetime, calendar: WorkingCalendar) -> datetime:
        """The first sending time at or after ``moment`` (aware) on a working day.

        Ad-hoc requests and activations go out then; a snooze ("Nhắc lại sau") lasts until
        ``next_sending_time`` of the next day (see ``snooze_until``).
        """
        local = moment.astimezone(self.tz)
        day = local.date()
        if local.time().replace(tzinfo=None) > self.send_time:
            day += timedelta(days=1)
        return self.sending_time(calendar.on_or_after(day))

    def snooze_until(self, now: datetime, calendar: WorkingCalendar) -> datetime:
        """Until when "Nhắc lại sau" pressed at ``now`` postpones an item: the sending time of the
        next working day after ``now``'s local day (aware, in ``timezone``)."""
        local_day = now.astimezone(self.tz).date()
        return self.sending_time(calendar.add_working_days(local_day, 1))

    def with_plan_settings(self, values: Mapping[str, Any]) -> ReminderRules:
        """These rules with a plan's own settings on top (table ``plan_settings``, set with
        ``python -m bot plan set``): ``campaign_start``/``campaign_end`` (ISO dates),
        ``report_due_working_days`` and ``reminder_offsets_days`` (days before a deadline; the
        morning of the deadline is always kept). Unknown or empty values are ignored."""
        changes: dict[str, Any] = {}
        for key in ("campaign_start", "campaign_end"):
            if isinstance(values.get(key), str):
                changes[key] = date.fromisoformat(values[key])
        if isinstance(values.get("report_due_working_days"), int):
            changes["period_due_working_days"] = values["report_due_working_days"]
        offsets = values.get("reminder_offsets_days")
        if isinstance(offsets, list) and all(isinstance(n, int) for n in offsets):
            changes["deadline_days_before"] = tuple(sorted({*offsets, 0}, reverse=True))
        return replace(self, **changes) if changes else self
