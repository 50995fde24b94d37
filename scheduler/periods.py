"""Reporting periods (kỳ báo cáo): identifiers, data ranges, cut-offs and due dates.

Data cut-off rule: Nghị định 09/2019/NĐ-CP, Art. 12 — monthly reports cover the 15th of the previous
month to the 14th of the month; quarterly the 15th of the month before the quarter to the 14th of its
last month; six-monthly 15/12 → 14/6 and 15/06 → 14/12; yearly 15/12 → 14/12. A cut-off on a weekend
stays where it is. The due date is a plan setting: by default the 2nd working day after the cut-off.

Identifiers (DOMAIN.md, "Period identifiers"): ``2026-11`` (monthly, data 15/10–14/11/2026),
``2026-Q4`` (15/09–14/12/2026), ``2026-H1`` (15/12/2025–14/06/2026), ``2026-H2``, ``2026`` (yearly,
15/12/2025–14/12/2026), ``adhoc:2026-11-01:2026-11-20`` (any range, inclusive), ``soket`` (campaign
start → 250th day) and ``tongket`` (campaign start → end). All dates are calendar dates in
Asia/Ho_Chi_Minh; ranges are inclusive.

``adhoc:<request id>`` (``adhoc:7``) names the replies to one ad hoc request of the standing office
(table ``adhoc_requests``): its dates live in the database, so ``parse_period_id`` refuses it with a
``PeriodError`` saying so; ``adhoc_request_id`` recognises it and ``adhoc_request`` builds its period
(data range: the day it was requested → its due date).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, timedelta

from locales import _
from models.text import fmt_date
from scheduler.calendar import WorkingCalendar

#: Default due-date offset: the 2nd working day after the cut-off (a plan setting).
DEFAULT_DUE_WORKING_DAYS = 2
#: The mid-term review covers the campaign's first 250 days (sơ kết).
SOKET_DAYS = 250
CUTOFF_DAY = 14


class PeriodKind(enum.StrEnum):
    """Kinds of reporting period, longest last among the regular ones."""

    MONTHLY = "monthly"  # tháng
    QUARTERLY = "quarterly"  # quý
    HALF_YEARLY = "half_yearly"  # 6 tháng
    YEARLY = "yearly"  # năm
    ADHOC = "adhoc"  # đột xuất
    MILESTONE = "milestone"  # sơ kết / tổng kết


class PeriodError(ValueError):
    """A period identifier that cannot be read, or a range that makes no sense."""


@dataclass(frozen=True, order=True)
class ReportingPeriod:
    """Kỳ báo cáo — a period's identifier, kind and inclusive data range ``start``–``end``.

    ``end`` is the data cut-off. Instances sort by (end, start, id).
    """

    end: date
    start: date
    id: str
    kind: PeriodKind

    @property
    def cutoff(self) -> date:
        """The data cut-off (the last day of data), same as ``end``."""
        return self.end

    def due(self, calendar: WorkingCalendar, working_days: int = DEFAULT_DUE_WORKING_DAYS) -> date:
        """The report's due date: the ``working_days``-th working day after the cut-off."""
        return calendar.add_working_days(self.end, working_days)

    def contains(self, day: date) -> bool:
        """True when ``day`` is inside the data range."""
        return self.start <= day <= self.end

    def overlaps(self, start: date, end: date) -> bool:
        """True when [start, end] shares at least one day with the data range."""
        return start <= self.end and end >= self.start


def _cutoff(year: int, month: int) -> date:
    return date(year, month, CUTOFF_DAY)


def _day_after_cutoff_before(year: int, month: int) -> date:
    """The 15th of the month before ``month``/``year``."""
    if month == 1:
        return date(year - 1, 12, CUTOFF_DAY + 1)
    return date(year, month - 1, CUTOFF_DAY + 1)


def monthly(year: int, month: int) -> ReportingPeriod:
    """The monthly report of ``month``/``year``: 15th of the previous month → 14th."""
    return ReportingPeriod(
        end=_cutoff(year, month),
        start=_day_after_cutoff_before(year, month),
        id=f"{year:04d}-{month:02d}",
        kind=PeriodKind.MONTHLY,
    )


