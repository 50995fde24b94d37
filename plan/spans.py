"""Date spans read from a timeline phrase, and how a list of them becomes dated occurrences.

A span covers calendar days (no time zone): a month, a quarter, half a year, a year, part of a
month (đầu/giữa/cuối: days 1–10, 11–20, 21–last) or one date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from plan.schema import Occurrence


def month_end(year: int, month: int) -> date:
    """The last day of ``month`` of ``year``."""
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass
class Span:
    """A date span read from the phrase; ``year`` may still be missing ("Tháng 5 đến tháng 7/2026")."""

    kind: str  # month | quarter | half | year | date | part
    values: tuple[int, ...]
    year: int | None

    def bounds(self) -> tuple[date, date]:
        """First and last day (inclusive). Years must have been filled in."""
        year = self.year
        assert year is not None
        if self.kind == "month":
            (month,) = self.values
            return date(year, month, 1), month_end(year, month)
        if self.kind == "quarter":
            (quarter,) = self.values
            return date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)
        if self.kind == "half":
            (half,) = self.values
            if half == 1:
                return date(year, 1, 1), date(year, 6, 30)
            return date(year, 7, 1), date(year, 12, 31)
        if self.kind == "year":
            return date(year, 1, 1), date(year, 12, 31)
        if self.kind == "part":
            month, first, last = self.values
            end = min(last, month_end(year, month).day)
            return date(year, month, first), date(year, month, end)
        day, month = self.values
        the_day = date(year, month, day)
        return the_day, the_day

    @property
    def is_span(self) -> bool:
        """Alone, does it give a window? (A month, a part of a month or a date does not.)"""
        return self.kind in ("quarter", "half", "year")


def list_occurrences(points: list[Span]) -> list[Occurrence]:
    """Occurrences of a list: consecutive months (or quarters) of one year merge into one window
    ("Tháng 9, 10/2026"); the others stay separate deadlines ("Tháng 5, 7/2026")."""
    runs: list[list[Span]] = []
    for point in points:
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and previous.kind == point.kind
            and point.kind in ("month", "quarter")
            and previous.year == point.year
            and point.values[0] == previous.values[0] + 1
        ):
            runs[-1].append(point)
        else:
            runs.append([point])
    result = []
    for run in runs:
        begin = run[0].bounds()[0]
        end = run[-1].bounds()[1]
        windowed = len(run) > 1 or run[0].is_span
        result.append(Occurrence(start=begin if windowed else None, due=end))
    return result
