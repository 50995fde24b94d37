"""End to end on the real plan: the standing office lists its ad hoc requests (``/dotxuat``),
cancels a mistyped one (``/huydotxuat N`` with Xác nhận / Hủy), and from then on the planner sends
nothing more about it (no reminder on its due date, no overdue notice, no escalation), the old
"Báo cáo ngay" button answers that it was cancelled, the dialog and ``/baocao`` no longer offer it,
and ``/baocao dot xuat N`` still compiles it, saying it was cancelled, with the reply given before.

Dates worked out by hand: both requests are made on Fri 27/11/2026 10:00 in Hà Tĩnh; request 1 is
due Fri 04/12/2026, request 2 Fri 11/12/2026. They go out on Mon 30/11 08:00; request 1 is
cancelled that morning. Without the cancellation, request 1 would be sent again on 04/12, be
overdue on the 1st and 3rd working days after (Mon 07/12, Wed 09/12) and escalated on the 5th (Fri
11/12), the day request 2 is due.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import planner_tick
from bot.settings import Settings, reminder_rules
from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Contact, Role
from models.plan import Agency, Task
from models.progress import ProgressReport, ProgressReportVersion, ProgressStatus
from models.reminders import AdhocRequest, OutboxMessage
from tests.bot.harness import running_bot
from tests.dialogs.e2e import Person, answers, local, plan_and_deliver, seed_real_plan, shown

THU = TgUser(5101, "Phạm", "Thu")  # Sở Y tế
MINH = TgUser(5102, "Hoàng", "Minh")  # the standing office (Bộ CHQS tỉnh)
WRONG = "Kết quả lấy mẫu ADN <đợt 1> & kế hoạch tháng 12 (gõ nhầm)"
RIGHT = "Số liệu quy tập tháng 12"


async def _seed(factory: async_sessionmaker[AsyncSession]) -> int:
    return await seed_real_plan(
        factory,
        [
            (THU, "Sở Y tế", Role.CONTACT),
            (MINH, "Bộ Chỉ huy Quân sự tỉnh", Role.STANDING_OFFICE),
        ],
    )


async def _reply(factory: async_sessionmaker[AsyncSession], plan_id: int, period: str) -> None:
    """Sở Y tế's confirmed reply for task 6a, as the dialog stores it (Mon 30/11 08:30)."""
    at = local(2026, 11, 30, 8, 30)
    async with factory.begin() as s:
        task_id = await s.scalar(select(Task.id).where(Task.plan_id == plan_id, Task.code == "6a"))
        y_te = await s.scalar(select(Agency.id).where(Agency.name == "Sở Y tế"))
        assert task_id is not None and y_te is not None
        report = ProgressReport(
            plan_id=plan_id,
            task_id=task_id,
            agency_id=y_te,
            period=period,
            status=ProgressStatus.IN_PROGRESS,
            confirmed_at=at,
        )
        report.versions.append(
            ProgressReportVersion(
                version=1,
                status=ProgressStatus.IN_PROGRESS,
                result="Đã lấy mẫu 120 mộ tại NTLS Can Lộc",
                confirmed_at=at,
            )
        )
        s.add(report)


async def _rows_since(factory: async_sessionmaker[AsyncSession], moment: datetime) -> list[str]:
    """Key and payload of every outbox row scheduled at or after ``moment``, as text."""
    async with factory() as s:
        rows = await s.scalars(select(OutboxMessage).where(OutboxMessage.scheduled_at >= moment))
        return [f"{r.key} {json.dumps(r.payload, ensure_ascii=False)}" for r in rows]


