"""The terminal chat client (``python -m bot chat``) against the emulator: it talks only to the
control API, renders the bot's messages in order with numbered buttons, taps by number, sends files."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat_client import ChatSession
from emulator.pytest_plugin import TelegramEmulator
from models.people import Role
from tests.bot.harness import make_invite, running_bot
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
