"""End to end on the real plan: the standing office asks every agency for an ad hoc report in chat
(``/dotxuat``), the reminder reaches Sở Y tế with "Báo cáo ngay", its contact answers through the
dialog, the planner stops reminding Sở Y tế, and ``/baocao`` compiles the request's report.

Dates worked out by hand: the request is made on Fri 27/11/2026 10:00 in Hà Tĩnh, due Fri
04/12/2026; it goes out at the next sending time, Mon 30/11/2026 08:00, and again on its due date.
"""

from __future__ import annotations

import html
import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import planner_tick
from bot.settings import Settings, reminder_rules
from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Role
from models.plan import Agency
from models.progress import ProgressReport
from models.reminders import AdhocRequest, OutboxMessage
from tests.bot.harness import running_bot
from tests.dialogs.e2e import Person, local, plan_and_deliver, seed_real_plan, shown

THU = TgUser(5001, "Phạm", "Thu")  # Sở Y tế
MINH = TgUser(5002, "Hoàng", "Minh")  # the standing office (Bộ CHQS tỉnh)
SUBJECT = "Kết quả lấy mẫu ADN <đợt 1> & kế hoạch tháng 12"


def plain(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


async def _seed(factory: async_sessionmaker[AsyncSession]) -> int:
    return await seed_real_plan(
        factory,
        [
            (THU, "Sở Y tế", Role.CONTACT),
            (MINH, "Bộ Chỉ huy Quân sự tỉnh", Role.STANDING_OFFICE),
        ],
    )


async def test_office_asks_agency_answers_from_the_reminder_report_compiled(
    telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    emu, sf = telegram_emulator, session_factory
    emu.settings.rate_limits = False
    await emu.client.configure(per_chat_burst=20)
    plan_id = await _seed(sf)
    emu.clock.set(local(2026, 11, 27, 10).timestamp())
    thu, minh = Person(emu, THU), Person(emu, MINH)
    async with running_bot(emu, "sqlite:///unused.db", sf):
        await thu.command("start")
        await minh.command("start")
        [created] = shown(await minh.say(f"/dotxuat 04/12/2026 {SUBJECT}"))
        async with sf() as s:
            request_id = await s.scalar(select(AdhocRequest.id))
        assert request_id is not None
        assert created == (
            f"Đã tạo yêu cầu báo cáo đột xuất số {request_id} «{SUBJECT}», hạn 04/12/2026. Bot sẽ "
            "gửi đến tất cả cơ quan vào giờ nhắc việc tới.\n"
            f"Xem báo cáo tổng hợp của yêu cầu này: /baocao dot xuat {request_id}"
        )
        period = f"adhoc:{request_id}"

        # Mon 30/11 08:00: the planner writes the request for every agency, the sender delivers.
        monday = local(2026, 11, 30, 8)
        written, rows = await plan_and_deliver(emu, sf, plan_id, monday)
        tick = planner_tick(sf, plan_id, reminder_rules(Settings()))
        # the request to both agencies (Sở Y tế a3, the office a1), beside Monday's regular reminders
        assert (written, rows) == (
            5,
            [
                ("adhoc", THU.id, "adhoc:adhoc:1:a3:2026-11-30"),
                ("adhoc", MINH.id, "adhoc:adhoc:1:a1:2026-11-30"),
                ("deadline", MINH.id, "deadline:10b#1:a1:2026-11-30"),
                ("status_check", THU.id, "status_check:a3:2026-11-30"),
                ("status_check", MINH.id, "status_check:a1:2026-11-30"),
            ],
        )
        reminder = await thu.keyboard_message()
        assert f"Báo cáo đột xuất: {SUBJECT} — hạn 04/12/2026, còn 4 ngày" in reminder["text"]
        _message_id, data = await thu.data_of("Báo cáo ngay (mục 1)", reminder)
        assert data == f"upd:v1:adhoc:{request_id}"

        # The button opens the dialog on the request; the contact answers for task 6a.
        pressed = await thu.press("Báo cáo ngay (mục 1)", message=reminder)
        [opened] = shown(pressed)
        assert opened.endswith(
            f"Kỳ báo cáo: Đột xuất: {SUBJECT} (hạn 04/12/2026)\n"
            "Đã báo cáo kỳ này: 0/4 nhiệm vụ (✅)."
        )
        # The dialog opens below the reminder, which keeps its text and every button.
        assert sorted(e["kind"] for e in pressed) == ["callback_answer", "message"]  # no edit
        [kept] = [
            m
            for m in await emu.client.bot_messages(thu.chat_id)
            if m["message_id"] == reminder["message_id"]
        ]
        assert (kept["text"], kept["reply_markup"]) == (reminder["text"], reminder["reply_markup"])
        task_6a = next(b for row in await thu.buttons() for b in row if b.startswith("6a ·"))
        await thu.press(task_6a)
        await thu.press("Đang thực hiện")
        await thu.say("120")  # Mộ đã lấy mẫu
        await thu.press("Bỏ qua")  # Mẫu bàn giao giám định ADN
        await thu.press("Bỏ qua")  # Hài cốt xác định được danh tính
        await thu.say("Đã lấy mẫu 120 mộ tại NTLS Can Lộc")
        await thu.say("Thiếu kinh phí <giám định>")
        await thu.press("Bỏ qua")
        await thu.press("Bỏ qua")
        [summary] = shown(await thu.press("Bỏ qua"))
        assert f"Kỳ báo cáo: Đột xuất: {SUBJECT} (hạn 04/12/2026)" in summary
        assert "Mộ đã lấy mẫu: 120 mộ" in summary
        done = shown(await thu.press("Xác nhận", expect=3))
        assert done[-1] == (
            f"✅ Đã ghi nhận báo cáo nhiệm vụ 6a, kỳ Đột xuất: {SUBJECT} (hạn 04/12/2026) "
            "(phiên bản 1). Cảm ơn bạn!"
        )
        async with sf() as s:
            assert [
                (r.period, r.task_id is not None) for r in await s.scalars(select(ProgressReport))
            ] == [(period, True)]
            office = await s.scalar(
                select(Agency.id).where(Agency.name == "Bộ Chỉ huy Quân sự tỉnh")
            )

        # Fri 04/12 08:00, the due date: reminded again (rows exist for agencies with a contact:
        # Bộ CHQS tỉnh has not answered), but no longer Sở Y tế.
        friday = local(2026, 12, 4, 8)
        assert await tick(friday) == 2  # Bộ CHQS tỉnh's reminder and its status check
        async with sf() as s:
            rows = (
                await s.scalars(select(OutboxMessage).where(OutboxMessage.scheduled_at >= friday))
            ).all()
        asked = {r.agency_id for r in rows if (r.payload or {}).get("period") == period}
        assert asked == {office}  # Sở Y tế, the other agency with a contact, has answered

        # /baocao offers the request; its report lists the answer and who has not answered.
        emu.clock.set(local(2026, 12, 7, 9).timestamp())
        entries = await minh.command("baocao")
        menu = entries[-1]["message"]["reply_markup"]["inline_keyboard"]
        assert [row[0]["text"] for row in menu][-1] == f"Đột xuất: {SUBJECT} (hạn 04/12/2026)"
        assert menu[-1][0]["callback_data"] == f"rpt:v1:a:{request_id}"
        before = len(await minh.transcript())
        await emu.client.press_button(
            MINH, entries[-1]["message"]["message_id"], f"rpt:v1:a:{request_id}"
        )
        sent = await emu.client.wait_for(MINH.id, before + 5, within=30)
        messages = [e["message"] for e in sent[before:] if e.get("message")]
        documents = [m["document"]["file_name"] for m in messages if "document" in m]
        assert documents == [
            f"bao-cao-adhoc_{request_id}.docx",
            f"bao-cao-adhoc_{request_id}.xlsx",
            f"bao-cao-adhoc_{request_id}.png",
        ]
        report = "\n".join(m["text"] for m in messages if "text" in m)
        assert f"báo cáo đột xuất “{SUBJECT}”" in report
        assert (
            "• Sở Y tế: Đang thực hiện (báo cáo ngày 30/11/2026). Đã lấy mẫu 120 mộ tại NTLS Can Lộc"
            in report
        )
        assert "Sở Y tế (nội dung 6a) báo cáo 120 — không cộng vào tổng." in report
        assert "• Sở Nội vụ: chưa báo cáo." in report
        assert "Sở Y tế (6a): Thiếu kinh phí <giám định>" in report

        # The command the office was told when it made the request gives the same report.
        emu.clock.advance(60)
        before = len(await minh.transcript())
        await emu.client.send_command(MINH, "baocao", f"dot xuat {request_id}")
        sent = await emu.client.wait_for(MINH.id, before + 4, within=30)
        typed = [e["message"] for e in sent[before:] if e.get("message")]
        assert [m["document"]["file_name"] for m in typed if "document" in m] == documents
        assert f"báo cáo đột xuất “{SUBJECT}”" in "\n".join(m["text"] for m in typed if "text" in m)
