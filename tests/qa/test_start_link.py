"""``/start <the whole invite link>`` binds like ``/start <code>``: found in the sandbox, pasting
the link the office sent by Zalo after /start answered "Mã mời không đúng"."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from handlers.onboarding import invite_code
from models.people import Role
from tests.bot.harness import make_invite, running_bot, texts
from tests.factories import make_small_plan

USER = TgUser(2201, "Phạm", "Thu")


def test_invite_code_reads_a_code_or_a_link() -> None:
    assert invite_code(None) is None
    assert invite_code([]) is None
    assert invite_code(["AwF3sBOdf7z2VUBl"]) == "AwF3sBOdf7z2VUBl"
    assert invite_code(["https://t.me/thu_bot?start=_-O1EzeXlC-NMls7"]) == "_-O1EzeXlC-NMls7"
    assert invite_code(["t.me/thu_bot?start=abc&x=1"]) == "abc"


async def test_start_with_the_pasted_link_binds(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    async with session_factory.begin() as s:
        await make_small_plan(s)
    code = await make_invite(session_factory, emu, Role.CONTACT, agency="Sở Y tế")
    async with running_bot(emu, db_url, session_factory):
        await emu.client.start(USER, f"https://t.me/thu_bot?start={code}")
        greeting = texts(await emu.client.wait_for(USER.id, 1))[0]
        assert greeting.startswith("✅ Đã liên kết thành công. Xin chào Phạm Thu!")
