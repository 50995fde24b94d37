"""Text from an account that is not bound gets the how-to-join answer, and a pasted invite link
binds (found in the sandbox: "chào bot" and the pasted link got no answer at all, so a newcomer
could not tell the bot was alive). A bound person's free text is answered by the progress dialog's hint, not by this fallback."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Role
from tests.bot.harness import make_invite, running_bot, texts
from tests.factories import make_small_plan

NEWCOMER = TgUser(2301, "Nguyễn Văn", "An")

# handlers/onboarding.py's how_to_join(), the same text /start without a code answers.
HOW_TO_JOIN = (
    "Xin chào! Đây là bot Chiến dịch 500 ngày đêm tìm kiếm, quy tập và xác định danh tính hài cốt "
    "liệt sĩ.\n\nĐể sử dụng, bạn cần mã mời do Cơ quan Thường trực (Bộ Chỉ huy Quân sự tỉnh) cấp "
    "cho cơ quan của mình. Khi có mã, hãy bấm vào đường link mời hoặc gửi:\n/start MÃ_MỜI"
)


async def test_newcomer_text_and_pasted_link(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    emu.settings.rate_limits = False
    async with session_factory.begin() as s:
        await make_small_plan(s)
    code = await make_invite(session_factory, emu, Role.CONTACT, agency="Sở Y tế")
    async with running_bot(emu, db_url, session_factory):
        await emu.client.send_text(NEWCOMER, "chào bot")
        assert texts(await emu.client.wait_for(NEWCOMER.id, 1)) == [HOW_TO_JOIN]
        await emu.client.send_text(NEWCOMER, f"Mã của tôi: https://t.me/thu_bot?start={code}")
        joined = texts(await emu.client.wait_for(NEWCOMER.id, 2))[1]
        assert joined.startswith("✅ Đã liên kết thành công. Xin chào Nguyễn Văn An!")
        # Bound now: free text outside a dialog gets the progress dialog's hint, not the
        # newcomer's how-to-join; then /trogiup answers.
        await emu.client.send_text(NEWCOMER, "Đã xong nhiệm vụ <7> & báo cáo")
        hint = texts(await emu.client.wait_for(NEWCOMER.id, 3))[2]
        assert hint == "Gửi /capnhat để cập nhật tiến độ, hoặc /trogiup để xem các lệnh."
        await emu.client.send_command(NEWCOMER, "trogiup")
        after = texts(await emu.client.wait_for(NEWCOMER.id, 4))
        assert after[3].startswith("Các lệnh bạn dùng được:")
