"""Which periods ``/baocao`` offers, and the typed forms it accepts ("thang 11/2026", "quy 4/2026").

Typed forms are read after NFC normalization, lower-casing and removing diacritics (đ → d), so
"Tháng 11/2026", "thang 11/2026" and an NFD keyboard's input are the same. Accepted:
``thang 11/2026`` / ``thang 11 nam 2026`` · ``quy 4/2026`` / ``quy IV/2026`` / ``quy 4 nam 2026``
· ``6 thang dau nam 2026`` / ``6 thang cuoi nam 2026`` · ``nam 2026`` · ``so ket`` · ``tong ket``
· ``tu 01/11/2026 den 20/11/2026`` · and the identifiers of DOMAIN.md (``2026-11``, ``2026-Q4``,
``2026-H1``, ``2026``, ``soket``, ``tongket``).
An ad hoc request is typed ``dot xuat 7`` or ``adhoc:7`` (``adhoc_request_text``).

Without a year (``thang 11``, ``quy 4``, ``6 thang dau nam``), given today's local date: the most
recent such period whose data range has started (on 29/11/2026 "tháng 11" is 2026-11 and "tháng
12" is 2026-12, in progress since 15/11; on 10/11/2026 "tháng 12" is 2025-12). Such a period
outside the campaign (ending on or before its start, or starting after its end) is refused with
``PeriodOutsideCampaign``, whose message says so in Vietnamese. A month, quarter, half-year or
year typed with its year is refused the same way when it lies outside the campaign or (given
today's date) has not begun: a report of it would be empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from locales import _
from models.text import fmt_date, fold
from reports.summary import period_label
from scheduler.periods import (
    CUTOFF_DAY,
    PeriodError,
    ReportingPeriod,
    adhoc,
    half_yearly,
    monthly,
    parse_period_id,
    quarterly,
    soket,
    tongket,
    yearly,
)

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class PeriodOutsideCampaign(PeriodError):
    """A typed period outside the campaign, or (typed with its year) not begun yet; the message
    is the Vietnamese text to show."""


class ReversedRange(PeriodError):
    """``tu A den B`` with A after B; the message is the Vietnamese text to show."""


def _latest_started(
    make: Callable[[int], ReportingPeriod],
    today: date | None,
    campaign_start: date,
    campaign_end: date,
) -> ReportingPeriod:
    """``make(year)`` for the latest year whose period has started by ``today`` (its data range
    begins on or before it). Raises ``PeriodError`` without ``today`` and
    ``PeriodOutsideCampaign`` when that period lies outside the campaign."""
    if today is None:
        raise PeriodError(_("thiếu năm"))
    period = next(
        p for p in (make(y) for y in (today.year + 1, today.year, today.year - 1))
        if p.start <= today
    )  # fmt: skip
    if period.end <= campaign_start or period.start > campaign_end:
        raise PeriodOutsideCampaign(
            _(
                "{period} không thuộc thời gian Chiến dịch ({start}–{end}). Gõ kèm năm, ví dụ "
                "/baocao thang 11/2026, hoặc chọn một kỳ dưới đây."
            ).format(
                period=button_label(period),
                start=fmt_date(campaign_start),
                end=fmt_date(campaign_end),
            )
        )
    return period


def _checked(
    period: ReportingPeriod, today: date | None, campaign_start: date, campaign_end: date
) -> ReportingPeriod:
    """``period`` (typed with its year) when it lies in the campaign and has begun by ``today``
    (not checked without ``today``); else ``PeriodOutsideCampaign`` with the text to show."""
    if period.end <= campaign_start or period.start > campaign_end:
        raise PeriodOutsideCampaign(
            _("{period} không thuộc thời gian Chiến dịch ({start}–{end}).").format(
                period=button_label(period),
                start=fmt_date(campaign_start),
                end=fmt_date(campaign_end),
            )
        )
    if today is not None and period.start > today:
        raise PeriodOutsideCampaign(
            _("{period} chưa bắt đầu: số liệu của kỳ này tính từ ngày {start}.").format(
                period=button_label(period), start=fmt_date(period.start)
            )
        )
    return period


_DATE = r"(\d{1,2})/(\d{1,2})/(\d{4})"
# The year after a month or quarter: "/2026", "-2026", " - 2026", or " nam 2026" as the plan
# writes it ("Tháng 7 năm 2026").
_YEAR = r"(?: ?[/-] ?| nam )(\d{4})"


def parse_period_text(
    text: str, *, campaign_start: date, campaign_end: date, today: date | None = None
) -> ReportingPeriod:
    """The period a person typed (forms in the module docstring); ``today`` (local date) gives
    the forms without a year their meaning. Raises ``PeriodError`` (``PeriodOutsideCampaign`` for
    a year-less form that falls outside the campaign, ``ReversedRange`` for a range that ends
    before it starts)."""
    folded = fold(text)
    window = (today, campaign_start, campaign_end)
    try:
        if m := re.fullmatch(rf"(?:thang|t) ?(\d{{1,2}})(?:{_YEAR})?", folded):
            month = int(m[1])
            if not 1 <= month <= 12:
                raise PeriodError(_("không có tháng {month}").format(month=month))
            if m[2] is None:
                return _latest_started(lambda y: monthly(y, month), *window)
            return _checked(monthly(int(m[2]), month), *window)
        if m := re.fullmatch(rf"quy ?([1-4]|iv|iii|ii|i)(?:{_YEAR})?", folded):
            quarter = int(m[1]) if m[1].isdigit() else _ROMAN[m[1]]
            if m[2] is None:
                return _latest_started(lambda y: quarterly(y, quarter), *window)
            return _checked(quarterly(int(m[2]), quarter), *window)
        if m := re.fullmatch(r"6 thang (dau|cuoi)(?: nam)?(?: (\d{4}))?", folded):
            half = 1 if m[1] == "dau" else 2
            if m[2] is None:
                return _latest_started(lambda y: half_yearly(y, half), *window)
            return _checked(half_yearly(int(m[2]), half), *window)
        if m := re.fullmatch(r"nam (\d{4})", folded):
            return _checked(yearly(int(m[1])), *window)
        if folded.replace(" ", "") in ("soket", "tongket"):
            return parse_period_id(
                folded.replace(" ", ""), campaign_start=campaign_start, campaign_end=campaign_end
            )
        if m := re.fullmatch(rf"(?:tu )?{_DATE} (?:den|-) {_DATE}", folded):
            first = date(int(m[3]), int(m[2]), int(m[1]))
            last = date(int(m[6]), int(m[5]), int(m[4]))
            if first > last:
                raise ReversedRange(
                    _(
                        "Khoảng thời gian bị ngược: ngày bắt đầu {first} sau ngày kết thúc {last}. "
                        "Gõ ngày bắt đầu trước, ví dụ /baocao tu {last} den {first}."
                    ).format(first=fmt_date(first), last=fmt_date(last))
                )
            return adhoc(first, last)
    except PeriodError:
        raise
    except ValueError as exc:  # an impossible date such as 31/02
        raise PeriodError(str(exc)) from exc
    return parse_period_id(text, campaign_start=campaign_start, campaign_end=campaign_end)


def adhoc_request_text(text: str) -> int | None:
    """The request id of a typed ad hoc request: ``dot xuat 7`` / ``đột xuất số 7`` / ``adhoc:7``;
    None for anything else."""
    folded = fold(text)
    if m := re.fullmatch(r"(?:dot ?xuat|adhoc)(?: so)? ?[:#]? ?(\d{1,18})", folded):
        return int(m[1])
    return None


def _last_cutoff(today: date) -> date:
    """The latest cut-off (a 14th) strictly before ``today``."""
    if today.day > CUTOFF_DAY:
        return today.replace(day=CUTOFF_DAY)
    if today.month == 1:
        return date(today.year - 1, 12, CUTOFF_DAY)
    return date(today.year, today.month - 1, CUTOFF_DAY)


def period_choices(
    today: date, *, campaign_start: date, campaign_end: date
) -> list[ReportingPeriod]:
    """The periods ``/baocao`` offers on ``today`` (local date), the current ones first.

    The month just closed (its cut-off passed: the report being compiled now), the month in
    progress, the quarter, half-year and year of the closed month, the month before, then the
    milestones sơ kết and tổng kết. Periods ending on or before the campaign start are left out
    (the first asked period is the first whose cut-off falls after it, DOMAIN.md).
    """
    closed = _last_cutoff(today)
    year, month = closed.year, closed.month
    running = monthly(year + (month == 12), month % 12 + 1)
    previous = monthly(year - (month == 1), (month - 2) % 12 + 1)
    candidates = [
        monthly(year, month),
        running,
        quarterly(year, (month - 1) // 3 + 1),
        half_yearly(year, 1 if month <= 6 else 2),
        yearly(year),
        previous,
        soket(campaign_start),
        tongket(campaign_start, campaign_end),
    ]
    seen: set[str] = set()
    result = []
    for period in candidates:
        if period.id in seen or period.end <= campaign_start:
            continue
        seen.add(period.id)
        result.append(period)
    return result


def button_label(period: ReportingPeriod) -> str:
    """ "Tháng 11/2026 (15/10–14/11/2026)" — a button's text."""
    label = period_label(period)
    first = fmt_date(period.start)
    span = f"{first if period.start.year != period.end.year else first[:5]}–{fmt_date(period.end)}"
    return f"{label[:1].upper()}{label[1:]} ({span})"
