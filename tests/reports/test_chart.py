"""The PNG chart's plotted data (read from the matplotlib figure, not from pixels): the series
stops at the report's period and never runs past the compile date (scenario compiled 23/11/2026)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reports.chart import chart_figure, plotted
from reports.summary import IndicatorLine, Summary
from tests.reports.conftest import scenario_database, summary_for

MONTHS_2026 = [f"{m:02d}/26" for m in range(4, 12)]  # cut-offs 14/04 … 14/11/2026


def series(summary: Summary) -> dict[str, tuple[list[str], list[float]]]:
    """Panel title → (x labels, y values) of the cumulative line as drawn."""
    out = {}
    for ax in chart_figure(summary).axes:
        [line] = [ln for ln in ax.get_lines() if ln.get_label() == "Lũy kế"]  # not the target
        out[ax.get_title()] = ([str(x) for x in line.get_xdata()], list(line.get_ydata()))
    return out


async def test_monthly_report_plots_each_cutoff_of_the_campaign(sqlite_url: str) -> None:
    async with scenario_database(sqlite_url) as factory:
        november = await summary_for(factory)
    drawn = series(november)
    assert drawn["Mộ đã lấy mẫu"] == (MONTHS_2026, [0.0] * 6 + [2000.0, 4034.0])
    assert drawn["Hài cốt liệt sĩ quy tập"][0] == MONTHS_2026


async def test_milestone_compiled_early_stops_at_the_compile_date(sqlite_url: str) -> None:
    """The final review runs to 27/7/2027; compiled on 23/11/2026 its figures end at 14/11/2026
    (no flat points for 12/26 … 07/27), and the title says so."""
    factory: async_sessionmaker[AsyncSession]
    async with scenario_database(sqlite_url) as factory:
        tongket = await summary_for(factory, "tongket")
        quarter = await summary_for(factory, "2026-Q4")  # 15/09–14/12/2026
    assert tongket.indicators[0].by_cutoff[-1][0] == date(2027, 7, 14)  # what compile gives
    assert series(tongket)["Mộ đã lấy mẫu"] == (MONTHS_2026, [0.0] * 6 + [2000.0, 4034.0])
    assert chart_figure(tongket).get_suptitle().endswith("(số liệu đến 23/11/2026)")
    assert series(quarter)["Mộ đã lấy mẫu"][0] == MONTHS_2026  # not 12/26


def test_figures_of_a_cutoff_still_to_come_end_on_the_compile_date() -> None:
    """Replies already confirmed for the open period (cut-off 14/12) are not lost: one last point
    at the compile date carries them, labelled with that date, not the future cut-off."""
    line = IndicatorLine(
        code="remains_recovered",
        name="Hài cốt quy tập",
        unit="hài cốt",
        period_total=Decimal(2),
        cumulative=Decimal(6),
        target_min=Decimal(10),
        target_max=Decimal(12),
        by_cutoff=[
            (date(2026, 10, 14), Decimal(4)),
            (date(2026, 11, 14), Decimal(4)),
            (date(2026, 12, 14), Decimal(6)),
        ],
    )
    assert plotted(line, date(2026, 12, 14), date(2026, 11, 23)) == [
        (date(2026, 10, 14), "10/26", Decimal(4)),
        (date(2026, 11, 14), "11/26", Decimal(4)),
        (date(2026, 11, 23), "23/11/26", Decimal(6)),
    ]
    # Nothing new after the last cut-off kept: the series just stops there.
    flat = replace(line, by_cutoff=line.by_cutoff[:2])
    assert plotted(flat, date(2026, 11, 14), date(2026, 10, 20)) == [
        (date(2026, 10, 14), "10/26", Decimal(4))
    ]
    # Compiled after the period: points up to its end only.
    assert [label for _d, label, _v in plotted(line, date(2026, 10, 14), date(2027, 1, 5))] == [
        "10/26"
    ]
