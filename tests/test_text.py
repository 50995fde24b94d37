"""Dates and instants as Vietnamese messages write them (``models.text``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from models.text import fmt_date, fmt_moment

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_fmt_date_pads_day_and_month() -> None:
    assert fmt_date(date(2026, 7, 4)) == "04/07/2026"
    assert fmt_date(date(2027, 12, 31)) == "31/12/2027"


def test_fmt_moment_writes_local_time() -> None:
    # 23:30 UTC on 30/11 is 06:30 on 01/12 in Hồ Chí Minh (UTC+7): the local day is shown.
    assert fmt_moment(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), HCM) == "01/12/2026 06:30"
    assert fmt_moment(datetime(2026, 4, 7, 2, 0, tzinfo=UTC), HCM) == "07/04/2026 09:00"


def test_fmt_moment_takes_a_naive_instant_as_utc() -> None:
    # As SQLite hands back what was stored as UTC.
    assert fmt_moment(datetime(2026, 11, 30, 23, 30), HCM) == "01/12/2026 06:30"
