"""Webhook delivery to a real PTB webhook server: the secret-token header, failures recorded in
getWebhookInfo, and retries after ``webhook_retry_delay`` seconds of the emulator's clock."""

from __future__ import annotations

import asyncio
import socket

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from emulator.pytest_plugin import TelegramEmulator
from tests.emulator.conftest import LAN
from tests.emulator.helpers import builder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def echo_app(emu: TelegramEmulator) -> Application:  # type: ignore[type-arg]
    app = builder(emu).build()

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"webhook: {update.effective_message.text}")

    app.add_handler(MessageHandler(filters.TEXT, echo))
    return app


async def settle() -> None:
    """Let the emulator's sender run its (loopback) request; no clock time passes."""
    for _ in range(20):
        await asyncio.sleep(0.01)


async def test_delivery_fails_then_is_retried_on_the_clock(
    telegram_emulator: TelegramEmulator,
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    app = echo_app(telegram_emulator)
    await app.initialize()
    assert app.updater is not None
    # The webhook is set before anything listens there: the first delivery is refused.
    await app.bot.set_webhook(url, secret_token="s3cret")
    await telegram_emulator.client.send_text(LAN, "một")
    await settle()
    info = await app.bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (url, 1)
    assert info.last_error_message == "Connection refused"
    assert info.last_error_date is not None
    assert info.last_error_date.timestamp() == 1_767_225_600
    try:
        # PTB sets the same webhook again; like Telegram, the queue keeps its retry schedule.
        await app.updater.start_webhook(
            listen="127.0.0.1", port=port, url_path="hook", webhook_url=url, secret_token="s3cret"
        )
        await app.start()
        await settle()
        assert (await app.bot.get_webhook_info()).pending_update_count == 1
        telegram_emulator.clock.advance(5)  # webhook_retry_delay
        transcript = await telegram_emulator.client.wait_for(LAN.id, 1)
        assert transcript[0]["message"]["text"] == "webhook: một"
        assert (await app.bot.get_webhook_info()).pending_update_count == 0

        # Delivered at once while the webhook answers.
        await telegram_emulator.client.send_text(LAN, "hai")
        transcript = await telegram_emulator.client.wait_for(LAN.id, 2)
        assert transcript[1]["message"]["text"] == "webhook: hai"

        # A wrong secret: PTB answers 403; Telegram records it and retries.
        await app.bot.set_webhook(url, secret_token="wrong")
        await telegram_emulator.client.send_text(LAN, "ba")
        await settle()
        info = await app.bot.get_webhook_info()
        assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"
        assert info.pending_update_count == 1
        await app.bot.set_webhook(url, secret_token="s3cret")
        telegram_emulator.clock.advance(5)
        transcript = await telegram_emulator.client.wait_for(LAN.id, 3)
        assert transcript[2]["message"]["text"] == "webhook: ba"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
