"""End to end: the real ``Application`` polling the emulator, people acting through its control
API. Plan rows come from ``tests/factories.py`` (copied from the document's tasks 5a, 5b, 6b)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Role
from tests.bot.harness import make_invite, menu_of, running_bot, texts
from tests.factories import make_small_plan

AN = TgUser(1001, "Nguyễn Văn", "An", username="an_nv")
BINH = TgUser(1002, "Trần Thị Bình")  # no username, no last name


async def _seed(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory.begin() as s:
        await make_small_plan(s)


async def test_invite_start_greets_with_lead_tasks_first(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    await _seed(session_factory)
    code = await make_invite(session_factory, emu, Role.CONTACT, agency="so noi vu")
    async with running_bot(emu, db_url, session_factory) as app:
        await emu.client.start(AN, code)
        transcript = await emu.client.wait_for(AN.id, 1)
        # Sở Nội vụ leads 5b (due 5/2026 and 5/2027: the last day of those months) and supports 5a
        # (due 7/2027), as the factory copies them from the plan.
        assert texts(transcript) == [
            "✅ Đã liên kết thành công. Xin chào Nguyễn Văn An!\n"
            "Vai trò: cán bộ đầu mối.\n"
            "Cơ quan: Sở Nội vụ.\n\n"
            "Nhiệm vụ của cơ quan theo Kế hoạch:\n"
            "Chủ trì (1 nhiệm vụ):\n"
            "• 5b Rà soát, tổng hợp thông tin mộ liệt sĩ — hạn: 31/05/2026, 31/05/2027\n"
            "Phối hợp (1 nhiệm vụ):\n"
            "• 5a Tìm kiếm, quy tập 10–12 bộ hài cốt liệt sĩ — hạn: 31/07/2027\n\n"
            "Gửi /trogiup để xem các lệnh bạn dùng được."
        ]
        assert await menu_of(app, AN.id) == ["start", "nhiemvu", "capnhat", "trogiup", "huy"]

        # The same code again, by someone else: used.
        await emu.client.start(BINH, code)
        transcript = await emu.client.wait_for(BINH.id, 1)
        assert texts(transcript) == [
            "Mã mời này đã được sử dụng. Mỗi mã chỉ dùng được một lần; vui lòng xin mã mới từ "
            "Cơ quan Thường trực."
        ]
        # /nhiemvu shows the status too (nothing reported yet).
        await emu.client.send_command(AN, "nhiemvu")
        transcript = await emu.client.wait_for(AN.id, 2)
        assert texts(transcript)[1] == (
            "Nhiệm vụ của Sở Nội vụ\n"
            "Chủ trì (1 nhiệm vụ):\n"
            "• 5b Rà soát, tổng hợp thông tin mộ liệt sĩ — hạn: 31/05/2026, 31/05/2027 (chưa báo cáo)\n"
            "Phối hợp (1 nhiệm vụ):\n"
            "• 5a Tìm kiếm, quy tập 10–12 bộ hài cốt liệt sĩ — hạn: 31/07/2027 (chưa báo cáo)"
        )


async def test_refusals_unbound_unknown_expired(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    await _seed(session_factory)
    code = await make_invite(session_factory, emu, Role.CONTACT, agency="Sở Y tế")
    async with running_bot(emu, db_url, session_factory):
        await emu.client.send_command(BINH, "nhiemvu")
        await emu.client.start(BINH)
        await emu.client.start(BINH, "khongcoma")
        transcript = await emu.client.wait_for(BINH.id, 3)
        unbound, no_code, unknown = texts(transcript)
        assert unbound.startswith("Tài khoản Telegram của bạn chưa được liên kết")
        assert no_code.endswith("/start MÃ_MỜI")
        assert unknown.startswith("Mã mời không đúng.")
        # 14 days and one second later the code has expired (the setting's default TTL).
        emu.clock.advance(timedelta(days=14, seconds=1).total_seconds())
        await emu.client.start(BINH, code)
        transcript = await emu.client.wait_for(BINH.id, 4)
        assert texts(transcript)[3] == (
            "Mã mời này đã hết hạn. Vui lòng xin mã mới từ Cơ quan Thường trực."
        )
