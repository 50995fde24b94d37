"""The Vietnamese working-day calendar.

Working days are Monday–Friday (state agencies work 40 h/week), minus public holidays, plus swapped
working days, as the ``holidays`` package (version pinned in pyproject) gives them for Vietnam — lunar
Tết included — then corrected by the days the standing office adds or removes (table
``calendar_overrides``). Dates here are calendar dates in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache

import holidays

from locales import _

#: A generous horizon: the campaign runs 2026–2027; lookups outside it extend lazily.
_DEFAULT_YEARS = range(2025, 2029)


@lru_cache(maxsize=4)
def _country_holidays(country: str) -> holidays.HolidayBase:
    """The package's holidays for ``country`` over the campaign years, built once per process
    (building them takes a quarter of a second; the object is only read)."""
    return holidays.country_holidays(country, years=_DEFAULT_YEARS, language="vi")


def preload(country: str = "VN") -> None:
    """Build the package's holiday table for ``country`` now (the bot calls it at start-up), so
    that neither the first ``/capnhat`` nor the first planner tick pays for it while serving:
    the ``holidays`` package imports every country it knows on first use (about 0.1–0.3 s)."""
    _country_holidays(country)


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days.

    ``overrides`` maps a date to True (made a working day) or False (made a day off); it wins over
    the package's calendar. Instances are immutable and cheap to query (O(1) per day).
    """

    overrides: Mapping[date, bool] = field(default_factory=dict)
    country: str = "VN"

    @cached_property
    def _holidays(self) -> holidays.HolidayBase:
        return _country_holidays(self.country)

    @cached_property
    def _working(self) -> dict[date, bool]:
        # Memo of is_working_day: the planner asks about the same few hundred days many times.
        return {}

    def holiday_name(self, day: date) -> str | None:
        """The Vietnamese name of the public holiday on ``day``, or None."""
        name = self._holidays.get(day)
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        """True when state agencies work on ``day``."""
        known = self._working.get(day)
        if known is None:
            known = self._working[day] = self._is_working_day(day)
        return known

    def _is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day in self._holidays.weekend_workdays:
            return True
        if day.weekday() >= 5:
            return False
        return day not in self._holidays

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (before it when ``count`` < 0).

        ``day`` itself is not counted: ``add_working_days(Sat 14/11/2026, 2)`` is Tue 17/11/2026.
        ``count == 0`` returns ``day`` unchanged.
        """
        step = 1 if count > 0 else -1
        remaining = abs(count)
        current = day
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def on_or_before(self, day: date) -> date:
        """``day`` if it is a working day, else the previous working day."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def on_or_after(self, day: date) -> date:
        """``day`` if it is a working day, else the next working day."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def days_off(self, start: date, end: date) -> list[tuple[date, str]]:
        """Non-working weekdays and working weekend days in [start, end], with a Vietnamese note."""
        result: list[tuple[date, str]] = []
        day = start
        while day <= end:
            working = self.is_working_day(day)
            weekend = day.weekday() >= 5
            if not working and not weekend:
                result.append(
                    (day, self.holiday_name(day) or _("Ngày nghỉ do Cơ quan Thường trực thêm"))
                )
            elif working and weekend:
                result.append((day, _("Ngày làm việc bù")))
            day += timedelta(days=1)
        return result
