"""The control API and the server around the Bot API: reset, the clock over HTTP, settings,
group migration updates, tokens and unknown methods, and ``python -m emulator``."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys

import pytest
from telegram import Bot
from telegram.error import BadRequest, EndPointNotFound, InvalidToken

from emulator.client import ControlApiError, EmulatorClient
from emulator.clock import ManualClock
from emulator.pytest_plugin import TelegramEmulator
from emulator.server import running
from emulator.settings import DEFAULT_TOKEN, Settings
from tests.emulator.conftest import GROUP, LAN, MINH


async def test_reset_forgets_everything(bot: Bot, telegram_emulator: TelegramEmulator) -> None:
    client = telegram_emulator.client
    await client.start(LAN)
    await bot.send_message(LAN.id, "x")
    await client.reset()
    assert await client.pending_updates() == []
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(LAN.id, "x")
    with pytest.raises(ControlApiError, match="chat not found"):
        await client.chat(LAN.id)


async def test_clock_and_settings_over_http(telegram_emulator: TelegramEmulator) -> None:
    client = telegram_emulator.client
    assert await client.now() == 1_767_225_600
    assert await client.advance_clock(3600) == 1_767_229_200
    assert telegram_emulator.clock.now() == 1_767_229_200
    settings = await client.configure(group_per_minute=5)
    assert settings["group_per_minute"] == 5 and telegram_emulator.settings.group_per_minute == 5
    with pytest.raises(ControlApiError, match="unknown setting"):
        await client.configure(no_such_setting=1)


async def test_migration_delivers_service_messages(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    client = telegram_emulator.client
    await client.send_text(MINH, "hello", chat=GROUP)
    new_id = await client.migrate_group(GROUP.id, MINH)
    updates = await bot.get_updates()
    migrations = [u.message for u in updates[1:] if u.message]
    assert [(m.chat.id, m.migrate_to_chat_id, m.migrate_from_chat_id) for m in migrations] == [
        (GROUP.id, new_id, None),
        (new_id, None, GROUP.id),
    ]
    with pytest.raises(ControlApiError, match="was migrated"):
        await client.send_text(MINH, "old group", chat=GROUP)


async def test_wrong_token_and_unknown_method(telegram_emulator: TelegramEmulator) -> None:
    wrong = Bot("1:wrong", base_url=telegram_emulator.base_url)
    with pytest.raises(InvalidToken):
        await wrong.get_me()
    async with Bot(telegram_emulator.token, base_url=telegram_emulator.base_url) as bot:
        # Telegram answers 404 "Not Found"; PTB's do_api_request names the endpoint.
        with pytest.raises(EndPointNotFound, match="noSuchMethod"):
            await bot.do_api_request("noSuchMethod")


async def test_users_only_press_existing_buttons_and_edit_their_messages(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    client = telegram_emulator.client
    await client.start(LAN)
    sent = await bot.send_message(LAN.id, "no keyboard")
    with pytest.raises(ControlApiError, match="no button"):
        await client.press_button(LAN, sent.message_id, "x")
    with pytest.raises(ControlApiError, match="only edit a message they sent"):
        await client.edit_text(LAN, sent.message_id, "hijack")


async def test_running_without_the_fixture_on_a_manual_clock() -> None:
    clock = ManualClock(start=1_800_000_000)
    async with running(Settings(token="42:abc"), clock) as server:
        async with (
            EmulatorClient(server.url) as client,
            Bot("42:abc", base_url=f"{server.url}/bot") as bot,
        ):
            await client.start(LAN)
            sent = await bot.send_message(LAN.id, "x")
            assert sent.date.timestamp() == 1_800_000_000
            assert bot.id == 42


def test_python_dash_m_emulator_serves_ptb() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline().decode()
        assert f"http://127.0.0.1:{port}" in banner

        async def get_me() -> str | None:
            url = f"http://127.0.0.1:{port}"
            for _ in range(200):  # wait for the port to accept connections (readiness only)
                try:
                    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    break
                except OSError:
                    await asyncio.sleep(0.02)
            async with Bot(DEFAULT_TOKEN, base_url=f"{url}/bot") as bot:
                return bot.username

        assert asyncio.run(get_me()) == "emulated_bot"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_waiting_for_transcript_changes(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    state = telegram_emulator.emulator.state
    await telegram_emulator.client.start(LAN)
    any_chat = asyncio.ensure_future(state.changed())
    lan_chat = asyncio.ensure_future(state.changed(LAN.id))
    other_chat = asyncio.ensure_future(state.changed(MINH.id))
    await bot.send_message(LAN.id, "x")
    await asyncio.wait_for(asyncio.gather(any_chat, lan_chat), 5)
    assert not other_chat.done()
    other_chat.cancel()


async def test_the_sandbox_clock_flows_and_can_jump_ahead() -> None:
    from emulator.clock import SystemClock

    clock = SystemClock()
    async with running(Settings(), clock) as server, EmulatorClient(server.url) as client:
        before = await client.now()
        timer = clock.timer(3600)  # would fire in an hour of real time
        after = await client.advance_clock(7200)
        assert after - before >= 7200
        await asyncio.wait_for(timer, 5)  # the jump passed its deadline
        with pytest.raises(ControlApiError, match="only a manual clock can be set"):
            await client._call("POST", "clock", {"set": 0})


async def test_waiting_for_a_chat_does_not_miss_a_change_made_right_after_the_check(
    bot: Bot, telegram_emulator: TelegramEmulator
) -> None:
    """A change recorded after ``wait_for_chat`` found the transcript short, but before its wait
    started, still wakes it (the sandbox chat client missed edits made right after a callback
    answer and showed them only 20 s later, so the next tap hit stale buttons)."""
    emu = telegram_emulator.emulator
    await telegram_emulator.client.start(LAN)
    await bot.send_message(LAN.id, "x")
    chat = emu.state.chats[LAN.id]
    count = len(chat.transcript)
    waiter = asyncio.ensure_future(emu.wait_for_chat(LAN.id, count + 1, 30))
    # Scheduled after the waiter's first step and before anything that step schedules.
    asyncio.get_running_loop().call_soon(emu.state.record, chat, "chat_action", {"action": "x"})
    # Woken by the change itself, not by its 30 s safety net (which would fail this bound).
    assert await asyncio.wait_for(waiter, 3) is True
