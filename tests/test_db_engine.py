"""The SQLite engine's pool reset: a committed unit of work goes back to the pool without a
rollback (one aiosqlite hand-off saved per update); a connection left inside a transaction is
still rolled back, so it never keeps SQLite's write lock."""

from __future__ import annotations

from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text

from models.db import create_engine, create_session_factory, unit_connection


@pytest.fixture
def rollbacks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per rollback aiosqlite runs (whether SQLite had a transaction open)."""
    calls: list[bool] = []
    original = aiosqlite.Connection.rollback

    async def counted(self: aiosqlite.Connection) -> None:
        calls.append(self.in_transaction)
        await original(self)

    monkeypatch.setattr(aiosqlite.Connection, "rollback", counted)
    return calls


async def test_committed_unit_returns_without_rollback(
    sqlite_url: str, rollbacks: list[bool]
) -> None:
    engine = create_engine(sqlite_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
        rollbacks.clear()  # SQLAlchemy rolls back once after the first connect (dialect set-up)
        factory = create_session_factory(engine)
        for value in range(3):
            async with factory.begin() as session:
                await session.execute(text("INSERT INTO t VALUES (:x)"), {"x": value})
            async with factory.begin() as session:  # read-only: no SQLite transaction at all
                await session.execute(text("SELECT count(*) FROM t"))
        assert rollbacks == []
        async with factory() as session:
            assert await session.scalar(text("SELECT count(*) FROM t")) == 3
    finally:
        await engine.dispose()


async def test_connection_left_in_a_transaction_is_rolled_back(
    sqlite_url: str, rollbacks: list[bool]
) -> None:
    engine = create_engine(sqlite_url)
    other = create_engine(sqlite_url, connect_args={"timeout": 0.2})
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
        rollbacks.clear()
        async with engine.connect() as conn:
            # Behind SQLAlchemy's back: the driver opens a write transaction SQLAlchemy does not
            # know of, so only the pool's reset can end it.
            raw: Any = (await conn.get_raw_connection()).driver_connection
            await raw.execute("INSERT INTO t VALUES (1)")
            assert raw.in_transaction
        assert rollbacks == [True]
        # The write lock was released and the write undone: another engine writes at once.
        async with other.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (2)"))
            assert (await conn.execute(text("SELECT x FROM t"))).scalars().all() == [2]
    finally:
        await other.dispose()
        await engine.dispose()


async def test_unit_connection_is_the_transactions_connection(db_url: str) -> None:
    """``unit_connection`` asks the session once per transaction: the same connection for every
    statement of a unit of work, the session's own (its statements see each other's writes), and
    a fresh one for the session's next transaction."""
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE uc (x INTEGER)"))
        factory = create_session_factory(engine)
        async with factory() as session:
            first = await unit_connection(session)
            assert await unit_connection(session) is first
            assert first.sync_connection is (await session.connection()).sync_connection
            await first.execute(text("INSERT INTO uc VALUES (1)"))
            assert await session.scalar(text("SELECT count(*) FROM uc")) == 1
            await session.rollback()
            second = await unit_connection(session)
            assert second is not first
            assert second.sync_connection is (await session.connection()).sync_connection
            assert await session.scalar(text("SELECT count(*) FROM uc")) == 0
            await second.execute(text("INSERT INTO uc VALUES (2)"))
            await session.commit()
            third = await unit_connection(session)
            assert third is not second
            assert (await third.execute(text("SELECT x FROM uc"))).scalars().all() == [2]
    finally:
        await engine.dispose()
