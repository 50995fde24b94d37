"""Fixtures of the report tests: a migrated database holding the November 2026 scenario."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import migrate
from models.db import create_engine, create_session_factory
from reports.compile import compile_summary
from reports.summary import Summary
from scheduler.periods import parse_period_id
from tests.reports.scenario import build_november, local

START, END = date(2026, 3, 14), date(2027, 7, 27)
#: The report is compiled on Mon 23/11/2026 at 08:00 in Hà Tĩnh.
NOW = local(2026, 11, 23, 8, 0)


@asynccontextmanager
async def scenario_database(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A migrated database at ``url`` with the November scenario committed."""
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    session_factory = create_session_factory(engine)
    async with session_factory.begin() as session:
        await build_november(session)
    try:
        yield session_factory
    finally:
        await engine.dispose()


@pytest.fixture
async def factory(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The scenario on SQLite, and on PostgreSQL too when a server is reachable."""
    async with scenario_database(db_url) as session_factory:
        yield session_factory


async def summary_for(
    session_factory: async_sessionmaker[AsyncSession], period_id: str = "2026-11"
) -> Summary:
    """Compile the scenario's summary for ``period_id``."""
    from models.repositories import get_plan

    async with session_factory() as session:
        plan = await get_plan(session)
        period = parse_period_id(period_id, campaign_start=START, campaign_end=END)
        return await compile_summary(
            session, plan, period, now=NOW, campaign_start=START, campaign_end=END
        )


@pytest.fixture
async def november(factory: async_sessionmaker[AsyncSession]) -> Summary:
    """The compiled November 2026 summary (each database)."""
    return await summary_for(factory)


@pytest.fixture
async def november_sqlite(sqlite_url: str) -> Summary:
    """The compiled November 2026 summary, from SQLite only (for the renderers' tests)."""
    async with scenario_database(sqlite_url) as session_factory:
        return await summary_for(session_factory)
