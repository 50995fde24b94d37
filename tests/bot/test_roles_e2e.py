"""End to end: roles and menus, the standing office's /moi and /lienhe, another agency, revoke and
transfer — the real ``Application`` against the emulator, on the factory plan."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import TgGroup, TgUser
from emulator.pytest_plugin import TelegramEmulator
from models import access, directory
from models.people import Role
from models.repositories import get_plan
from tests.bot.harness import OFFICE_MENU, emulator_clock, make_invite, menu_of, running_bot, texts
from tests.factories import make_small_plan

OFFICE = TgUser(2001, "Hoàng", "Minh", username="minh_bchqs")
NO_USERNAME = TgUser(2002, "Phạm Thu")
LEADER = TgUser(2003, "Võ Trọng", "Hải")
OTHER = TgUser(2004, "Đặng Văn", "Cường")
# Sở Y tế's contact's greeting after its first line (Sở Y tế leads 6b in the factory plan).
Y_TE_GREETING = (
    "Vai trò: cán bộ đầu mối.\n"
    "Cơ quan: Sở Y tế.\n"
    "\n"
    "Nhiệm vụ của cơ quan theo Kế hoạch:\n"
    "Chủ trì (1 nhiệm vụ):\n"
    "• 6b Thí điểm lấy mẫu hài cốt tại nghĩa trang liệt sĩ xã Can Lộc — hạn: 31/05/2026\n"
    "\n"
    "Gửi /trogiup để xem các lệnh bạn dùng được."
)
NOT_FOR_YOUR_ROLE = (
    "Xin lỗi, chức năng này không dành cho vai trò của bạn. "
    "Gửi /trogiup để xem các lệnh bạn dùng được."
)


async def test_standing_office_and_leader_menus_and_moi(
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
    leader_code = await make_invite(
        session_factory, emu, Role.LEADER, leader="Trưởng Ban Chỉ đạo tỉnh"
    )
    async with running_bot(emu, db_url, session_factory) as app:
        await emu.client.start(OFFICE, office_code)
        greeting = texts(await emu.client.wait_for(OFFICE.id, 1))[0]
        # Bộ CHQS tỉnh leads 5a and supports 5b and 6b in the factory plan.
        assert greeting == (
            "✅ Đã liên kết thành công. Xin chào Hoàng Minh!\n"
            "Vai trò: Cơ quan Thường trực, cán bộ đầu mối.\n"
            "Cơ quan: Bộ Chỉ huy Quân sự tỉnh.\n"
            "\n"
            "Nhiệm vụ của cơ quan theo Kế hoạch:\n"
            "Chủ trì (1 nhiệm vụ):\n"
            "• 5a Tìm kiếm, quy tập 10–12 bộ hài cốt liệt sĩ — hạn: 31/07/2027\n"
            "Phối hợp (2 nhiệm vụ):\n"
            "• 5b Rà soát, tổng hợp thông tin mộ liệt sĩ — hạn: 31/05/2026, 31/05/2027\n"
            "• 6b Thí điểm lấy mẫu hài cốt tại nghĩa trang liệt sĩ xã Can Lộc — hạn: 31/05/2026\n"
            "\n"
            "Gửi /trogiup để xem các lệnh bạn dùng được."
        )
        assert await menu_of(app, OFFICE.id) == OFFICE_MENU

        await emu.client.start(LEADER, leader_code)
        greeting = texts(await emu.client.wait_for(LEADER.id, 1))[0]
        # The factory puts 5b and 6b under "Trưởng Ban Chỉ đạo tỉnh".
        assert greeting.split("\n") == [
            "✅ Đã liên kết thành công. Xin chào Võ Trọng Hải!",
            "Vai trò: lãnh đạo (xem báo cáo).",
            "Chức danh: Trưởng Ban Chỉ đạo tỉnh.",
            "",
            "Nhiệm vụ đồng chí phụ trách:",
            "• 5b Rà soát, tổng hợp thông tin mộ liệt sĩ — hạn: 31/05/2026, 31/05/2027",
            "• 6b Thí điểm lấy mẫu hài cốt tại nghĩa trang liệt sĩ xã Can Lộc — hạn: 31/05/2026",
            "",
            "Gửi /trogiup để xem các lệnh bạn dùng được.",
        ]
        assert await menu_of(app, LEADER.id) == ["start", "nhiemvu", "baocao", "trogiup", "huy"]
        # A leader may not make invites: the polite refusal and nothing else.
        await emu.client.send_command(LEADER, "moi", "so y te")
        assert texts(await emu.client.wait_for(LEADER.id, 2))[1:] == [NOT_FOR_YOUR_ROLE]

        # The office invites Sở Y tế in chat, folded name; a person without a username joins.
        await emu.client.send_command(OFFICE, "moi", "so y te")
        reply = texts(await emu.client.wait_for(OFFICE.id, 2))[1]
        lines = reply.split("\n")
        assert len(lines) == 3 and lines[0].startswith("Mã mời cho Sở Y tế: ")
        code = lines[0].removeprefix("Mã mời cho Sở Y tế: ")
        assert len(code) == 16  # 12 random bytes, URL-safe base64
        assert lines[1] == f"Đường link: https://t.me/thu_bot?start={code}"
        # The emulator's clock starts 2026-01-01 00:00 UTC = 07:00 in Hà Tĩnh; 14 days later.
        assert lines[2] == "Hết hạn: 15/01/2026 07:00. Mỗi mã chỉ dùng một lần."
        await emu.client.start(NO_USERNAME, code)
        greeting = texts(await emu.client.wait_for(NO_USERNAME.id, 1))[0]
        assert greeting == "✅ Đã liên kết thành công. Xin chào Phạm Thu!\n" + Y_TE_GREETING

        emu.clock.advance(3600)
        await emu.client.send_command(OFFICE, "lienhe")
        listing = texts(await emu.client.wait_for(OFFICE.id, 3))[2]
        assert listing.split("\n") == [
            "Cán bộ đã liên kết (3):",
            "• Võ Trọng Hải (@—, id 2003) — Trưởng Ban Chỉ đạo tỉnh — lãnh đạo (xem báo cáo) — "
            "hoạt động gần nhất: 01/01/2026 07:00",
            "• Hoàng Minh (@minh_bchqs, id 2001) — Bộ Chỉ huy Quân sự tỉnh — Cơ quan Thường trực, "
            "cán bộ đầu mối — hoạt động gần nhất: 01/01/2026 08:00",
            "• Phạm Thu (@—, id 2002) — Sở Y tế — cán bộ đầu mối — hoạt động gần nhất: "
            "01/01/2026 07:00",
            "",
            "Thu hồi một người: /lienhe thuhoi ID",
            "Chuyển giao một cơ quan cho người mới: /lienhe chuyen TÊN CƠ QUAN",
        ]
        await emu.client.send_command(OFFICE, "moi", "Sở Tài chính")
        assert texts(await emu.client.wait_for(OFFICE.id, 4))[3:] == [
            "Không tìm thấy “Sở Tài chính” trong Kế hoạch. Hãy kiểm tra lại tên (có thể gõ không dấu)."
        ]


async def test_another_agency_revoke_transfer_and_group(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    async with session_factory.begin() as s:
        await make_small_plan(s)
    y_te = await make_invite(session_factory, emu, Role.CONTACT, agency="Sở Y tế")
    noi_vu = await make_invite(session_factory, emu, Role.CONTACT, agency="Sở Nội vụ")
    office = await make_invite(session_factory, emu, Role.STANDING_OFFICE, agency="BCHQS tỉnh")
    group_code = await make_invite(session_factory, emu, Role.STANDING_OFFICE)
    async with running_bot(emu, db_url, session_factory) as app:
        await emu.client.start(OTHER, y_te)
        await emu.client.wait_for(OTHER.id, 1)
        # A contact of Sở Y tế cannot become Sở Nội vụ's contact too. (Each step lets a minute
        # pass: the emulator enforces Telegram's per-chat flood limit, as a person's pace would.)
        emu.clock.advance(60)
        await emu.client.start(OTHER, noi_vu)
        refusal, again = texts(await emu.client.wait_for(OTHER.id, 3))[1:]
        assert refusal == (
            "Tài khoản của bạn đang là đầu mối của một cơ quan khác; mỗi người chỉ thuộc một cơ "
            "quan. Nếu bạn chuyển công tác, hãy đề nghị Cơ quan Thường trực thu hồi liên kết cũ "
            "trước."
        )
        assert again == "Xin chào Đặng Văn Cường!\n" + Y_TE_GREETING
        # A contact cannot list contacts.
        emu.clock.advance(60)
        await emu.client.send_command(OTHER, "lienhe")
        assert texts(await emu.client.wait_for(OTHER.id, 4))[3:] == [NOT_FOR_YOUR_ROLE]

        # The office binds its group chat with a standing-office code sent there.
        await emu.client.start(OFFICE, office)
        await emu.client.wait_for(OFFICE.id, 1)
        group = TgGroup(-5001, "Thường trực BCĐ")
        await emu.client.send_command(OFFICE, "start", group_code, chat=group)
        assert texts(await emu.client.wait_for(group.id, 1)) == [
            "✅ Nhóm này đã được liên kết để nhận thông báo của Cơ quan Thường trực. Việc báo cáo "
            "vẫn làm trong tin nhắn riêng với bot."
        ]
        # Personal commands stay private: /lienhe in the group is ignored (updates are handled
        # in order, so the next thing the group sees is the answer to /trogiup).
        emu.clock.advance(60)
        await emu.client.send_command(OFFICE, "lienhe", chat=group)
        await emu.client.send_command(OFFICE, "trogiup", chat=group)
        after = texts(await emu.client.wait_for(group.id, 2))
        # /trogiup in the group lists only what works there; the rest is named as private.
        assert after[1] == "\n".join(
            [
                "Các lệnh bạn dùng được trong nhóm này:",
                "/start — Liên kết nhóm này của Cơ quan Thường trực (gửi kèm mã mời)",
                "/baocao — Báo cáo tổng hợp theo kỳ (tháng, quý, năm…)",
                "/hopthu — Hộp thư nhắc việc: đã gửi, chờ gửi, không gửi được",
                "/tamdungnhac — Tạm dừng mọi nhắc việc",
                "/tieptucnhac — Tiếp tục gửi nhắc việc sau khi tạm dừng",
                "/dotxuat — Yêu cầu báo cáo đột xuất tới các cơ quan; xem các yêu cầu đã tạo",
                "/huydotxuat — Hủy một yêu cầu báo cáo đột xuất",
                "/kichhoat — Kích hoạt nhiệm vụ «khi có…» với hạn hoàn thành",
                "/ngaynghi — Thêm ngày nghỉ (không gửi nhắc việc)",
                "/ngaylamviec — Thêm ngày làm việc (ví dụ thứ Bảy làm bù)",
                "/trogiup — Hướng dẫn sử dụng",
                "",
                "Các lệnh khác (/nhiemvu, /capnhat, /lienhe, /moi, /huy) dùng trong tin nhắn "
                "riêng với bot.",
            ]
        )
        # A contact in the same group: only /trogiup works there.
        emu.clock.advance(60)
        await emu.client.send_command(OTHER, "trogiup", chat=group)
        assert texts(await emu.client.wait_for(group.id, 3))[2] == (
            "Các lệnh bạn dùng được trong nhóm này:\n"
            "/trogiup — Hướng dẫn sử dụng\n\n"
            "Các lệnh khác (/start, /nhiemvu, /capnhat, /huy) dùng trong tin nhắn riêng với bot."
        )

        # Transfer Sở Y tế: Cường is revoked, loses his menu, and is told his link was revoked
        # (with the day, local time), not that he was never bound.
        now = emulator_clock(emu)()
        async with session_factory.begin() as s:
            plan = await get_plan(s)
            agency = await directory.find_agency_by_name(s, plan.id, "Sở Y tế")
            result = await directory.transfer_agency(
                s, plan.id, agency.id, now=now, ttl=timedelta(days=14)
            )
            assert [c.telegram_user_id for c in result.revoked] == [OTHER.id]
            assert result.invite is not None
            new_code = result.invite.code
        emu.clock.advance(60)
        await emu.client.send_command(OTHER, "nhiemvu")
        assert texts(await emu.client.wait_for(OTHER.id, 5))[4:] == [
            "Liên kết của tài khoản Telegram này với cơ quan đã bị thu hồi ngày 01/01/2026.\n"
            "Cần liên kết lại: liên hệ Cơ quan Thường trực (Bộ Chỉ huy Quân sự tỉnh) để nhận mã "
            "mời mới, rồi gửi /start kèm mã đó."
        ]
        # The new person joins through the transfer's code.
        await emu.client.start(NO_USERNAME, new_code)
        assert texts(await emu.client.wait_for(NO_USERNAME.id, 1)) == [
            "✅ Đã liên kết thành công. Xin chào Phạm Thu!\n" + Y_TE_GREETING
        ]
        async with session_factory.begin() as s:
            plan = await get_plan(s)
            chat = await access.standing_office_chat(s, plan.id)
            assert chat is not None and (chat.chat_id, chat.title) == (-5001, "Thường trực BCĐ")
            bound = [c.telegram_user_id for c in await directory.list_contacts(s, plan.id)]
        assert sorted(bound) == [OFFICE.id, NO_USERNAME.id]
        assert await menu_of(app, NO_USERNAME.id) == [
            "start",
            "nhiemvu",
            "capnhat",
            "trogiup",
            "huy",
        ]


async def test_office_revokes_and_hands_over_in_chat(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    async with session_factory.begin() as s:
        await make_small_plan(s)
    office = await make_invite(session_factory, emu, Role.STANDING_OFFICE, agency="Bộ CHQS tỉnh")
    y_te = await make_invite(session_factory, emu, Role.CONTACT, agency="Sở Y tế")
    noi_vu = await make_invite(session_factory, emu, Role.CONTACT, agency="Sở Nội vụ")
    async with running_bot(emu, db_url, session_factory) as app:
        await emu.client.start(OFFICE, office)
        await emu.client.start(OTHER, y_te)
        await emu.client.start(NO_USERNAME, noi_vu)
        await emu.client.wait_for(OFFICE.id, 1)
        await emu.client.wait_for(OTHER.id, 1)
        await emu.client.wait_for(NO_USERNAME.id, 1)
        assert await menu_of(app, OTHER.id) == ["start", "nhiemvu", "capnhat", "trogiup", "huy"]

        emu.clock.advance(60)
        await emu.client.send_command(OFFICE, "lienhe", f"thuhoi {OTHER.id}")
        (entry,) = (await emu.client.wait_for(OFFICE.id, 2))[1:]
        question = entry["message"]
        assert question["text"] == "Thu hồi liên kết của Đặng Văn Cường (id 2004)?"
        buttons = question["reply_markup"]["inline_keyboard"][0]
        assert [(b["text"], b["callback_data"]) for b in buttons] == [
            ("Xác nhận", "lh:v1:revoke:2004"),
            ("Hủy", "lh:v1:cancel"),
        ]
        await emu.client.press_button(OFFICE, question["message_id"], "lh:v1:revoke:2004")
        edited = (await emu.client.wait_for(OFFICE.id, 4))[-1]
        assert edited["kind"] == "edit"
        assert edited["message"]["text"] == "Đã thu hồi liên kết của Đặng Văn Cường (id 2004)."
        assert await menu_of(app, OTHER.id) == []  # back to the default menu

        # Hand Sở Nội vụ over: its contact is revoked, a new code is shown.
        emu.clock.advance(60)
        await emu.client.send_command(OFFICE, "lienhe", "chuyen so noi vu")
        question = (await emu.client.wait_for(OFFICE.id, 5))[-1]["message"]
        assert question["text"] == (
            "Chuyển giao Sở Nội vụ cho người mới? Các đầu mối hiện tại của cơ quan sẽ bị thu hồi "
            "và một mã mời mới được tạo."
        )
        assert [b["text"] for b in question["reply_markup"]["inline_keyboard"][0]] == [
            "Xác nhận",
            "Hủy",
        ]
        await emu.client.press_button(
            OFFICE,
            question["message_id"],
            question["reply_markup"]["inline_keyboard"][0][0]["callback_data"],
        )
        outcome = (await emu.client.wait_for(OFFICE.id, 7))[-1]["message"]["text"].split("\n")
        assert outcome[0] == "Đã chuyển giao Sở Nội vụ; thu hồi 1 người."
        assert len(outcome) == 4 and outcome[1].startswith("Mã mời cho Sở Nội vụ: ")
        new = outcome[1].removeprefix("Mã mời cho Sở Nội vụ: ")
        assert outcome[2:] == [
            f"Đường link: https://t.me/thu_bot?start={new}",
            "Hết hạn: 15/01/2026 07:02. Mỗi mã chỉ dùng một lần.",
        ]
        async with session_factory.begin() as s:
            plan = await get_plan(s)
            bound = [c.telegram_user_id for c in await directory.list_contacts(s, plan.id)]
        assert bound == [OFFICE.id]

        # The office asks to revoke its own account: the question says so; "Hủy" keeps it.
        emu.clock.advance(60)
        await emu.client.send_command(OFFICE, "lienhe", f"thuhoi {OFFICE.id}")
        question = (await emu.client.wait_for(OFFICE.id, 8))[-1]["message"]
        assert question["text"] == (
            "Thu hồi liên kết của Hoàng Minh (id 2001)?\n"
            "⚠️ Đây là tài khoản của chính bạn: sau khi thu hồi, bạn sẽ không dùng được bot nữa "
            "cho đến khi nhận mã mời mới và gửi /start kèm mã đó."
        )
        await emu.client.press_button(OFFICE, question["message_id"], "lh:v1:cancel")
        assert (await emu.client.wait_for(OFFICE.id, 10))[-1]["message"]["text"] == "Đã hủy."
