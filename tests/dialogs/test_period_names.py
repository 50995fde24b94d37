"""The dialog and the report name a period alike ("quý IV/2026", as the plan's documents write
quarters); the dialog adds the period's dates."""

from __future__ import annotations

import pytest

from dialogs.render import period_label as dialog_label
from reports.summary import period_label as report_label
from scheduler.periods import ReportingPeriod, half_yearly, monthly, quarterly, yearly


@pytest.mark.parametrize(
    ("period", "in_dialog", "in_report"),
    [
        (monthly(2026, 11), "tháng 11/2026 (15/10/2026–14/11/2026)", "tháng 11/2026"),
        (quarterly(2026, 4), "quý IV/2026 (15/09/2026–14/12/2026)", "quý IV/2026"),
        (quarterly(2027, 1), "quý I/2027 (15/12/2026–14/03/2027)", "quý I/2027"),
        (
            half_yearly(2027, 1),
            "6 tháng đầu năm 2027 (15/12/2026–14/06/2027)",
            "6 tháng đầu năm 2027",
        ),
        (yearly(2026), "năm 2026 (15/12/2025–14/12/2026)", "năm 2026"),
    ],
)
def test_dialog_and_report_name_a_period_alike(
    period: ReportingPeriod, in_dialog: str, in_report: str
) -> None:
    assert dialog_label(period) == in_dialog
    assert report_label(period) == in_report
