"""One scheduler at a time (DESIGN.md decision 2): the leader lock.

The process holding the lock polls Telegram (in polling mode), plans and sends; any other process
waits in :meth:`LeaderLock.acquire` as a hot standby — it never polls Telegram (a second poller is
answered 409 Conflict) — and takes over within seconds when the leader dies, because the lock is
released by the operating system (file lock) or by the server (advisory lock) with the process.

- PostgreSQL: ``pg_advisory_lock(key)`` on a dedicated connection kept open for the process's life;
  the server frees it when the connection drops. The wait happens in the server (no polling).
- SQLite: an OS file lock (``filelock``) on ``<database>.<name>.lock`` next to the database file.
  ``filelock`` retries a non-blocking ``flock`` every ``poll_interval`` seconds (0.2 s here), so a
  standby takes over at most that long after the leader's death.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import Protocol

from filelock import AsyncFileLock
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from models.db import create_engine, normalize_url

log = logging.getLogger(__name__)


class LeaderLock(Protocol):
    """What the delivery service needs from a lock."""

    async def acquire(self) -> None:
        """Wait (without timeout) until this process is the leader."""

    async def still_held(self) -> bool:
        """Whether the lock is still ours (``False`` once a PostgreSQL connection dropped)."""

    async def release(self) -> None:
        """Give the lock up (also done by the OS/server when the process dies)."""


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name`` (first 8 bytes of its SHA-256)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


class PostgresLeaderLock:
    """``pg_advisory_lock`` held on its own connection (not from the app's pool)."""

    def __init__(self, url: str | URL, name: str) -> None:
        self._url = url
        self.key = lock_key(name)
        self._engine: AsyncEngine | None = None
        self._conn: AsyncConnection | None = None

    async def acquire(self) -> None:
        self._engine = create_engine(self._url, pool_size=1, max_overflow=0)
        self._conn = await self._engine.connect()
        # Blocks in the server until the holder's session ends: no polling.
        await self._conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": self.key})
        await self._conn.commit()
        log.info("leader lock acquired (advisory lock %d)", self.key)

    async def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            held = await self._conn.scalar(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND granted"
                )
            )
            await self._conn.commit()
        except Exception:
            log.exception("leader lock connection lost")
            return False
        return bool(held)

    async def release(self) -> None:
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                await self._conn.commit()
                await self._conn.close()
            finally:
                self._conn = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None


class FileLeaderLock:
    """An exclusive OS file lock (released by the kernel when the process dies, even SIGKILL)."""

    def __init__(self, path: str | Path, poll_interval: float = 0.2) -> None:
        self.path = Path(path)
        self.poll_interval = poll_interval
        self._lock = AsyncFileLock(str(self.path), poll_interval=poll_interval)

    async def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        await self._lock.acquire(timeout=-1)
        log.info("leader lock acquired (%s)", self.path)

    async def still_held(self) -> bool:
        return bool(self._lock.is_locked)

    async def release(self) -> None:
        if self._lock.is_locked:
            await self._lock.release(force=True)


def leader_lock_for(database_url: str | URL, name: str) -> LeaderLock:
    """The lock suited to the database: advisory lock on PostgreSQL, file lock beside a SQLite
    file (``<db>.<name>.lock``). Raises ``ValueError`` for an in-memory SQLite database (two
    processes cannot share one anyway)."""
    url = normalize_url(database_url)
    if url.get_backend_name() == "postgresql":
        return PostgresLeaderLock(url, name)
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise ValueError("a leader lock needs a SQLite database file")
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    return FileLeaderLock(
        Path(database).expanduser().with_name(f"{Path(database).name}.{safe}.lock")
    )


async def watch(lock: LeaderLock, lost: asyncio.Event, interval: float = 5.0) -> None:
    """Set ``lost`` when the lock stops being held (checked every ``interval`` seconds)."""
    while not lost.is_set():
        await asyncio.sleep(interval)
        if not await lock.still_held():
            log.error("leader lock lost: stopping the scheduler")
            lost.set()
