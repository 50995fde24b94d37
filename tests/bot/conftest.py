"""Fixtures of the bot tests: a migrated database and its session factory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import migrate
from models.db import create_engine, create_session_factory

#: A fixed "now" for the access tests: a Tuesday inside the campaign, 09:00 in Hà Tĩnh.
NOW = datetime(2026, 4, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
async def session_factory(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on a freshly migrated database (SQLite, and PostgreSQL when reachable)."""
    await asyncio.to_thread(migrate.upgrade, db_url)  # Alembic's env runs its own event loop
    engine = create_engine(db_url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()