async def test_office_lists_and_cancels_a_request_and_the_bot_forgets_it(
    telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    emu, sf = telegram_emulator, session_factory
    emu.settings.rate_limits = False
    await emu.client.configure(per_chat_burst=20)
    plan_id = await _seed(sf)
    emu.clock.set(local(2026, 11, 27, 10).timestamp())
    thu, minh = Person(emu, THU), Person(emu, MINH)
    async with sf() as s:
        agencies = await s.scalar(select(func.count(Agency.id)).where(Agency.plan_id == plan_id))
    async with running_bot(emu, "sqlite:///unused.db", sf):
        await thu.command("start")
        await minh.command("start")
        await minh.say(f"/dotxuat 04/12/2026 {WRONG}")
        await minh.say(f"/dotxuat 11/12/2026 {RIGHT}")
        async with sf() as s:
            wrong, right = (await s.scalars(select(AdhocRequest.id).order_by("id"))).all()

        # Mon 30/11 08:00: both requests go out; Sở Y tế answers the first one.
        monday = local(2026, 11, 30, 8)
        written, rows = await plan_and_deliver(emu, sf, plan_id, monday)
        tick = planner_tick(sf, plan_id, reminder_rules(Settings()))
        # both requests to both agencies (Sở Y tế a3, the office a1), beside Monday's regular reminders
        assert (written, rows) == (
            7,
            [
                ("adhoc", THU.id, "adhoc:adhoc:1:a3:2026-11-30"),
                ("adhoc", THU.id, "adhoc:adhoc:2:a3:2026-11-30"),
                ("adhoc", MINH.id, "adhoc:adhoc:1:a1:2026-11-30"),
                ("adhoc", MINH.id, "adhoc:adhoc:2:a1:2026-11-30"),
                ("deadline", MINH.id, "deadline:10b#1:a1:2026-11-30"),
                ("status_check", THU.id, "status_check:a3:2026-11-30"),
                ("status_check", MINH.id, "status_check:a1:2026-11-30"),
            ],
        )
        reminder = await thu.keyboard_message()
        old_button = f"upd:v1:adhoc:{wrong}"
        assert old_button in [b["callback_data"] for row in reminder["reply_markup"]["inline_keyboard"] for b in row]  # fmt: skip
        await _reply(sf, plan_id, f"adhoc:{wrong}")

        # /dotxuat alone lists the requests, the latest due date first, with their numbers.
        emu.clock.set(local(2026, 11, 30, 9).timestamp())
        [listed] = shown(await minh.command("dotxuat"))
        assert listed.split("\n")[:4] == [
            "Yêu cầu báo cáo đột xuất (hạn muộn nhất trước):",
            f"• số {right} · {RIGHT} · hạn 11/12/2026 · gửi mọi cơ quan · đã báo cáo "
            f"0/{agencies} · đang chờ báo cáo",
            f"• số {wrong} · {WRONG} · hạn 04/12/2026 · gửi mọi cơ quan · đã báo cáo "
            f"1/{agencies} · đang chờ báo cáo",
            "Xem báo cáo của yêu cầu số N: /baocao dot xuat N · Hủy yêu cầu số N: /huydotxuat N",
        ]

        # /huydotxuat asks first; "Hủy" leaves the request as it is.
        [question] = shown(await minh.command("huydotxuat"))
        assert question.startswith("Cú pháp: /huydotxuat số_yêu_cầu\n")
        await emu.client.send_command(MINH, "huydotxuat", str(wrong))
        entries = await emu.client.wait_for(MINH.id, len(await minh.transcript()) + 1)
        assert shown(entries[-1:]) == [
            f"Hủy yêu cầu báo cáo đột xuất số {wrong} «{WRONG}», hạn 04/12/2026?\n"
            "Bot sẽ thôi nhắc các cơ quan và không nhận thêm báo cáo cho yêu cầu này; các báo "
            "cáo đã gửi vẫn được giữ."
        ]
        assert await minh.buttons() == [["Xác nhận", "Hủy"]]
        assert shown(await minh.press("Hủy")) == [
            "Đã bỏ qua: yêu cầu báo cáo đột xuất vẫn giữ nguyên."
        ]
        async with sf() as s:
            assert await s.scalar(select(AdhocRequest.cancelled_at).where(AdhocRequest.id == wrong)) is None  # fmt: skip
        before = len(await minh.transcript())
        await emu.client.send_command(MINH, "huydotxuat", str(wrong))
        await emu.client.wait_for(MINH.id, before + 1)
        assert shown(await minh.press("Xác nhận")) == [
            f"Đã hủy yêu cầu báo cáo đột xuất số {wrong} «{WRONG}». Bot thôi nhắc các cơ quan; "
            f"các báo cáo đã gửi vẫn được giữ (/baocao dot xuat {wrong})."
        ]
        async with sf() as s:
            cancelled = await s.get_one(AdhocRequest, wrong)
            office_contact = await s.scalar(
                select(Contact.id).where(Contact.telegram_user_id == MINH.id)
            )
        assert cancelled.cancelled_by_contact_id == office_contact
        before = len(await minh.transcript())
        await emu.client.send_command(MINH, "huydotxuat", str(wrong))
        again = await emu.client.wait_for(MINH.id, before + 1)
        assert shown(again[before:]) == [
            f"Yêu cầu báo cáo đột xuất số {wrong} đã được hủy ngày 30/11/2026."
        ]
        [listed] = shown(await minh.command("dotxuat"))
        assert listed.split("\n")[2] == (
            f"• số {wrong} · {WRONG} · hạn 04/12/2026 · gửi mọi cơ quan · đã báo cáo "
            f"1/{agencies} · đã hủy ngày 30/11/2026"
        )

        # The reminder's old "Báo cáo ngay" answers politely and opens nothing.
        entries = await thu.press_data(reminder["message_id"], old_button, expect=1)
        assert answers(entries) == [
            "Cơ quan Thường trực đã hủy yêu cầu báo cáo đột xuất này ngày 30/11/2026; bạn không "
            "cần báo cáo nữa. Cảm ơn bạn!"
        ]
        # The dialog offers the other request as a period, not the cancelled one.
        [opened] = shown(await thu.command("capnhat"))
        assert "Đổi kỳ báo cáo" in [b for row in await thu.buttons() for b in row]
        [periods] = shown(await thu.press("Đổi kỳ báo cáo"))
        labels = [b for row in await thu.buttons() for b in row]
        assert f"Đột xuất: {RIGHT} (hạn 11/12/2026)" in labels
        assert not [b for b in labels if "gõ nhầm" in b]
        assert "gõ nhầm" not in opened + periods

        # /baocao's buttons: the other request only.
        entries = await minh.command("baocao")
        menu = entries[-1]["message"]["reply_markup"]["inline_keyboard"]
        adhoc_buttons = [row[0]["text"] for row in menu if row[0]["text"].startswith("Đột xuất")]
        assert adhoc_buttons == [f"Đột xuất: {RIGHT} (hạn 11/12/2026)"]

        # The typed form still compiles the cancelled request, saying so, with the kept reply.
        emu.clock.advance(60)
        before = len(await minh.transcript())
        await emu.client.send_command(MINH, "baocao", f"dot xuat {wrong}")
        sent = await emu.client.wait_for(MINH.id, before + 4, within=30)
        report = "\n".join(e["message"]["text"] for e in sent[before:] if "text" in e.get("message", {}))  # fmt: skip
        assert (
            "Yêu cầu báo cáo đột xuất này đã được hủy ngày 30/11/2026; các báo cáo đã gửi trước "
            "đó vẫn được giữ."
        ) in report
        assert (
            "• Sở Y tế: Đang thực hiện (báo cáo ngày 30/11/2026). Đã lấy mẫu 120 mộ tại NTLS Can Lộc"
            in report
        )

    # The planner, on the days request 1 would have been followed up: nothing about it, while
    # request 2 still goes out on its due date.
    for day in ((2026, 12, 4), (2026, 12, 7), (2026, 12, 9), (2026, 12, 11)):
        await tick(local(*day, 8))
    rows = await _rows_since(sf, local(2026, 11, 30, 9))
    assert [r for r in rows if f"adhoc:{wrong}" in r] == []
    # Request 2, for both agencies with a contact (a1 Bộ CHQS tỉnh, a3 Sở Y tế): its 3-days-before
    # reminder (Tue 08/12, no tick that day) folded into the status check of Wed 09/12, then the
    # reminder on its due date.
    assert sorted(r.split(" ", 1)[0] for r in rows if f"adhoc:adhoc:{right}:" in r) == [
        f"adhoc:adhoc:{right}:a1:2026-12-11",
        f"adhoc:adhoc:{right}:a3:2026-12-11",
        "status_check:a1:2026-12-09",
        "status_check:a3:2026-12-09",
    ]
    async with sf() as s:
        kept = (await s.scalars(select(ProgressReport.period))).all()
    assert kept == [f"adhoc:{wrong}"]
