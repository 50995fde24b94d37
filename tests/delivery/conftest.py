"""Fixtures of the delivery tests: a migrated database with a seeded plan, a real PTB bot on the
emulator, and the sender wired to both (the sender's clock is fixed at ``seed.T0``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ExtBot

from emulator.client import TgGroup, TgUser
from emulator.pytest_plugin import TelegramEmulator
from scheduler.sender import OutboxSender, SenderConfig, rate_limiter
from tests.bot.conftest import session_factory  # noqa: F401  (the runtime's fixture, reused)
from tests.delivery.seed import BASE_USER, OFFICE_GROUP, T0, dispose_engines, migrated, seed_plan


@pytest_asyncio.fixture(autouse=True)
async def _dispose_seed_engines() -> AsyncIterator[None]:
    """The engines ``seed.migrated`` made, disposed in the test's own event loop."""
    yield
    await dispose_engines()


class FixedClock:
    """The sender's clock: stays where the test puts it."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class World:
    emu: TelegramEmulator
    sf: async_sessionmaker[AsyncSession]
    plan_id: int
    bot: ExtBot[int]
    clock: FixedClock

    def sender(self, **config: object) -> OutboxSender:
        return OutboxSender(self.bot, self.sf, self.clock, SenderConfig(**config))  # type: ignore[arg-type]


async def make_bot(emu: TelegramEmulator, max_retries: int = 5) -> ExtBot[int]:
    bot: ExtBot[int] = ExtBot(
        emu.token,
        base_url=emu.base_url,
        base_file_url=emu.base_file_url,
        rate_limiter=rate_limiter(max_retries=max_retries),
    )
    await bot.initialize()
    return bot


async def open_chats(emu: TelegramEmulator, contacts: int) -> None:
    """Each contact has opened the bot (/start) and the office's group exists with the bot in it."""
    for n in range(1, contacts + 1):
        await emu.client.start(TgUser(BASE_USER + n, f"Cán bộ {n}"))
    await emu.client.send_text(
        TgUser(BASE_USER, "Trực ban"), "chào", chat=TgGroup(OFFICE_GROUP, "Cơ quan Thường trực")
    )


@pytest_asyncio.fixture
async def world(telegram_emulator: TelegramEmulator, sqlite_url: str) -> AsyncIterator[World]:
    """20 contacts with open chats, SQLite, rate limits of the emulator relaxed (tests about
    limits switch them back on)."""
    telegram_emulator.settings.rate_limits = False
    sf = await migrated(sqlite_url)
    plan_id = await seed_plan(sf, 20)
    await open_chats(telegram_emulator, 20)
    bot = await make_bot(telegram_emulator)
    yield World(telegram_emulator, sf, plan_id, bot, FixedClock())
    await bot.shutdown()
