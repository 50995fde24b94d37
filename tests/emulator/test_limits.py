"""Flood limits (on by default) and injected faults, seen through PTB's exceptions.

The expected numbers follow the default settings worked out by hand: per chat 1 message/s with a
bucket of 3, overall 30/s with a bucket of 30, 20 per 60 s to a group; ``retry_after`` is the
whole seconds until the bucket or window lets one more through.
"""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import Bot
from telegram.error import BadRequest, RetryAfter

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from tests.emulator.conftest import GROUP, LAN


def seconds(value: int | dtm.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def test_per_chat_burst_then_retry_after(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    await telegram_emulator.client.start(LAN)
    for n in range(3):
        await bot.send_message(LAN.id, f"burst {n}")
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(LAN.id, "one too many")
    assert seconds(limited.value.retry_after) == 1
    telegram_emulator.clock.advance(0.5)
    with pytest.raises(RetryAfter) as still:
        await bot.send_message(LAN.id, "still too early")
    assert seconds(still.value.retry_after) == 1  # 0.5 s left, rounded up
    telegram_emulator.clock.advance(0.5)
    await bot.send_message(LAN.id, "after waiting retry_after")
    # Edits count too; callback answers and chat actions do not.
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("edited", LAN.id, 2)
    await bot.send_chat_action(LAN.id, "typing")


async def test_global_limit_30_per_second(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    users = [TgUser(2000 + n, f"U{n}") for n in range(31)]
    for user in users:
        await telegram_emulator.client.start(user)
    for user in users[:30]:
        await bot.send_message(user.id, "fan-out")
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(users[30].id, "31st within the same second")
    assert seconds(limited.value.retry_after) == 1
    telegram_emulator.clock.advance(0.05)  # > 1/30 s: one token back in the overall bucket
    await bot.send_message(users[30].id, "one token refilled")


async def test_group_limit_20_per_minute(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    await telegram_emulator.client.send_text(LAN, "hi", chat=GROUP)
    for _ in range(20):
        await bot.send_message(GROUP.id, "to the group")
        telegram_emulator.clock.advance(1)
    # 20 messages at t = 0..19 s; now t = 20 s, the first leaves the window at t = 60 s.
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(GROUP.id, "21st")
    assert seconds(limited.value.retry_after) == 40
    telegram_emulator.clock.advance(40)
    await bot.send_message(GROUP.id, "after the window moved")


async def test_limits_are_settings(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    await telegram_emulator.client.start(LAN)
    await telegram_emulator.client.configure(per_chat_burst=1, per_chat_rate=0.25)
    await bot.send_message(LAN.id, "first")
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(LAN.id, "second")
    assert seconds(limited.value.retry_after) == 4
    await telegram_emulator.client.configure(rate_limits=False)
    for _ in range(50):
        await bot.send_message(LAN.id, "unlimited")


async def test_injected_faults(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    client = telegram_emulator.client
    await client.start(LAN)
    await client.inject_fault(
        "sendMessage", 429, "Too Many Requests: retry after 7", parameters={"retry_after": 7}
    )
    await client.inject_fault("sendMessage", 400, "Bad Request: message thread not found", count=2)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(LAN.id, "x")
    assert seconds(limited.value.retry_after) == 7
    for _ in range(2):
        with pytest.raises(BadRequest, match=r"^Message thread not found$"):
            await bot.send_message(LAN.id, "x")
    assert (await bot.send_message(LAN.id, "x")).text == "x"
