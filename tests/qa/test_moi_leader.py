"""``/moi lanhdao`` without a position, or with one the plan does not have: the office is told
which positions exist (found in the sandbox: "/moi lanhdao" answered "Không tìm thấy “lanhdao”",
as if "lanhdao" were an agency, and "/moi lanhdao pho truong ban" gave no hint)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Role
from tests.bot.harness import make_invite, running_bot, texts
from tests.factories import make_small_plan

OFFICE = TgUser(2101, "Hoàng", "Minh")


async def test_moi_lanhdao_lists_the_positions_when_none_matches(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    emu.settings.rate_limits = False
    async with session_factory.begin() as s:
        await make_small_plan(s)
    code = await make_invite(session_factory, emu, Role.STANDING_OFFICE, agency="Bộ CHQS tỉnh")
    # The factory plan's positions, in the order it creates them (tests/factories.py).
    expected = (
        "Chức danh lãnh đạo trong Kế hoạch:\n"
        "• Trưởng Ban Chỉ đạo tỉnh\n"
        "• Phó Trưởng ban Thường trực\n"
        "Gửi: /moi lanhdao CHỨC DANH (có thể gõ không dấu)."
    )
    async with running_bot(emu, db_url, session_factory):
        await emu.client.start(OFFICE, code)
        await emu.client.wait_for(OFFICE.id, 1)
        await emu.client.send_command(OFFICE, "moi", "lanhdao")
        assert texts(await emu.client.wait_for(OFFICE.id, 2))[1] == expected
        await emu.client.send_command(OFFICE, "moi", "lanh dao pho truong ban")
        assert texts(await emu.client.wait_for(OFFICE.id, 3))[2] == (
            "Không có chức danh “pho truong ban” trong Kế hoạch.\n" + expected
        )
        await emu.client.send_command(OFFICE, "moi", "lanhdao pho truong ban thuong truc")
        assert texts(await emu.client.wait_for(OFFICE.id, 4))[3].startswith(
            "Mã mời cho Phó Trưởng ban Thường trực: "
        )
