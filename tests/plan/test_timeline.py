"""The timeline grammar, one test per phrase form of issue 2. Every expected date is worked out
by hand on the calendar (month lengths: Feb 2026 has 28 days, Feb 2028 29; quarters end on 31/3,
30/6, 30/9, 31/12), not printed by the code."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from plan.errors import TimelineError
from plan.timeline import parse_timeline

START, END = date(2026, 3, 14), date(2027, 7, 27)


def read(text: str) -> tuple[list[str], str | None, bool, str | None, str | None]:
    s = parse_timeline(text, campaign_start=START, campaign_end=END)
    return (
        [d.isoformat() for d in s.deadlines],
        s.window_start.isoformat() if s.window_start else None,
        s.ongoing,
        s.recurrence,
        s.on_event,
    )


@pytest.mark.parametrize(
    ("phrase", "deadlines", "window_start", "ongoing"),
    [
        # The plan's own forms.
        ("Tháng 5/2026", ["2026-05-31"], None, False),
        ("Tháng 6/2026", ["2026-06-30"], None, False),
        ("Tháng 11/2026", ["2026-11-30"], None, False),
        ("Tháng 11/2026.", ["2026-11-30"], None, False),
        ("Tháng 7 năm 2026", ["2026-07-31"], None, False),
        ("Tháng 4-5/2026", ["2026-05-31"], "2026-04-01", False),
        ("Tháng 5/2026 đến 7/2027", ["2027-07-31"], "2026-05-01", False),
        ("Tháng 6/2026 đến tháng 7/2027", ["2027-07-31"], "2026-06-01", False),
        ("Tháng 5/2026 và tháng 5/2027", ["2026-05-31", "2027-05-31"], None, False),
        ("Tháng 5/2026; Tháng 5/2027", ["2026-05-31", "2027-05-31"], None, False),
        ("Tháng 7/2026 và 7/2027", ["2026-07-31", "2027-07-31"], None, False),
        ("Thường xuyên", [], None, True),
        ("Tháng 6/2026 và thường xuyên", ["2026-06-30"], None, True),
        ("Theo thời gian của Chiến dịch", ["2027-07-27"], "2026-03-14", False),
        # Quarters in Roman numerals, lists and ranges of quarters.
        ("Quý I/2026", ["2026-03-31"], "2026-01-01", False),
        ("Quý II năm 2026", ["2026-06-30"], "2026-04-01", False),
        ("Quý IV/2026", ["2026-12-31"], "2026-10-01", False),
        ("Quý II-III/2026", ["2026-09-30"], "2026-04-01", False),
        ("Quý III/2026 đến quý I/2027", ["2027-03-31"], "2026-07-01", False),
        ("Quý I, III/2027", ["2027-03-31", "2027-09-30"], "2027-01-01", False),
        # Halves of a year, a whole year.
        ("6 tháng đầu năm 2026", ["2026-06-30"], "2026-01-01", False),
        ("6 tháng cuối năm 2026", ["2026-12-31"], "2026-07-01", False),
        ("Năm 2027", ["2027-12-31"], "2027-01-01", False),
        # An exact date; before a date (due the day before).
        ("Ngày 15/5/2026", ["2026-05-15"], None, False),
        ("15/05/2026", ["2026-05-15"], None, False),
        ("ngày 2 tháng 9 năm 2026", ["2026-09-02"], None, False),
        ("Trước ngày 15/5/2026", ["2026-05-14"], None, False),
        ("Trước ngày 01/01/2027", ["2026-12-31"], None, False),
        ("Trước tháng 6/2026", ["2026-05-31"], None, False),
        # Start, middle, end of a month: days 1–10, 11–20, 21–last.
        ("Đầu tháng 5/2026", ["2026-05-10"], None, False),
        ("Giữa tháng 2/2026", ["2026-02-20"], None, False),
        ("Cuối tháng 2/2026", ["2026-02-28"], None, False),
        ("Cuối tháng 2/2028", ["2028-02-29"], None, False),
        # Consecutive months of one year: one window; non-consecutive: separate deadlines.
        ("Tháng 9, 10/2026", ["2026-10-31"], "2026-09-01", False),
        ("Tháng 9, 10, 11/2026", ["2026-11-30"], "2026-09-01", False),
        ("Tháng 5, 7/2026", ["2026-05-31", "2026-07-31"], None, False),
        ("Tháng 3 và tháng 9/2027", ["2027-03-31", "2027-09-30"], None, False),
        ("Từ tháng 5 đến tháng 7/2026", ["2026-07-31"], "2026-05-01", False),
        ("Từ 15/5/2026 đến 30/6/2026", ["2026-06-30"], "2026-05-15", False),
    ],
)
def test_dated_forms(
    phrase: str, deadlines: list[str], window_start: str | None, ongoing: bool
) -> None:
    got = read(phrase)
    assert (got[0], got[1], got[2]) == (deadlines, window_start, ongoing)
    assert parse_timeline(phrase, campaign_start=START, campaign_end=END).text == phrase


@pytest.mark.parametrize(
    ("phrase", "recurrence"),
    [("Hằng tháng", "monthly"), ("hàng quý", "quarterly"), ("Hằng năm", "yearly")],
)
def test_recurring(phrase: str, recurrence: str) -> None:
    assert read(phrase) == ([], None, True, recurrence, None)


def test_recurring_with_a_first_deadline() -> None:
    assert read("Tháng 6/2026 và hằng quý") == (["2026-06-30"], None, True, "quarterly", None)


def test_on_event_keeps_the_phrase() -> None:
    assert read("Khi có hướng dẫn của Trung ương") == (
        [],
        None,
        False,
        None,
        "Khi có hướng dẫn của Trung ương",
    )


def test_focus_dates() -> None:
    schedule = parse_timeline(
        "Thường xuyên (trọng tâm dịp kỷ niệm các ngày lễ lớn và dịp 27/7 hằng năm)",
        campaign_start=START,
        campaign_end=END,
    )
    assert schedule.ongoing and schedule.deadlines == []
    assert schedule.focus == ["--07-27"]
    dated = parse_timeline(
        "Tháng 7/2026 (trọng tâm 27/7/2026)", campaign_start=START, campaign_end=END
    )
    assert dated.focus == ["2026-07-27"]
    assert [d.isoformat() for d in dated.deadlines] == ["2026-07-31"]


@pytest.mark.parametrize(
    "phrase",
    [
        "THÁNG 4-5/2026",
        "tháng 4-5/2026",
        unicodedata.normalize("NFD", "Tháng 4-5/2026"),
        unicodedata.normalize("NFD", "THÁNG 4 - 5 / 2026"),
        "Tháng 4–5/2026",  # en dash
    ],
)
def test_case_nfd_and_spacing(phrase: str) -> None:
    assert read(phrase)[:3] == (["2026-05-31"], "2026-04-01", False)


def test_nfd_ongoing_and_quarter() -> None:
    assert read(unicodedata.normalize("NFD", "QUÝ II/2026 VÀ THƯỜNG XUYÊN"))[:3] == (
        ["2026-06-30"],
        "2026-04-01",
        True,
    )


def test_campaign_window_follows_the_settings() -> None:
    s = parse_timeline(
        "Theo thời gian của Chiến dịch", campaign_start=date(2026, 4, 1), campaign_end=END
    )
    assert s.window_start == date(2026, 4, 1) and s.deadlines == [END]


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "Sớm",
        "Tháng 7",  # no year: never guessed
        "Tháng 13/2026",
        "Ngày 30/2/2026",
        "Quý V/2026",
        "Tháng 7/2027 đến tháng 5/2026",  # ends before it starts
        "Tháng 5/2026 khoảng",
        "Thường xuyên (trọng tâm 27/7)",  # a focus day without a year, not yearly
    ],
)
def test_unreadable_phrases_raise(phrase: str) -> None:
    with pytest.raises(TimelineError):
        parse_timeline(phrase, campaign_start=START, campaign_end=END)


def test_error_quotes_the_phrase() -> None:
    with pytest.raises(TimelineError, match="“Tháng 7”"):
        parse_timeline("Tháng 7", campaign_start=START, campaign_end=END)


def test_nfd_on_event_phrase_is_returned_in_nfc() -> None:
    phrase = unicodedata.normalize("NFD", "Tháng 6/2026; khi có hướng dẫn của Trung ương")
    schedule = parse_timeline(phrase, campaign_start=START, campaign_end=END)
    assert schedule.on_event == "khi có hướng dẫn của Trung ương"
    assert schedule.text == "Tháng 6/2026; khi có hướng dẫn của Trung ương"
    assert [d.isoformat() for d in schedule.deadlines] == ["2026-06-30"]


def test_arabic_quarter_numbers() -> None:
    assert read("Quý 2/2026")[:2] == (["2026-06-30"], "2026-04-01")
