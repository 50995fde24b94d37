"""End to end: a command the bot does not have (``/foo``) gets a short answer, never silence —
from an unbound account, the standing office, mid-dialog — and stays silent in a group unless it
is addressed to this bot."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import TgGroup, TgUser
from emulator.pytest_plugin import TelegramEmulator
from handlers.unknown import answers_unknown
from models.people import Role
from tests.bot.harness import make_invite, running_bot, texts
from tests.factories import make_small_plan

OFFICE = TgUser(3001, "Hoàng", "Minh")
AN = TgUser(3002, "Nguyễn Văn", "An")
STRANGER = TgUser(3003, "Lê", "Khách")
UNKNOWN_FOO = "Không có lệnh /foo. Gửi /trogiup để xem các lệnh bạn dùng được."
UNBOUND = (
    "Tài khoản Telegram của bạn chưa được liên kết với cơ quan nào trong Kế hoạch.\n"
    "Vui lòng liên hệ Cơ quan Thường trực (Bộ Chỉ huy Quân sự tỉnh) để nhận mã mời, "
    "rồi gửi /start kèm mã đó."
)


async def test_unknown_commands_are_answered(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    async with session_factory.begin() as s:
        await make_small_plan(s)
    office_code = await make_invite(
        session_factory, emu, Role.STANDING_OFFICE, agency="Bộ CHQS tỉnh"
    )
    an_code = await make_invite(session_factory, emu, Role.CONTACT, agency="so noi vu")

    async def send(user: TgUser, command: str, args: str = "", chat: TgGroup | None = None) -> None:
        emu.clock.advance(60)  # the emulator's flood control: one answer a second per chat
        await emu.client.send_command(user, command, args, chat=chat)

    async with running_bot(emu, db_url, session_factory):
        # Unbound: the usual refusal.
        await send(STRANGER, "foo")
        assert texts(await emu.client.wait_for(STRANGER.id, 1)) == [UNBOUND]

        # The standing office: the command named, /trogiup pointed to; a handled command
        # (/start) gets exactly its own answer, nothing more.
        await send(OFFICE, "start", office_code)
        await emu.client.wait_for(OFFICE.id, 1)
        await send(OFFICE, "foo", "bar")
        assert texts(await emu.client.wait_for(OFFICE.id, 2))[1] == UNKNOWN_FOO
        await send(OFFICE, "FOO")
        assert texts(await emu.client.wait_for(OFFICE.id, 3))[2] == UNKNOWN_FOO
        await send(OFFICE, "start")
        assert texts(await emu.client.wait_for(OFFICE.id, 4))[3].startswith("Xin chào Hoàng Minh!")
        await send(OFFICE, "trogiup")
        got = texts(await emu.client.wait_for(OFFICE.id, 5))
        assert got[4].startswith("Các lệnh bạn dùng được:")
        assert len(await emu.client.transcript(OFFICE.id)) == 5

        # Mid-dialog: answered, and the dialog goes on (its /huy still cancels it).
        await send(AN, "start", an_code)
        await emu.client.wait_for(AN.id, 1)
        await send(AN, "capnhat")
        await emu.client.wait_for(AN.id, 2)
        await send(AN, "foo")
        assert texts(await emu.client.wait_for(AN.id, 3))[2] == UNKNOWN_FOO
        await send(AN, "huy")
        assert texts(await emu.client.wait_for(AN.id, 4))[3] == "Đã hủy. Không có gì được ghi nhận."

        # A group: silent for a bare /foo and for another bot's; this bot's /foo is answered.
        group = TgGroup(-6001, "Thường trực BCĐ")
        await send(OFFICE, "foo", chat=group)
        await send(OFFICE, "foo@other_bot", chat=group)
        await send(OFFICE, "foo@emulated_bot", chat=group)
        assert texts(await emu.client.wait_for(group.id, 1)) == [UNKNOWN_FOO]
        await send(STRANGER, "foo@emulated_bot", chat=group)
        assert texts(await emu.client.wait_for(group.id, 2))[1] == UNBOUND
        await send(OFFICE, "trogiup", chat=group)
        got = texts(await emu.client.wait_for(group.id, 3))
        assert got[2].startswith("Các lệnh bạn dùng được trong nhóm này:")
        assert len(await emu.client.transcript(group.id)) == 3


def test_which_unknown_commands_are_answered() -> None:
    known = {"start", "capnhat"}
    cases = [
        ("foo", None, True),  # private, bare: answered
        ("capnhat", None, True),  # a known command: never
        ("foo", "ChienDich500_Bot", True),  # addressed to this bot (any case)
        ("foo", "otherbot", True),  # another bot's
    ]
    assert [
        answers_unknown(n, a, known=known, bot_username="chiendich500_bot", private=p)
        for n, a, p in cases
    ] == [True, False, True, False]
    # In a group: only when addressed to this bot.
    assert [
        answers_unknown("foo", a, known=known, bot_username="chiendich500_bot", private=False)
        for a in (None, "chiendich500_bot", "otherbot")
    ] == [False, True, False]
