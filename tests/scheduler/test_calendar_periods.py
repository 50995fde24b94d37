"""Calendar and periods. Expected dates worked out by hand from the 2026/2027 calendar, the
government's 2026 holiday schedule (holidays==0.108) and Nghị định 09/2019/NĐ-CP Art. 12."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.calendar import WorkingCalendar
from scheduler.periods import (
    PeriodError,
    PeriodKind,
    asked_periods,
    open_periods,
    parse_period_id,
    same_cutoff,
)

START, END = date(2026, 3, 14), date(2027, 7, 27)
CAL = WorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 24), False),  # Tue: Ngày Văn hóa Việt Nam (new holiday from 2026)
        (date(2026, 8, 31), False),  # Mon: day off swapped with Sat 22/8
        (date(2026, 8, 22), True),  # Sat: the swapped working day
        (date(2026, 9, 1), False),  # Tue: National Day (2 days: 1–2/9)
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
        (date(2026, 11, 28), False),  # an ordinary Saturday
        (date(2026, 11, 30), True),  # an ordinary Monday
        (date(2027, 2, 4), False),  # Tết 2027: Thu 4/2 (29 Tết) to Wed 10/2
        (date(2027, 2, 10), False),
        (date(2027, 2, 11), True),
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


def test_overrides_win() -> None:
    cal = WorkingCalendar(overrides={date(2026, 12, 1): False, date(2026, 11, 28): True})
    assert not cal.is_working_day(date(2026, 12, 1))
    assert cal.is_working_day(date(2026, 11, 28))


def test_add_working_days_skips_weekends_and_holidays() -> None:
    # Fri 28/8 + 1 → Sat 22/8 is behind us; Mon 31/8, Tue 1/9, Wed 2/9 are off → Thu 3/9.
    assert CAL.add_working_days(date(2026, 8, 28), 1) == date(2026, 9, 3)
    # Mon 23/11 + 1: Tue 24/11 is off → Wed 25/11.
    assert CAL.add_working_days(date(2026, 11, 23), 1) == date(2026, 11, 25)
    assert CAL.add_working_days(date(2026, 11, 30), -1) == date(2026, 11, 27)
    assert CAL.on_or_before(date(2026, 11, 29)) == date(2026, 11, 27)
    assert CAL.on_or_after(date(2027, 2, 6)) == date(2027, 2, 11)


@pytest.mark.parametrize(
    ("pid", "start", "end", "due", "kind"),
    [
        # Cut-off Sat 14/11 stays; due the 2nd working day after: Mon 16 (1st), Tue 17 (2nd).
        ("2026-11", date(2026, 10, 15), date(2026, 11, 14), date(2026, 11, 17), PeriodKind.MONTHLY),
        # Cut-off Mon 14/12: Tue 15, Wed 16.
        (
            "2026-Q4",
            date(2026, 9, 15),
            date(2026, 12, 14),
            date(2026, 12, 16),
            PeriodKind.QUARTERLY,
        ),
        # Cut-off Sun 14/6/2026: Mon 15, Tue 16.
        (
            "2026-H1",
            date(2025, 12, 15),
            date(2026, 6, 14),
            date(2026, 6, 16),
            PeriodKind.HALF_YEARLY,
        ),
        (
            "2026-H2",
            date(2026, 6, 15),
            date(2026, 12, 14),
            date(2026, 12, 16),
            PeriodKind.HALF_YEARLY,
        ),
        ("2026", date(2025, 12, 15), date(2026, 12, 14), date(2026, 12, 16), PeriodKind.YEARLY),
        # Cut-off Fri 14/8/2026: Mon 17, Tue 18.
        ("2026-08", date(2026, 7, 15), date(2026, 8, 14), date(2026, 8, 18), PeriodKind.MONTHLY),
        # Cut-off Sun 14/2/2027 (after Tết): Mon 15, Tue 16.
        ("2027-02", date(2027, 1, 15), date(2027, 2, 14), date(2027, 2, 16), PeriodKind.MONTHLY),
        ("2027-Q1", date(2026, 12, 15), date(2027, 3, 14), date(2027, 3, 16), PeriodKind.QUARTERLY),
        # 250 days from Sat 14/3/2026: day 250 is 18/11/2026 (17 + 30 + 31 + 30 + 31 + 31 + 30
        # + 31 + 18 = 249 days after the start).
        ("soket", date(2026, 3, 14), date(2026, 11, 18), date(2026, 11, 20), PeriodKind.MILESTONE),
        ("tongket", date(2026, 3, 14), date(2027, 7, 27), date(2027, 7, 29), PeriodKind.MILESTONE),
        (
            "adhoc:2026-11-01:2026-11-20",
            date(2026, 11, 1),
            date(2026, 11, 20),
            date(2026, 11, 25),  # Fri 20 → Mon 23 (1st), Tue 24 is off, Wed 25 (2nd)
            PeriodKind.ADHOC,
        ),
    ],
)
def test_period_identifiers(pid: str, start: date, end: date, due: date, kind: PeriodKind) -> None:
    period = parse_period_id(pid, campaign_start=START, campaign_end=END)
    assert (period.id, period.start, period.end, period.kind) == (pid, start, end, kind)
    assert period.due(CAL) == due


@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-Q5", "2026-H3", "thang 11", "adhoc:2026-11-20:2026-11-01"]
)
def test_bad_period_identifiers(bad: str) -> None:
    with pytest.raises(PeriodError):
        parse_period_id(bad, campaign_start=START, campaign_end=END)


def test_asked_periods_share_cutoffs_as_the_longest() -> None:
    ids = [p.id for p in asked_periods(START, END)]
    # 2026-03's cut-off (14/3) is the campaign start itself, so the first is 2026-04; June is asked
    # as H1, September as Q3, December as the year, March 2027 as Q1, the last covers 27/7/2027.
    assert ids == [
        "2026-04", "2026-05", "2026-H1", "2026-07", "2026-08", "2026-Q3", "2026-10", "2026-11",
        "2026", "2027-01", "2027-02", "2027-Q1", "2027-04", "2027-05", "2027-H1", "2027-07",
        "2027-08",
    ]  # fmt: skip


def test_open_periods() -> None:
    # 16/11 and 17/11: 2026-11 closed, due Tue 17/11 → still open, default; the year is current.
    assert [p.id for p in open_periods(date(2026, 11, 17), CAL)] == ["2026-11", "2026"]
    assert [p.id for p in open_periods(date(2026, 11, 18), CAL)] == ["2026"]
    assert [p.id for p in open_periods(date(2026, 12, 16), CAL)] == ["2026", "2027-01"]
    assert [p.id for p in open_periods(date(2026, 11, 14), CAL)] == ["2026-11"]


def test_same_cutoff() -> None:
    assert same_cutoff("2026-12", "2026") and same_cutoff("2026-Q4", "2026-H2")
    assert not same_cutoff("2026-11", "2026") and not same_cutoff("soket", "soket")
