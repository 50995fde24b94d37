"""Clocks for the emulator: every time-dependent rule (rate limits, ``retry_after``, long-poll
timeouts, webhook retry delays, callback-answer expiry, message dates) reads time from one of these.

- :class:`ManualClock` — tests own the time: :meth:`ManualClock.advance` moves it forward and wakes
  every timer whose deadline has passed, so nothing sleeps for real.
- :class:`SystemClock` — wall-clock time with real ``asyncio`` timers (the offline sandbox),
  which can also jump ahead with :meth:`SystemClock.advance`.

Both express time as float Unix seconds (UTC). A timer is an ``asyncio.Future`` resolved (with
``None``) when the clock reaches its deadline; it must be created and awaited on the event loop
that runs the emulator.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from typing import Protocol

#: 2026-01-01T00:00:00Z — the default start of a :class:`ManualClock` (deterministic dates in tests).
DEFAULT_START = 1_767_225_600.0


class Clock(Protocol):
    """What the emulator needs from a clock."""

    def now(self) -> float:
        """Current time as Unix seconds (UTC)."""
        ...

    def timer(self, delay: float) -> asyncio.Future[None]:
        """A future resolved once ``delay`` seconds of this clock's time have passed."""
        ...


class SystemClock:
    """Real time (``time.time()``) plus an offset that :meth:`advance` can grow, so the sandbox
    can jump ahead (e.g. to the next reminder) while time keeps flowing; timers are real
    ``loop.call_later`` timers that also fire early when a jump passes their deadline."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._timers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return time.time() + self.offset

    def timer(self, delay: float) -> asyncio.Future[None]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        handle = loop.call_later(max(delay, 0.0), _resolve, fut)
        fut.add_done_callback(lambda _f: handle.cancel())
        self._timers = [(d, f) for d, f in self._timers if not f.done()]
        self._timers.append((self.now() + delay, fut))
        return fut

    def advance(self, seconds: float) -> float:
        """Jump ``seconds`` (≥ 0) ahead; returns the new time."""
        if seconds < 0:
            raise ValueError("the clock never goes back")
        self.offset += seconds
        now = self.now()
        for deadline, fut in self._timers:
            if deadline <= now:
                _resolve(fut)
        return now


def _resolve(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


class ManualClock:
    """A clock that moves only when told to.

    ``advance(seconds)`` / ``set(timestamp)`` move time forward (never back) and resolve every
    pending timer whose deadline is reached, in deadline order. They are plain (synchronous)
    methods, to be called from the event loop running the emulator (the pytest fixture runs it on
    the test's own loop); the woken coroutines run at the caller's next ``await``.
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    def now(self) -> float:
        return self._now

    def timer(self, delay: float) -> asyncio.Future[None]:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if delay <= 0:
            fut.set_result(None)
            return fut
        heapq.heappush(self._timers, (self._now + delay, next(self._seq), fut))
        return fut

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` (≥ 0); returns the new time."""
        if seconds < 0:
            raise ValueError("a ManualClock never goes back")
        return self.set(self._now + seconds)

    def set(self, timestamp: float) -> float:
        """Jump to ``timestamp`` (Unix seconds, not earlier than now); returns it."""
        if timestamp < self._now:
            raise ValueError("a ManualClock never goes back")
        self._now = float(timestamp)
        while self._timers and self._timers[0][0] <= self._now:
            _, _, fut = heapq.heappop(self._timers)
            _resolve(fut)
        return self._now

    @property
    def pending_timers(self) -> int:
        """How many timers have not fired yet (cancelled ones included until they expire)."""
        return sum(1 for _, _, f in self._timers if not f.done())
