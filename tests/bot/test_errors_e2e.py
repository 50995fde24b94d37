"""The one error handler, /trogiup for an unbound account and /huy, against the emulator."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Update
from telegram.ext import CommandHandler

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from tests.bot.harness import running_bot, texts
from tests.factories import make_small_plan

USER = TgUser(5001, "Ngô", "Lan")
ADMIN = TgUser(5002, "Quản", "Trị")


async def boom(update: Update, context: object) -> None:
    raise RuntimeError("hỏng giữa chừng")


async def test_error_is_told_to_the_user_and_the_admin_chat(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    async with session_factory.begin() as s:
        await make_small_plan(s)
    async with running_bot(
        emu, db_url, session_factory, [CommandHandler("hong", boom)], admin_chat_id=ADMIN.id
    ):
        await emu.client.send_text(ADMIN, "xin chào")  # the admin's chat exists, as in Telegram
        await emu.client.send_command(USER, "hong")
        assert texts(await emu.client.wait_for(USER.id, 1)) == [
            "Xin lỗi, bot gặp lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút; nếu "
            "vẫn lỗi, hãy báo Cơ quan Thường trực."
        ]
        # The admin's "xin chào" (unbound) is answered with how to join first.
        report = texts(await emu.client.wait_for(ADMIN.id, 2))[1]
        assert report.startswith("Traceback (most recent call last):")
        assert report.rstrip().endswith("RuntimeError: hỏng giữa chừng")

        emu.clock.advance(60)
        await emu.client.send_command(USER, "trogiup")
        await emu.client.send_command(USER, "huy")
        help_text, cancelled = texts(await emu.client.wait_for(USER.id, 3))[1:]
        assert help_text.split("\n")[:4] == [
            "Các lệnh bạn dùng được:",
            "/start — Bắt đầu / liên kết tài khoản bằng mã mời",
            "/trogiup — Hướng dẫn sử dụng",
            "/huy — Hủy thao tác đang làm",
        ]
        assert "chưa được liên kết" in help_text
        assert cancelled == "Không có thao tác nào đang dở để hủy."
