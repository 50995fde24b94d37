"""Fixtures of the dialog tests: a migrated database with the small plan, and a driver that plays
one contact through the dialog, one transaction per step (as the adapter does)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import models.people
import models.progress
import models.reminders  # noqa: F401  (every table registered)
from dialogs import progress
from dialogs.config import DialogConfig
from dialogs.render import Button, Notice, Screen
from models.base import Base
from models.db import create_engine, create_session_factory, normalize_url
from models.people import Contact
from scheduler.calendar import WorkingCalendar
from tests.conftest import PG_URL, _pg_admin
from tests.dialogs.factories import BCHQS, DialogPlan, make_contact, make_plan

#: Monday 16/11/2026, 09:00 in Hà Tĩnh. Worked out by hand from ND 09/2019 Art. 12: the November
#: report (data 15/10–14/11) is due on the 2nd working day after Sat 14/11, Tue 17/11, so on the 16th
#: two periods are open: "2026-11" (the default) and the current one, "2026" (the year, which shares
#: the 14/12 cut-off with December, Q4 and H2).
NOW = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)
CFG = DialogConfig(calendar=WorkingCalendar())


@dataclass
class Clock:
    """A clock the tests move by hand."""

    now: datetime = NOW

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Driver:
    """One contact going through the dialog; ``last`` is the last screen shown."""

    factory: async_sessionmaker[AsyncSession]
    contact_id: int
    clock: Clock
    cfg: DialogConfig = CFG
    last: Screen | None = None
    screens: list[Screen | Notice | None] = field(default_factory=list)

    async def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        async with self.factory.begin() as session:
            contact = await session.scalar(select(Contact).where(Contact.id == self.contact_id))
            result = await fn(session, contact, self.clock.now, self.cfg, *args, **kwargs)
        self.screens.append(result)
        if isinstance(result, Screen):
            self.last = result
        return result

    async def start(self) -> Screen:
        result: Screen = await self._run(progress.start)
        return result

    async def open_task(self, code: str, occurrence: int = 0, one_tap: bool = False) -> Any:
        return await self._run(progress.open_task, code, occurrence, one_tap=one_tap)

    def button(self, label: str, screen: Screen | None = None) -> Button:
        screen = screen or self.last
        assert screen is not None
        found = [b for row in screen.rows for b in row if b.label == label]
        assert found, f"no button {label!r} in {[b.label for r in screen.rows for b in r]}"
        return found[0]

    async def tap(self, label: str, screen: Screen | None = None) -> Screen | Notice:
        """Tap the button labelled ``label`` on ``screen`` (default: the last one shown)."""
        screen = screen or self.last
        assert screen is not None
        b = self.button(label, screen)
        result: Screen | Notice = await self._run(
            progress.press, screen.token, screen.step, b.action, b.arg
        )
        return result

    async def text(self, text: str) -> Screen | None:
        result: Screen | None = await self._run(progress.receive_text, text)
        return result

    async def file(self, attachment: progress.Attachment) -> Screen | None:
        result: Screen | None = await self._run(progress.receive_file, attachment)
        return result


def labels(screen: Screen) -> list[list[str]]:
    """The button labels of a screen, row by row."""
    return [[b.label for b in row] for row in screen.rows]


@pytest.fixture(scope="session")
def _dialog_pg_url() -> Iterator[str | None]:
    """One PostgreSQL database for all dialog tests (CREATE DATABASE costs seconds; each test
    empties the tables instead). None when no server is reachable."""
    if PG_URL is None:
        yield None
        return
    name = f"t_dialogs_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    url = normalize_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    async def create_schema() -> None:
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        await engine.dispose()

    asyncio.run(create_schema())
    yield url
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_engine_url(
    request: pytest.FixtureRequest, tmp_path: Path, _dialog_pg_url: str | None
) -> str:
    """The URL of the test's database: SQLite, and PostgreSQL when reachable (skipped otherwise)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'dialogs.db'}"
    if _dialog_pg_url is None:
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432 and DATABASE_URL_PG unset")
    return _dialog_pg_url


@pytest.fixture
async def session_factory(db_engine_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A fresh database with the schema straight from the models (the migration itself is tested
    in ``tests/test_migrations.py``): SQLite, and PostgreSQL when reachable (skipped otherwise)."""
    engine = create_engine(db_engine_url)
    if engine.dialect.name == "sqlite":
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    else:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def plan(session_factory: async_sessionmaker[AsyncSession]) -> DialogPlan:
    async with session_factory.begin() as session:
        return await make_plan(session)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def driver(
    session_factory: async_sessionmaker[AsyncSession], plan: DialogPlan, clock: Clock
) -> Driver:
    """A contact of Bộ Chỉ huy Quân sự tỉnh (leads 5a, 5b, 6b)."""
    async with session_factory.begin() as session:
        contact = await make_contact(session, plan, BCHQS, 1001, username="an_bchqs")
    return Driver(session_factory, contact.id, clock)
