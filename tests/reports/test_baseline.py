"""The benchmark's SQL baseline computes exactly the figures the report states (issue 8's ratio
compares like with like), on the scenario's replies, for every period of the golden files."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from benchmarks.report_baseline import (
    asked_for,
    baseline_figures,
    differences,
    figures_of_summary,
)
from models.repositories import get_plan
from scheduler.periods import parse_period_id
from tests.reports.conftest import END, NOW, START, summary_for
from tests.reports.test_golden import PERIODS


@pytest.mark.parametrize("period_id", PERIODS)
async def test_baseline_states_the_reports_figures(
    factory: async_sessionmaker[AsyncSession], period_id: str
) -> None:
    report = figures_of_summary(await summary_for(factory, period_id))
    period = parse_period_id(period_id, campaign_start=START, campaign_end=END)
    async with factory() as session:
        plan = await get_plan(session)
        asked = await asked_for(
            session, plan.id, period, now=NOW, campaign_start=START, campaign_end=END
        )
        baseline = await baseline_figures(await session.connection(), asked)
    assert differences(report, baseline) == []
    # The scenario exercises every kind of figure (not an agreement of empty sets).
    if period_id == "2026-11":
        assert {kind for kind, *_ in report.standings.values()} == {"on_time", "late", "missing"}
        assert report.overdue and report.indicators and report.deliverables
        assert any(notes for _p, _c, notes, _s in report.indicators.values())
