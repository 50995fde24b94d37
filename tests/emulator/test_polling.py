"""getUpdates through PTB: an ``Application`` polling (two users interleaved, a group chat,
edits), long polls on the emulator's clock, offsets, ``allowed_updates`` and 409 Conflict."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, Update
from telegram.error import Conflict, TelegramError
from telegram.ext import CommandHandler, ContextTypes, MessageHandler, filters

from emulator.pytest_plugin import TelegramEmulator
from tests.emulator.conftest import GROUP, LAN, MINH
from tests.emulator.helpers import builder, polling


async def test_two_users_interleaved_and_a_group(telegram_emulator: TelegramEmulator) -> None:
    app = builder(telegram_emulator).build()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_text(
            f"start {update.effective_user.first_name} {' '.join(context.args or [])}".strip()
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_user is not None
        await update.effective_message.reply_text(
            f"{update.effective_user.first_name}: {update.effective_message.text}"
        )

    async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.edited_message is not None
        await update.edited_message.reply_text(f"edited: {update.edited_message.text}")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    client = telegram_emulator.client
    # Four replies to Lan within one clock second would exceed the per-chat burst (3): this
    # test is about routing, so the limits are off (test_limits.py is about them).
    telegram_emulator.settings.rate_limits = False
    async with polling(app):
        await client.start(LAN, "abc123")
        await client.start(MINH)
        await client.send_text(LAN, "một")
        await client.send_text(MINH, "hai")
        first = await client.send_text(LAN, "ba")
        await client.edit_text(LAN, first["message_id"], "ba (sửa)")
        await client.send_command(LAN, "start@emulated_bot", chat=GROUP)
        await client.send_text(MINH, "trong nhóm", chat=GROUP)
        lan = await client.wait_for(LAN.id, 4)
        minh = await client.wait_for(MINH.id, 2)
        group = await client.wait_for(GROUP.id, 2)
    assert [entry["message"]["text"] for entry in lan] == [
        "start Lan abc123",
        "Lan: một",
        "Lan: ba",
        "edited: ba (sửa)",
    ]
    assert [entry["message"]["text"] for entry in minh] == ["start Minh", "Minh: hai"]
    assert [entry["message"]["text"] for entry in group] == ["start Lan", "Minh: trong nhóm"]
    assert group[0]["message"]["chat"] == {"id": -4001, "type": "group", "title": GROUP.title}
    # PTB's reply_text quotes the triggering message in groups only.
    assert "reply_to_message" not in lan[1]["message"]
    assert group[0]["message"]["reply_to_message"]["text"] == "/start@emulated_bot"


async def test_long_poll_wakes_on_update_or_when_the_clock_passes_timeout(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.05)  # let the request reach the emulator (not a timed wait)
    telegram_emulator.clock.advance(29)
    await asyncio.sleep(0.05)
    assert not poll.done()
    telegram_emulator.clock.advance(1)
    assert await asyncio.wait_for(poll, 5) == ()

    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.05)
    await telegram_emulator.client.send_text(LAN, "wake up")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.message.text for u in updates if u.message] == ["wake up"]


async def test_offset_limit_and_allowed_updates(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    client = telegram_emulator.client
    for text in ("1", "2", "3"):
        await client.send_text(LAN, text)
    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == [1, 2]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["3"]
    assert await bot.get_updates(offset=4) == ()
    # Only callback queries from now on: the user's messages are not even queued.
    assert await bot.get_updates(offset=4, allowed_updates=["callback_query"]) == ()
    await client.send_text(LAN, "ignored")
    assert await client.pending_updates() == []


async def test_second_poller_gets_409_through_an_application(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    app = builder(telegram_emulator).build()
    errors: list[TelegramError] = []
    await app.initialize()
    assert app.updater is not None
    # poll_interval keeps PTB's own back-off after an error short (it sleeps for real).
    await app.updater.start_polling(poll_interval=0.01, error_callback=errors.append)
    try:
        await asyncio.sleep(0.05)
        # A second bot instance polls: the first one's pending request ends with 409.
        await bot.get_updates(timeout=0)
        for _ in range(100):
            if errors:
                break
            await asyncio.sleep(0.01)
    finally:
        await app.updater.stop()
        await app.shutdown()
    assert isinstance(errors[0], Conflict)
    assert errors[0].message == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running"
    )


async def test_get_updates_while_a_webhook_is_set(bot: Bot) -> None:
    await bot.set_webhook("https://example.org/hook")
    with pytest.raises(Conflict, match=r"can't use getUpdates method while webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_my_chat_member_on_block(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    await telegram_emulator.client.start(LAN)
    await telegram_emulator.client.block(LAN.id)
    updates = await bot.get_updates(allowed_updates=["message", "my_chat_member"])
    member = updates[-1].my_chat_member
    assert member is not None
    assert (member.old_chat_member.status, member.new_chat_member.status) == ("member", "kicked")
    assert member.new_chat_member.user.id == 123456789


async def test_updates_are_snapshots(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    sent = await telegram_emulator.client.send_text(LAN, "trước")
    await telegram_emulator.client.edit_text(LAN, sent["message_id"], "sau")
    updates = await bot.get_updates()
    assert updates[0].message is not None and updates[0].message.text == "trước"
    assert updates[1].edited_message is not None and updates[1].edited_message.text == "sau"


async def test_reset_releases_a_pending_long_poll(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.05)  # let the request reach the emulator
    await telegram_emulator.client.reset()
    assert await asyncio.wait_for(poll, 5) == ()


async def test_errors_reach_an_application_error_handler(
    telegram_emulator: TelegramEmulator,
) -> None:
    """A handler's failing sends surface in the Application's error handler as PTB's own
    exception types, as they would against Telegram."""
    from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

    app = builder(telegram_emulator).build()
    client = telegram_emulator.client
    caught: asyncio.Queue[type[BaseException]] = asyncio.Queue()

    async def fan_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        target = int(update.effective_message.text or "0")
        await context.bot.send_message(target, "<b>thông báo</b>", parse_mode="HTML")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        caught.put_nowait(type(context.error))

    app.add_handler(MessageHandler(filters.TEXT, fan_out))
    app.add_error_handler(on_error)
    await client.start(MINH)
    await client.block(MINH.id)
    await client.send_text(LAN, "hi", chat=GROUP)
    await client.migrate_group(GROUP.id)
    await client.inject_fault(
        "sendMessage", 429, "Too Many Requests: retry after 3", parameters={"retry_after": 3}
    )
    seen = []
    async with polling(app, drop_pending_updates=True):
        for target in (LAN.id, MINH.id, GROUP.id, 424242):
            await client.send_text(LAN, str(target))
            seen.append(await asyncio.wait_for(caught.get(), 5))
    assert seen == [RetryAfter, Forbidden, ChatMigrated, BadRequest]


async def test_unconfirmed_updates_expire_after_24_hours(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    await telegram_emulator.client.send_text(LAN, "old")
    telegram_emulator.clock.advance(12 * 3600)
    await telegram_emulator.client.send_text(LAN, "newer")
    telegram_emulator.clock.advance(12 * 3600 + 1)  # "old" is now 24 h 1 s old, "newer" 12 h 1 s
    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["newer"]
