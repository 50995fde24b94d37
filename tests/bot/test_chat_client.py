"""The terminal chat client (``python -m bot chat``) against the emulator: it talks only to the
control API, renders the bot's messages in order with numbered buttons, taps by number, sends files."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat_client import ChatSession
from emulator.pytest_plugin import TelegramEmulator
from models.people import Role
from tests.bot.harness import make_invite, running_bot
from tests.conftest import ROOT
from tests.factories import make_small_plan

USER = {"id": 3001, "first_name": "Lan", "language_code": "vi"}


async def test_join_through_the_chat_client(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    async with session_factory.begin() as s:
        await make_small_plan(s)
    code = await make_invite(session_factory, emu, Role.CONTACT, agency="Sở Y tế")
    async with running_bot(emu, db_url, session_factory), aiohttp.ClientSession() as http:
        chat = ChatSession(emu.url, USER, http)
        assert await chat.fetch() == []
        await chat.send_text(f"/start {code}")
        lines = await chat.fetch(wait=5)
        assert lines[:3] == [
            "🤖 #2",
            "   ✅ Đã liên kết thành công. Xin chào Lan!",
            "   Vai trò: cán bộ đầu mối.",
        ]
        assert (
            "   • 6b Thí điểm lấy mẫu hài cốt tại nghĩa trang liệt sĩ xã Can Lộc — hạn: 31/05/2026"
            in lines
        )


async def test_buttons_are_numbered_and_tapped(
    telegram_emulator: TelegramEmulator, tmp_path: Path
) -> None:
    emu = telegram_emulator
    async with (
        aiohttp.ClientSession() as http,
        Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as bot,
    ):
        chat = ChatSession(emu.url, USER, http)
        await chat.send_text("xin chào")  # makes the private chat known, as in Telegram
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("Đang thực hiện", callback_data="upd:v1:s:ip")],
                [InlineKeyboardButton("Hoàn thành", callback_data="upd:v1:s:done")],
            ]
        )
        await bot.send_message(USER["id"], "Tình trạng nhiệm vụ 5a?", reply_markup=markup)
        assert await chat.fetch(wait=5) == [
            "🤖 #2",
            "   Tình trạng nhiệm vụ 5a?",
            "   [1] Đang thực hiện",  # one line per keyboard row, as the app shows them
            "   [2] Hoàn thành",
        ]
        await chat.tap(2)
        report = tmp_path / "bao_cao.txt"
        report.write_text("Kết quả tháng 4", encoding="utf-8")
        await chat.send_file(str(report))
        updates = await emu.client.pending_updates()
        assert updates[-2]["callback_query"]["data"] == "upd:v1:s:done"
        assert updates[-1]["message"]["document"]["file_name"] == "bao_cao.txt"


async def test_the_chat_command_in_a_terminal(telegram_emulator: TelegramEmulator) -> None:
    """``python -m bot chat`` as a person runs it: typed lines go out, the bot's message comes
    back with numbered buttons, a number taps one, ``:quit`` leaves."""
    emu = telegram_emulator
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", "--user", "7001", "--name", "Lan",
        "--server", emu.url,
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None

    async def read_until(marker: str) -> list[str]:
        seen: list[str] = []
        while not any(marker in line for line in seen):
            raw = await asyncio.wait_for(proc.stdout.readline(), 20)  # safety net only
            assert raw, f"the client ended before {marker!r}: {seen}"
            seen.append(raw.decode().rstrip("\n"))
        return seen

    try:
        await read_until(":quit = leave")
        proc.stdin.write("xin chào\n".encode())
        await proc.stdin.drain()
        async with Bot(emu.token, base_url=emu.base_url, base_file_url=emu.base_file_url) as bot:
            for _ in range(200):  # until the emulator has the person's message (real-time net)
                if await emu.client.pending_updates():
                    break
                await asyncio.sleep(0.05)
            markup = InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="x:v1:yes")]])
            await bot.send_message(7001, "Bạn có ở đó không?", reply_markup=markup)
            lines = await read_until("[1] Có")
            assert lines[-2:] == ["   Bạn có ở đó không?", "   [1] Có"]
            # ":text 3" sends the figure 3 as a message (a bare "3" would tap button [3]).
            proc.stdin.write(b"1\n:text 3\n:quit\n")
            await proc.stdin.drain()
            assert await asyncio.wait_for(proc.wait(), 20) == 0
        updates = await emu.client.pending_updates()
        assert updates[0]["message"]["text"] == "xin chào"
        assert updates[1]["callback_query"]["data"] == "x:v1:yes"
        assert updates[2]["message"]["text"] == "3"
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
