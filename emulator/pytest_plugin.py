"""pytest fixture ``telegram_emulator``: an emulator on a free port of 127.0.0.1, served on the
test's own event loop, with a :class:`~emulator.clock.ManualClock` (starting 2026-01-01T00:00Z).

Register it in ``tests/conftest.py`` with ``pytest_plugins = ["emulator.pytest_plugin"]``, then::

    async def test_echo(telegram_emulator):
        app = (Application.builder().token(telegram_emulator.token)
               .base_url(telegram_emulator.base_url)
               .base_file_url(telegram_emulator.base_file_url).build())
        ...
        await telegram_emulator.client.send_text(TgUser(1, "Lan"), "hi")
        telegram_emulator.clock.advance(1.0)   # rate limits, retry_after, long polls

The fixture yields :class:`TelegramEmulator`. Rate limits are on (as in Telegram); a test that
is not about them may call ``telegram_emulator.settings.rate_limits = False``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest_asyncio

from .client import EmulatorClient
from .clock import ManualClock
from .core import Emulator
from .server import running
from .settings import Settings


@dataclass
class TelegramEmulator:
    """A running emulator: what PTB needs (``token``, ``base_url``, ``base_file_url``), the
    control ``client``, the ``clock`` tests move, and the in-process ``emulator`` itself."""

    url: str
    token: str
    client: EmulatorClient
    clock: ManualClock
    emulator: Emulator

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder.base_file_url``."""
        return f"{self.url}/file/bot"

    @property
    def settings(self) -> Settings:
        return self.emulator.settings


@pytest_asyncio.fixture
async def telegram_emulator() -> AsyncIterator[TelegramEmulator]:
    """A fresh emulator per test (see the module docstring)."""
    clock = ManualClock()
    settings = Settings()
    async with running(settings, clock) as server, EmulatorClient(server.url) as client:
        yield TelegramEmulator(server.url, settings.token, client, clock, server.emulator)
