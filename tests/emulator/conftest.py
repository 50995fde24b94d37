"""Fixtures for the emulator's own tests: a real PTB ``Bot`` pointed at the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from telegram import Bot

from emulator.client import TgGroup, TgUser
from emulator.pytest_plugin import TelegramEmulator

LAN = TgUser(1001, "Lan", "Nguyễn", username="lan_nguyen")
MINH = TgUser(1002, "Minh")  # no username, no last name
GROUP = TgGroup(-4001, "Ban Chỉ đạo tỉnh")


@pytest_asyncio.fixture
async def bot(telegram_emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    """An initialized PTB ``Bot`` (``initialize`` calls getMe) talking to the emulator."""
    async with Bot(
        telegram_emulator.token,
        base_url=telegram_emulator.base_url,
        base_file_url=telegram_emulator.base_file_url,
    ) as ptb_bot:
        yield ptb_bot