def quarterly(year: int, quarter: int) -> ReportingPeriod:
    """Quarter ``quarter`` (1–4) of ``year``: 15th of the month before it → 14th of its last month."""
    if not 1 <= quarter <= 4:
        raise PeriodError(_("quý phải từ 1 đến 4, không phải {quarter}").format(quarter=quarter))
    first_month = 3 * quarter - 2
    return ReportingPeriod(
        end=_cutoff(year, first_month + 2),
        start=_day_after_cutoff_before(year, first_month),
        id=f"{year:04d}-Q{quarter}",
        kind=PeriodKind.QUARTERLY,
    )


#: Quarters as Vietnamese administrative documents write them ("quý IV/2026"), in the dialog and
#: in the report alike.
QUARTER_NUMERALS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_numeral(period: ReportingPeriod) -> str:
    """The Roman numeral of a quarterly ``period`` ("IV" for 2026-Q4, which ends 14/12/2026)."""
    return QUARTER_NUMERALS[period.end.month // 3]


def half_yearly(year: int, half: int) -> ReportingPeriod:
    """Half ``half`` (1 or 2) of ``year``: H1 15/12 (year before) → 14/6; H2 15/6 → 14/12."""
    if half == 1:
        return ReportingPeriod(
            end=_cutoff(year, 6),
            start=date(year - 1, 12, 15),
            id=f"{year:04d}-H1",
            kind=PeriodKind.HALF_YEARLY,
        )
    if half == 2:
        return ReportingPeriod(
            end=_cutoff(year, 12),
            start=date(year, 6, 15),
            id=f"{year:04d}-H2",
            kind=PeriodKind.HALF_YEARLY,
        )
    raise PeriodError(_("nửa năm phải là 1 hoặc 2, không phải {half}").format(half=half))


def yearly(year: int) -> ReportingPeriod:
    """The yearly report of ``year``: 15/12 of the year before → 14/12."""
    return ReportingPeriod(
        end=_cutoff(year, 12),
        start=date(year - 1, 12, 15),
        id=f"{year:04d}",
        kind=PeriodKind.YEARLY,
    )


def adhoc(start: date, end: date) -> ReportingPeriod:
    """An ad-hoc (đột xuất) range, inclusive. Raises ``PeriodError`` when ``end`` < ``start``."""
    if end < start:
        raise PeriodError(
            _("khoảng thời gian kết thúc ({end}) trước khi bắt đầu ({start})").format(
                end=fmt_date(end), start=fmt_date(start)
            )
        )
    return ReportingPeriod(
        end=end,
        start=start,
        id=f"adhoc:{start.isoformat()}:{end.isoformat()}",
        kind=PeriodKind.ADHOC,
    )


def adhoc_request(request_id: int, requested_on: date, due: date) -> ReportingPeriod:
    """The period of ad hoc request ``request_id`` (``adhoc:7``): data from ``requested_on`` (local
    date) to ``due``; a due date before the request day gives a one-day range on ``due``."""
    return ReportingPeriod(
        end=due,
        start=min(requested_on, due),
        id=f"adhoc:{request_id}",
        kind=PeriodKind.ADHOC,
    )


def soket(campaign_start: date) -> ReportingPeriod:
    """Sơ kết: the campaign's first 250 days (day 1 is ``campaign_start``)."""
    return ReportingPeriod(
        end=campaign_start + timedelta(days=SOKET_DAYS - 1),
        start=campaign_start,
        id="soket",
        kind=PeriodKind.MILESTONE,
    )


def tongket(campaign_start: date, campaign_end: date) -> ReportingPeriod:
    """Tổng kết: the whole campaign."""
    return ReportingPeriod(
        end=campaign_end, start=campaign_start, id="tongket", kind=PeriodKind.MILESTONE
    )


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_ADHOC = re.compile(r"^adhoc:(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})$")
_ADHOC_REQUEST = re.compile(r"^adhoc:(\d{1,18})$")


def adhoc_request_id(period_id: str) -> int | None:
    """The request id of ``adhoc:<request id>`` (``adhoc:7`` → 7); None for every other form."""
    m = _ADHOC_REQUEST.match(period_id.strip())
    return int(m[1]) if m else None


def parse_period_id(period_id: str, *, campaign_start: date, campaign_end: date) -> ReportingPeriod:
    """The period named by ``period_id`` (forms in the module docstring).

    Raises ``PeriodError`` for an unknown form, an impossible month, or ``adhoc:<request id>``
    (an ad hoc request's dates are in the database: ``scheduler.adhoc.request_period``).
    """
    text = period_id.strip()
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodError(
                _("không có tháng {month} (trong “{period}”)").format(month=month, period=period_id)
            )
        return monthly(year, month)
    if m := _QUARTER.match(text):
        return quarterly(int(m[1]), int(m[2]))
    if m := _HALF.match(text):
        return half_yearly(int(m[1]), int(m[2]))
    if m := _YEAR.match(text):
        return yearly(int(m[1]))
    if m := _ADHOC.match(text):
        return adhoc(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
    if adhoc_request_id(text) is not None:
        raise PeriodError(
            _(
                "“{period}” là một yêu cầu báo cáo đột xuất: thời gian của nó được lưu cùng yêu cầu"
            ).format(period=period_id)
        )
    if text.lower() == "soket":
        return soket(campaign_start)
    if text.lower() == "tongket":
        return tongket(campaign_start, campaign_end)
    raise PeriodError(
        _(
            "không hiểu kỳ báo cáo “{period}”: dùng 2026-11, 2026-Q4, 2026-H1, 2026, soket, "
            "tongket, adhoc:YYYY-MM-DD:YYYY-MM-DD hoặc adhoc:<số yêu cầu>"
        ).format(period=period_id)
    )


def periods_at_cutoff(cutoff: date) -> list[ReportingPeriod]:
    """Every regular period whose cut-off is ``cutoff`` (a 14th), shortest first."""
    if cutoff.day != CUTOFF_DAY:
        return []
    found = [monthly(cutoff.year, cutoff.month)]
    if cutoff.month % 3 == 0:
        found.append(quarterly(cutoff.year, cutoff.month // 3))
    if cutoff.month in (6, 12):
        found.append(half_yearly(cutoff.year, 1 if cutoff.month == 6 else 2))
    if cutoff.month == 12:
        found.append(yearly(cutoff.year))
    return found


def asked_period(cutoff: date) -> ReportingPeriod:
    """The period asked of agencies at ``cutoff``: of those sharing it, the longest.

    December, Q4, H2 and the year share 14/12 and are asked once, as the year (DOMAIN.md).
    """
    return periods_at_cutoff(cutoff)[-1]


def asked_periods(campaign_start: date, campaign_end: date) -> list[ReportingPeriod]:
    """The periods asked during the campaign, in order: one per monthly cut-off, the first being
    the first cut-off after ``campaign_start`` (2026-04 with the default start 14/3/2026), the last
    the first cut-off on or after ``campaign_end`` (its data covers the campaign's final days).
    """
    result: list[ReportingPeriod] = []
    year, month = campaign_start.year, campaign_start.month
    while True:
        cutoff = _cutoff(year, month)
        if cutoff > campaign_start:
            result.append(asked_period(cutoff))
            if cutoff >= campaign_end:
                break
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return result


def current_period(day: date) -> ReportingPeriod:
    """The asked period whose data range contains ``day`` (its cut-off has not passed)."""
    year, month = day.year, day.month
    if day.day > CUTOFF_DAY:
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return asked_period(_cutoff(year, month))


def same_cutoff(period_id_a: str, period_id_b: str) -> bool:
    """True when two regular period identifiers share a cut-off (``2026-12`` and ``2026``)."""
    a = _regular_cutoff(period_id_a)
    return a is not None and a == _regular_cutoff(period_id_b)


def _regular_cutoff(period_id: str) -> date | None:
    if m := _MONTH.match(period_id):
        return _cutoff(int(m[1]), int(m[2]))
    if m := _QUARTER.match(period_id):
        return _cutoff(int(m[1]), 3 * int(m[2]))
    if m := _HALF.match(period_id):
        return _cutoff(int(m[1]), 6 * int(m[2]))
    if m := _YEAR.match(period_id):
        return _cutoff(int(m[1]), 12)
    return None


def open_periods(
    day: date, calendar: WorkingCalendar, working_days: int = DEFAULT_DUE_WORKING_DAYS
) -> list[ReportingPeriod]:
    """The periods a reply given on ``day`` may answer, the default first (DOMAIN.md).

    A period whose cut-off has passed and whose due date has not (``day`` ≤ due) comes first; the
    current period (before its cut-off) follows. Outside a due window only the current one is open.
    """
    current = current_period(day)
    # The previous cut-off is one month before the current one (the current period may be longer
    # than a month, e.g. the year, so its start says nothing about the previous cut-off).
    year, month = current.end.year, current.end.month - 1
    if month == 0:
        year, month = year - 1, 12
    previous = asked_period(_cutoff(year, month))
    if previous.end < day <= previous.due(calendar, working_days):
        return [previous, current]
    return [current]
