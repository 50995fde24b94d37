"""Typed periods and the buttons ``/baocao`` offers (dates by hand from DOMAIN.md's identifiers)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from reports.choices import (
    PeriodOutsideCampaign,
    ReversedRange,
    button_label,
    parse_period_text,
    period_choices,
)
from scheduler.periods import PeriodError

START, END = date(2026, 3, 14), date(2027, 7, 27)


@pytest.mark.parametrize(
    ("text", "period_id"),
    [
        ("thang 11/2026", "2026-11"),
        ("Tháng 11/2026", "2026-11"),
        (unicodedata.normalize("NFD", "tháng 1/2027"), "2027-01"),
        ("quy 4/2026", "2026-Q4"),
        ("Quý IV/2026", "2026-Q4"),
        ("6 tháng đầu năm 2026", "2026-H1"),
        ("6 thang cuoi nam 2026", "2026-H2"),
        ("năm 2026", "2026"),
        ("sơ kết", "soket"),
        ("Tổng kết", "tongket"),
        ("từ 01/11/2026 đến 20/11/2026", "adhoc:2026-11-01:2026-11-20"),
        ("2026-Q3", "2026-Q3"),
        # "năm" between month or quarter and year, as the plan itself writes "Tháng 7 năm 2026".
        ("tháng 11 năm 2026", "2026-11"),
        ("Tháng 7 năm 2027", "2027-07"),
        ("quý 4 năm 2026", "2026-Q4"),
        ("Quý IV năm 2026", "2026-Q4"),
        ("tháng 11 - 2026", "2026-11"),
    ],
)
def test_typed_forms(text: str, period_id: str) -> None:
    assert parse_period_text(text, campaign_start=START, campaign_end=END).id == period_id


@pytest.mark.parametrize(
    "text", ["thang 13/2026", "quy 5/2026", "tu 31/02/2026 den 01/03/2026", "abc"]
)
def test_typed_forms_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period_text(text, campaign_start=START, campaign_end=END)


def test_a_range_typed_backwards_is_refused_saying_so() -> None:
    with pytest.raises(ReversedRange) as refused:
        parse_period_text("từ 20/11/2026 đến 01/11/2026", campaign_start=START, campaign_end=END)
    assert str(refused.value) == (
        "Khoảng thời gian bị ngược: ngày bắt đầu 20/11/2026 sau ngày kết thúc 01/11/2026. "
        "Gõ ngày bắt đầu trước, ví dụ /baocao tu 01/11/2026 den 20/11/2026."
    )
    # One day is a range.
    assert parse_period_text(
        "tu 20/11/2026 den 20/11/2026", campaign_start=START, campaign_end=END
    ).id == ("adhoc:2026-11-20:2026-11-20")


def test_choices_on_23_november() -> None:
    choices = period_choices(date(2026, 11, 23), campaign_start=START, campaign_end=END)
    assert [p.id for p in choices] == [
        "2026-11",
        "2026-12",
        "2026-Q4",
        "2026-H2",
        "2026",
        "2026-10",
        "soket",
        "tongket",
    ]
    assert button_label(choices[4]) == "Năm 2026 (15/12/2025–14/12/2026)"
    assert button_label(choices[6]) == "Sơ kết 250 ngày thực hiện Chiến dịch (14/03–18/11/2026)"


def test_choices_on_the_cutoff_and_in_january() -> None:
    # On 14/11 the November data range is still open: the closed month is October.
    assert (
        period_choices(date(2026, 11, 14), campaign_start=START, campaign_end=END)[0].id
        == "2026-10"
    )
    january = period_choices(date(2027, 1, 10), campaign_start=START, campaign_end=END)
    assert [p.id for p in january[:3]] == ["2026-12", "2027-01", "2026-Q4"]
    # Before the campaign's first cut-off the periods that end before it are left out.
    april = period_choices(date(2026, 4, 2), campaign_start=START, campaign_end=END)
    assert [p.id for p in april] == ["2026-04", "2026-H1", "2026", "soket", "tongket"]


def test_typed_ad_hoc_requests() -> None:
    from reports.choices import adhoc_request_text

    assert adhoc_request_text("đột xuất 7") == 7
    assert adhoc_request_text("Dot xuat so 12") == 12
    assert adhoc_request_text("adhoc:3") == 3
    assert adhoc_request_text("thang 11/2026") is None
    assert adhoc_request_text("adhoc:2026-11-01:2026-11-20") is None


@pytest.mark.parametrize(
    ("today", "text", "period_id"),
    [
        (date(2026, 11, 29), "tháng 11", "2026-11"),
        (date(2026, 11, 29), "Tháng 12", "2026-12"),  # its data range began on 15/11
        (date(2026, 11, 29), "thang 4", "2026-04"),
        (date(2026, 11, 29), "quý 4", "2026-Q4"),
        (date(2026, 11, 29), "Quý IV", "2026-Q4"),
        (date(2026, 11, 29), "quy 3", "2026-Q3"),
        (date(2026, 11, 29), "6 tháng đầu năm", "2026-H1"),
        (date(2026, 12, 14), "tháng 12", "2026-12"),
        (date(2026, 12, 20), "tháng 1", "2027-01"),  # 15/12/2026–14/01/2027 has begun
        (date(2027, 2, 1), "quý 1", "2027-Q1"),
        (date(2027, 2, 1), "tháng 11", "2026-11"),
    ],
)
def test_typed_forms_without_a_year_take_the_latest_started(
    today: date, text: str, period_id: str
) -> None:
    period = parse_period_text(text, campaign_start=START, campaign_end=END, today=today)
    assert period.id == period_id


def test_a_year_less_period_outside_the_campaign_is_refused_with_a_message() -> None:
    with pytest.raises(PeriodOutsideCampaign) as refused:
        parse_period_text(
            "tháng 12", campaign_start=START, campaign_end=END, today=date(2026, 11, 10)
        )
    assert str(refused.value) == (
        "Tháng 12/2025 (15/11–14/12/2025) không thuộc thời gian Chiến dịch (14/03/2026–27/07/2027)."
        " Gõ kèm năm, ví dụ /baocao thang 11/2026, hoặc chọn một kỳ dưới đây."
    )
    # Q1/2026 (15/12/2025–14/03/2026) ends on the campaign's start: before the first period.
    with pytest.raises(PeriodOutsideCampaign, match=r"^Quý I/2026 \(15/12/2025–14/03/2026\)"):
        parse_period_text("quý 1", campaign_start=START, campaign_end=END, today=date(2026, 11, 29))
    # Without today's date a year-less form cannot be read.
    with pytest.raises(PeriodError):
        parse_period_text("tháng 11", campaign_start=START, campaign_end=END)


def test_a_period_typed_with_its_year_must_lie_in_the_campaign_and_have_begun() -> None:
    today = date(2026, 11, 29)
    with pytest.raises(PeriodOutsideCampaign) as before:
        parse_period_text("nam 2025", campaign_start=START, campaign_end=END, today=today)
    assert str(before.value) == (
        "Năm 2025 (15/12/2024–14/12/2025) không thuộc thời gian Chiến dịch (14/03/2026–27/07/2027)."
    )
    with pytest.raises(PeriodOutsideCampaign) as after:
        parse_period_text("tháng 11/2027", campaign_start=START, campaign_end=END, today=today)
    assert str(after.value).startswith("Tháng 11/2027 (15/10–14/11/2027) không thuộc thời gian")
    with pytest.raises(PeriodOutsideCampaign) as future:
        parse_period_text("năm 2027", campaign_start=START, campaign_end=END, today=today)
    assert str(future.value) == (
        "Năm 2027 (15/12/2026–14/12/2027) chưa bắt đầu: số liệu của kỳ này tính từ ngày 15/12/2026."
    )
    # Begun (December's data range opened on 15/11), or in the past: compiled.
    for typed, period_id in (("tháng 12/2026", "2026-12"), ("quý 2/2026", "2026-Q2")):
        found = parse_period_text(typed, campaign_start=START, campaign_end=END, today=today)
        assert found.id == period_id
