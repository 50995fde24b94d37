"""Engine and session setup for SQLite (aiosqlite, WAL) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolResetState
from sqlalchemy.util import await_only

from locales import _

SQLITE_BUSY_TIMEOUT_MS = 30_000


def as_utc(moment: datetime) -> datetime:
    """``moment`` as aware UTC. Every datetime is stored UTC; SQLite hands them back naive."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class DatabaseUrlError(ValueError):
    """The ``DATABASE_URL`` setting is not a SQLite or PostgreSQL URL."""


def normalize_url(url: str | URL) -> URL:
    """Turn the usual URL forms into async ones: ``sqlite:///p`` → ``sqlite+aiosqlite:///p``,
    ``postgres://`` / ``postgresql://`` / ``postgresql+psycopg://`` → ``postgresql+asyncpg://``.

    Raises ``DatabaseUrlError`` for anything else.
    """
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except Exception as exc:  # sqlalchemy.exc.ArgumentError
        raise DatabaseUrlError(
            _("không đọc được DATABASE_URL “{url}”: {error}").format(url=str(url), error=exc)
        ) from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise DatabaseUrlError(
        _("DATABASE_URL “{url}”: chỉ hỗ trợ sqlite:/// và postgresql://").format(
            url=parsed.render_as_string(hide_password=True)
        )
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while one writer commits; busy_timeout makes concurrent writers wait
    # instead of failing with "database is locked"; SQLite leaves foreign keys off unless asked.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _execute_in_worker(
    connection: sqlite3.Connection, operation: str, parameters: Any
) -> tuple[Any, list[Any], int, int | None]:
    """Run one statement on aiosqlite's worker thread and return all of it at once:
    (description, rows, rowcount, lastrowid)."""
    cursor = connection.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _executemany_in_worker(
    connection: sqlite3.Connection, operation: str, parameters: Any
) -> tuple[Any, list[Any], int, int | None]:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return None, [], cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneHopCursor:
    """A DB-API cursor over aiosqlite that costs ONE hand-off to the connection's worker thread per
    statement. SQLAlchemy's own aiosqlite cursor makes one per call — create the cursor, execute,
    fetch the rows, close: four thread round trips, each a queue put, a wake-up of the worker and a
    ``call_soon_threadsafe`` back — which made them most of a dialog step's database time. This
    one runs the statement and fetches every row in a single call (as SQLAlchemy's cursor does
    anyway: it buffers all rows), then serves description, rows, rowcount and lastrowid from
    memory. Server-side (streaming) cursors keep SQLAlchemy's class.

    Relies on aiosqlite's ``Connection._execute`` (queue a function on the worker thread) and
    ``Connection._conn``; ``tests/test_db_engine.py`` pins the behaviour.
    """

    server_side = False

    def __init__(self, adapt_connection: Any) -> None:
        self._adapt_connection = adapt_connection
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def _run(self, function: Any, operation: str, parameters: Any) -> None:
        driver = self._adapt_connection._connection  # the aiosqlite.Connection
        async with self._adapt_connection._execute_mutex:
            result = await driver._execute(function, driver._conn, operation, parameters)
        self.description, rows, self.rowcount, self.lastrowid = result
        self._rows = deque(rows)

    def execute(self, operation: str, parameters: Any = None) -> None:
        try:
            await_only(self._run(_execute_in_worker, operation, parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: str, seq_of_parameters: Any) -> None:
        try:
            await_only(self._run(_executemany_in_worker, operation, seq_of_parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def __iter__(self) -> Iterator[Any]:
        while self._rows:
            yield self._rows.popleft()

    def close(self) -> None:
        self._rows.clear()

    async def _async_soft_close(self) -> None:
        """Nothing to release: the driver's cursor was closed on the worker thread."""

    def setinputsizes(self, *_sizes: Any) -> None:
        pass


class _OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:
            return super().cursor(server_side=True)
        return OneHopCursor(self)


class _OneHopDbapi(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DB-API adapter whose connections hand out ``OneHopCursor``s."""

    def connect(self, *args: Any, **kwargs: Any) -> Any:
        connection = super().connect(*args, **kwargs)
        connection.__class__ = _OneHopConnection  # same slots: only ``cursor`` differs
        return connection


def _sqlite_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
    # A connection going back to the pool is rolled back only if SQLite has a transaction open on
    # it. The pool's default reset rolls back every time, and with aiosqlite every call is a
    # hand-off to the connection's worker thread: after a committed unit of work (the usual case)
    # that was one round trip per update for nothing. ``in_transaction`` reads SQLite's own
    # autocommit flag, no hand-off. (SQLAlchemy's documented custom-reset recipe:
    # ``pool_reset_on_return=None`` plus a "reset" listener.)
    if not state.asyncio_safe:
        return  # garbage-collected without a loop: the pool terminates it, no reset is possible
    driver = getattr(dbapi_connection, "driver_connection", dbapi_connection)
    if getattr(driver, "in_transaction", True):
        dbapi_connection.rollback()


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` (normalized); a SQLite file's folder is created if missing.

    SQLite: the pragmas of ``_sqlite_pragmas`` on every connection; one worker-thread hand-off per
    statement (``OneHopCursor``); a connection returned to the pool is rolled back only when a
    transaction is open on it (``_sqlite_reset``).
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        kwargs.setdefault("pool_reset_on_return", None)
        kwargs.setdefault("module", _OneHopDbapi(aiosqlite, sqlite3))
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if kwargs.get("pool_reset_on_return", "rollback") is None:
            event.listen(engine.sync_engine.pool, "reset", _sqlite_reset)
    return engine


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory; use ``async with factory.begin() as session:`` per unit of work."""
    return async_sessionmaker(engine, expire_on_commit=False)


#: ``session.info`` key of ``unit_connection``'s (transaction, connection) pair.
_UNIT_CONNECTION = "models.db.unit_connection"


async def unit_connection(session: AsyncSession) -> AsyncConnection:
    """The connection of ``session``'s current transaction, for Core statements in a unit of work.

    The same as ``await session.connection()`` (which begins the transaction if none is open), but
    asked of the session once per transaction and then kept in ``session.info``: every call of
    ``session.connection()`` is a hand-off into SQLAlchemy's greenlet and a walk through the
    session's transaction, which cost a dialog step more than some of its statements. A new
    transaction of the same session (after a commit or a rollback) gets its connection afresh.
    """
    transaction = session.sync_session.get_transaction()
    cached = session.info.get(_UNIT_CONNECTION)
    if (
        cached is not None
        and transaction is not None
        and cached[0] is transaction
        and transaction.is_active
    ):
        return cached[1]  # type: ignore[no-any-return]
    connection = await session.connection()
    session.info[_UNIT_CONNECTION] = (session.sync_session.get_transaction(), connection)
    return connection
