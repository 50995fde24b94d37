"""``python -m bot chat --group ID``: the standing office binds its group chat from the terminal
client, as issue 4 asks ("a person must be able to do everything in the bot from it"; "the
standing office may also bind its own group chat"). Found in the sandbox: the client could only
write in the private chat, so the group binding could not be tried."""

from __future__ import annotations

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.chat_client import ChatSession, group_chat
from bot.cli import app
from emulator.pytest_plugin import TelegramEmulator
from models.people import Role
from tests.bot.harness import make_invite, running_bot
from tests.factories import make_small_plan

OFFICE = {"id": 3101, "first_name": "Hoàng Minh", "language_code": "vi"}


def test_group_chat_ids_are_negative() -> None:
    assert group_chat(5001, None) == {"id": -5001, "type": "group", "title": "Nhóm -5001"}
    assert group_chat(-5001, "Thường trực BCĐ")["id"] == -5001
    assert "--group" in CliRunner().invoke(app, ["chat", "--help"]).output


async def test_the_office_binds_its_group_from_the_chat_client(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    emu.settings.rate_limits = False
    async with session_factory.begin() as s:
        await make_small_plan(s)
    own = await make_invite(session_factory, emu, Role.STANDING_OFFICE, agency="Bộ CHQS tỉnh")
    for_group = await make_invite(session_factory, emu, Role.STANDING_OFFICE)
    async with running_bot(emu, db_url, session_factory), aiohttp.ClientSession() as http:
        private = ChatSession(emu.url, OFFICE, http)
        await private.send_text(f"/start {own}")
        assert (await private.fetch(wait=5))[1].startswith("   ✅ Đã liên kết thành công.")
        group = ChatSession(emu.url, OFFICE, http, group_chat(5001, "Thường trực BCĐ"))
        await group.send_text(f"/start {for_group}")
        # The bot's wording, as tests/bot/test_roles_e2e.py pins it.
        assert await group.fetch(wait=5) == [
            "🤖 #2",
            "   ✅ Nhóm này đã được liên kết để nhận thông báo của Cơ quan Thường trực. Việc báo "
            "cáo vẫn làm trong tin nhắn riêng với bot.",
        ]


def test_an_edit_without_keyboard_removes_that_message_buttons() -> None:
    # Found in the sandbox: after "Xác nhận" the bot edits the question into the result (no
    # keyboard); typing 1 again "tapped" the vanished button and printed an emulator error.
    session = ChatSession("http://unused", OFFICE, http=None)  # type: ignore[arg-type]
    question = {
        "kind": "message",
        "message": {
            "message_id": 42,
            "text": "Chuyển giao Sở Nội vụ cho người mới?",
            "reply_markup": {
                "inline_keyboard": [
                    [
                        {"text": "Xác nhận", "callback_data": "ca:v1:ok"},
                        {"text": "Hủy", "callback_data": "ca:v1:no"},
                    ]
                ]
            },
        },
    }
    assert session.render(question)[-1] == "   [1] Xác nhận   [2] Hủy"
    assert len(session.buttons) == 2
    session.render(
        {"kind": "edit", "message": {"message_id": 42, "text": "Đã chuyển giao Sở Nội vụ."}}
    )
    assert session.buttons == []
