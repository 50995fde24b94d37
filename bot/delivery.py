"""Composition of delivery for one bot process: the sender, the planner tick, the leader lock and
the APScheduler jobs (``scheduler.jobs.DeliveryService``), built from the settings.

``build_delivery(settings, bot, session_factory, plan_id)`` is what the bot calls once it has its
``Bot`` and database; ``run_sender_only(settings)`` is ``python -m bot outbox send``: the same
service without polling (a process that only plans and sends).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.ext import ExtBot

from bot.settings import Settings, reminder_rules
from bot.telegram_http import bot_request
from locales import _
from models.db import create_engine, create_session_factory
from models.repositories import get_plan
from scheduler import controls
from scheduler.jobs import DeliveryService, PlannerTick
from scheduler.leader import leader_lock_for
from scheduler.outbox import run_planner
from scheduler.reminder_text import RenderedMessage
from scheduler.rules import ReminderRules
from scheduler.sender import OutboxSender, SenderConfig, rate_limiter

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The real clock (aware UTC)."""
    return datetime.now(UTC)


def planner_tick(
    session_factory: async_sessionmaker[AsyncSession], plan_id: int, rules: ReminderRules
) -> PlannerTick:
    """``async tick(now) -> rows written``: plan and write the outbox in one transaction."""

    async def tick(now: datetime) -> int:
        async with session_factory.begin() as session:
            if await controls.is_paused(session, plan_id):
                return 0
            _reminders, written = await run_planner(session, plan_id, rules, now)
            return written

    return tick


def lock_name(settings: Settings) -> str:
    """One sender per bot token: the lock is named after the bot's numeric id."""
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    return f"chien-dich-500-sender-{token.split(':', 1)[0] or 'bot'}"


def build_delivery(
    settings: Settings,
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    plan_id: int,
    *,
    clock: Clock = system_clock,
    after_accept: Callable[[RenderedMessage], None] | None = None,
) -> DeliveryService:
    """The delivery service of this process (not started: call ``.start()`` or ``await .run()``).

    ``bot`` should carry ``scheduler.sender.rate_limiter(...)`` (an ``ExtBot``)."""
    sender = OutboxSender(
        bot,
        session_factory,
        clock,
        SenderConfig(plan_id=plan_id, expire_after=timedelta(hours=settings.outbox_expire_hours)),
        after_accept=after_accept,
    )
    tick = planner_tick(session_factory, plan_id, reminder_rules(settings))
    return DeliveryService(
        leader_lock_for(settings.database_url, lock_name(settings)),
        sender,
        tick,
        tick_seconds=settings.planner_tick_seconds,
        send_seconds=settings.sender_interval_seconds,
        on_lost=stop_this_process,
    )


def stop_this_process() -> None:
    """The leader lock was lost: stop gracefully (SIGTERM to ourselves; PTB's run_polling and
    ``outbox send`` end on it) so that this process neither polls nor sends beside a new leader."""
    log.error("leader lock lost: stopping this process")
    os.kill(os.getpid(), signal.SIGTERM)


async def start_delivery(
    settings: Settings,
    bot: Bot,
    session_factory: async_sessionmaker[AsyncSession],
    plan_id: int,
    clock: Clock = system_clock,
) -> DeliveryService:
    """For the bot's ``post_init``: in polling mode, block until this process is the leader (a
    standby must not poll: Telegram answers a second poller 409), then run the jobs in the
    background. In webhook mode every process serves updates; the lock still elects one planner
    and sender, waited for in the background. Stop it with ``await service.stop()``."""
    crash = settings.delivery_crash_after_accepted
    service = build_delivery(
        settings,
        bot,
        session_factory,
        plan_id,
        clock=clock,
        after_accept=crash_after(crash) if crash else None,
    )
    if settings.webhook_url is None:
        log.info(
            "taking the leader lock before polling (while another process holds it, this one waits as a hot standby)"
        )
        await service.become_leader()
    service.start()
    return service


def crash_after(count: int) -> Callable[[RenderedMessage], None]:
    """Test hook: SIGKILL this process after Telegram accepted message ``count`` and before its
    rows are committed — the at-least-once window the kill tests aim at."""
    accepted = 0

    def hook(_message: RenderedMessage) -> None:
        nonlocal accepted
        accepted += 1
        if accepted >= count:
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


async def run_sender_only(settings: Settings, crash_after_accepted: int | None = None) -> None:
    """Plan and send (no polling) until killed: waits as a hot standby while another process
    holds the leader lock. Raises ``LookupError`` when the database holds no (single) plan."""
    if settings.telegram_bot_token is None:
        raise LookupError(_("chưa đặt TELEGRAM_BOT_TOKEN"))
    engine = create_engine(settings.database_url)
    sf = create_session_factory(engine)
    async with sf() as session:
        plan = await get_plan(session, settings.plan_key)
    bot: ExtBot[int] = ExtBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_base_url,
        request=bot_request(settings.telegram_http_transport),
        get_updates_request=bot_request(settings.telegram_http_transport, get_updates=True),
        rate_limiter=rate_limiter(settings.send_rate_per_second, settings.send_group_per_minute),
    )
    await bot.initialize()
    crash = crash_after_accepted or settings.delivery_crash_after_accepted
    hook = crash_after(crash) if crash else None
    service = build_delivery(settings, bot, sf, plan.id, after_accept=hook)
    log.info("delivery for plan %r: waiting for the leader lock", plan.key)
    try:
        await service.run()
    finally:
        await asyncio.shield(service.stop())
        await bot.shutdown()
        await engine.dispose()
