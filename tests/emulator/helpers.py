"""Helpers for the emulator's tests: a PTB Application wired to the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application, ApplicationBuilder

from emulator.pytest_plugin import TelegramEmulator


def builder(emu: TelegramEmulator) -> ApplicationBuilder:  # type: ignore[type-arg]
    return (
        Application.builder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
    )


@asynccontextmanager
async def polling(app: Application, **kwargs: object) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Initialize, start polling and start ``app``; stop everything on exit."""
    await app.initialize()
    assert app.updater is not None
    await app.updater.start_polling(**kwargs)  # type: ignore[arg-type]
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
