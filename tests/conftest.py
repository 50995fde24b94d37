"""Shared fixtures: database URLs (SQLite always; PostgreSQL when a server is reachable)."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["emulator.pytest_plugin"]

ROOT = Path(__file__).resolve().parent.parent
PLAN_TXT = ROOT / "data" / "plan" / "ke_hoach_chien_dich_500_ngay_dem.txt"
PLAN_DOCX = ROOT / "data" / "plan" / "ke_hoach_chien_dich_500_ngay_dem.docx"


def _pg_base_url() -> str | None:
    """``DATABASE_URL_PG`` or the local server on 127.0.0.1:5432 (database ``test``) if reachable."""
    explicit = os.environ.get("DATABASE_URL_PG")
    if explicit:
        return explicit
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            pass
    except OSError:
        return None
    return "postgresql://postgres@127.0.0.1:5432/test"


PG_URL = _pg_base_url()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file database URL."""
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def small_plan_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated SQLite database holding the small test plan (``tests.factories``); the CLI
    reads it through ``DATABASE_URL``, set here. Returns its URL."""
    import asyncio

    from models import migrate
    from models.db import create_engine, create_session_factory
    from tests.factories import make_small_plan

    migrate.upgrade(sqlite_url)

    async def seed() -> None:
        engine = create_engine(sqlite_url)
        async with create_session_factory(engine).begin() as s:
            await make_small_plan(s)
        await engine.dispose()

    asyncio.run(seed())
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


async def _pg_admin(statement: str) -> None:
    import asyncpg  # the driver the bot itself uses for PostgreSQL

    from models.db import normalize_url

    url = normalize_url(PG_URL or "")
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, database=url.database
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the reachable server; skipped (saying so) otherwise."""
    if PG_URL is None:
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432 and DATABASE_URL_PG unset")
    import asyncio

    from models.db import normalize_url

    name = f"t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    url = normalize_url(PG_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using it runs on SQLite and on PostgreSQL (skipped where none is reachable)."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


#: aiosqlite runs each connection in a thread of this name; one still alive after a test (and its
#: event loop) ended is a connection nobody closed — an engine not disposed. Left to the garbage
#: collector, it was closed later from that dead loop's thread, and pytest blamed whichever test
#: was running then (PytestUnhandledThreadExceptionWarning).
AIOSQLITE_THREAD = "_connection_worker_thread"


def _aiosqlite_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if AIOSQLITE_THREAD in t.name and t.is_alive()}


@pytest.fixture(autouse=True)
def no_open_sqlite_connection() -> Iterator[None]:
    """Fail the test that leaves an aiosqlite connection open (its engine not disposed)."""
    before = _aiosqlite_threads()
    yield
    leaked = _aiosqlite_threads() - before
    for thread in leaked:
        thread.join(timeout=2.0)  # a closed connection's thread ends right after close()
    still = [t.name for t in leaked if t.is_alive()]
    if still:
        pytest.fail(f"aiosqlite connection(s) left open (dispose the engine): {still}")
