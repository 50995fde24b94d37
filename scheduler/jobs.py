"""APScheduler wiring (DESIGN.md decisions 1–2): two interval jobs, nothing else.

``AsyncIOScheduler`` with an in-memory job store fires only

- ``planner_tick`` every ``tick_seconds`` (default 60): the planner writes what is due into the
  outbox, in the transaction that decided it;
- ``outbox_sender`` every ``send_seconds`` (default 5), and right after a tick wrote rows.

No reminder is ever a job: everything due lives in the outbox, so a restart loses nothing and an
in-memory job store is enough. Both jobs have ``max_instances=1``, ``coalesce=True`` (runs missed
while the loop was busy collapse into one) and an explicit ``misfire_grace_time`` (a run late by
more than that is skipped — the next one does the same work).

:class:`DeliveryService` is what the bot starts in ``post_init``: it waits for the leader lock
(hot standby), recovers rows a dead leader left in ``sending``, then runs the scheduler until the
lock is lost or it is stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.leader import LeaderLock, watch
from scheduler.sender import OutboxSender

log = logging.getLogger(__name__)

#: ``async def tick(now) -> rows_written``: the planner run (``scheduler.planner``).
PlannerTick = Callable[[datetime], Awaitable[int]]

PLANNER_JOB = "planner_tick"
SENDER_JOB = "outbox_sender"


def build_scheduler(
    sender: OutboxSender,
    tick: PlannerTick | None,
    *,
    tick_seconds: float = 60.0,
    send_seconds: float = 5.0,
    misfire_grace_seconds: int = 30,
) -> AsyncIOScheduler:
    """A scheduler (not started) with the planner tick (when given) and the sender."""
    scheduler = AsyncIOScheduler(timezone="UTC")
    explicit = {
        "coalesce": True,
        "max_instances": 1,
        "misfire_grace_time": misfire_grace_seconds,
        "replace_existing": True,
    }

    async def run_sender() -> None:
        report = await sender.drain()
        if report.messages or report.failed_rows or report.retry_rows:
            log.info(
                "outbox: %d messages (%d rows) sent, %d rows failed, %d to retry",
                report.messages,
                report.sent_rows,
                report.failed_rows,
                report.retry_rows,
            )

    async def run_tick() -> None:
        assert tick is not None
        written = await tick(sender.clock())
        if written:
            # Send what the tick just decided without waiting for the next sender run.
            job = scheduler.get_job(SENDER_JOB)
            if job is not None:
                job.modify(next_run_time=datetime.now(scheduler.timezone))

    scheduler.add_job(
        run_sender,
        "interval",
        seconds=send_seconds,
        id=SENDER_JOB,
        name="drain the outbox",
        next_run_time=datetime.now(scheduler.timezone),
        **explicit,
    )
    if tick is not None:
        scheduler.add_job(
            run_tick,
            "interval",
            seconds=tick_seconds,
            id=PLANNER_JOB,
            name="planner tick",
            next_run_time=datetime.now(scheduler.timezone),
            **explicit,
        )
    return scheduler


class DeliveryService:
    """Leader election + recovery + the two jobs, for one bot process.

    ``on_leader`` (optional) runs once this process became the leader, before the jobs start.
    ``on_lost`` (optional) is called when the lock is lost; the bot stops itself there (a
    supervisor restarts it as a standby).
    """

    def __init__(
        self,
        lock: LeaderLock,
        sender: OutboxSender,
        tick: PlannerTick | None,
        *,
        tick_seconds: float = 60.0,
        send_seconds: float = 5.0,
        lock_check_seconds: float = 5.0,
        on_leader: Callable[[], Awaitable[None]] | None = None,
        on_lost: Callable[[], None] | None = None,
    ) -> None:
        self.lock = lock
        self.sender = sender
        self.tick = tick
        self.tick_seconds = tick_seconds
        self.send_seconds = send_seconds
        self.lock_check_seconds = lock_check_seconds
        self.on_leader = on_leader
        self.on_lost = on_lost
        self.is_leader = asyncio.Event()
        self.lost = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._scheduler: AsyncIOScheduler | None = None

    async def become_leader(self) -> None:
        """Wait (hot standby) until this process holds the lock; then take back the rows a dead
        leader left 'sending' — only the leader sends, so they belong to a dead process."""
        if self.is_leader.is_set():
            return
        await self.lock.acquire()
        self.is_leader.set()
        await self.sender.recover(everything=True)

    async def run(self) -> None:
        """Become the leader, then plan and send until the lock is lost; returns only then."""
        await self.become_leader()
        if self.on_leader is not None:
            await self.on_leader()
        self._scheduler = build_scheduler(
            self.sender, self.tick, tick_seconds=self.tick_seconds, send_seconds=self.send_seconds
        )
        self._scheduler.start()
        try:
            await watch(self.lock, self.lost, self.lock_check_seconds)
        finally:
            self._scheduler.shutdown(wait=False)
        # Lost the lock (e.g. the PostgreSQL connection dropped): another process may lead now,
        # so this one must stop polling and sending — ``on_lost`` stops the process.
        if self.on_lost is not None:
            self.on_lost()

    def start(self) -> asyncio.Task[None]:
        """Run :meth:`run` in the background (for ``post_init``); returns the task."""
        self._task = asyncio.create_task(self.run(), name="delivery-service")
        return self._task

    async def stop(self) -> None:
        """Stop the jobs and give the lock up (for ``post_shutdown``)."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        await self.lock.release()
