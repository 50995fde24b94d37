"""End to end: the real ``Application`` polling the emulator; contacts talk through its control API.

Plan rows from ``tests/dialogs/factories.py`` (tasks 5a, 5b, 6b copied from the document). The clock
(emulator's and bot's) is set to ``conftest.NOW``: Monday 16/11/2026, 09:00 in Hà Tĩnh, when the
November report (2026-11) is the default open period.
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from emulator.client import TgGroup, TgUser
from emulator.pytest_plugin import TelegramEmulator
from handlers import callback_data as cb
from models import directory
from models.people import Contact
from models.progress import DialogState, ProgressReport
from tests.bot.harness import running_bot
from tests.dialogs.conftest import NOW
from tests.dialogs.e2e import Person, answers, png, shown
from tests.dialogs.factories import BCHQS, NOI_VU, DialogPlan, make_contact

AN = TgUser(1001, "Nguyễn Văn", "An", username="an_bchqs")
BINH = TgUser(1002, "Trần Thị Bình")  # no username, no last name
T5A = "5a · Chỉ đạo đẩy mạnh tìm kiếm, quy tập hài cốt…"
T6B = "6b · Xác định 01 nghĩa trang liệt sĩ trên địa bàn…"
H6B = (
    "Nhiệm vụ 6b: Xác định 01 nghĩa trang liệt sĩ trên địa bàn tỉnh để tổ chức làm trước lấy mẫu "
    "hài cốt liệt sĩ (Nghĩa trang liệt sĩ xã…"
)


@pytest.fixture
async def bot(
    telegram_emulator: TelegramEmulator,
    session_factory: async_sessionmaker[AsyncSession],
    plan: DialogPlan,
) -> AsyncIterator[Any]:
    emu = telegram_emulator
    emu.settings.rate_limits = False  # not what these tests are about
    emu.clock.set(NOW.timestamp())
    async with session_factory.begin() as s:
        await make_contact(s, plan, BCHQS, AN.id, username=AN.username)
        await make_contact(s, plan, NOI_VU, BINH.id, full_name="Trần Thị Bình", username=None)
    async with running_bot(emu, "sqlite:///unused.db", session_factory) as app:
        yield app


async def all_reports(factory: async_sessionmaker[AsyncSession]) -> list[ProgressReport]:
    async with factory() as s:
        stmt = select(ProgressReport).options(selectinload(ProgressReport.versions))
        return list((await s.scalars(stmt.order_by(ProgressReport.id))).all())


async def test_full_reply_text_shown_verbatim_stored_nfc_double_tap_once(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    an = Person(telegram_emulator, AN)
    assert shown(await an.command("capnhat")) == [
        "Cập nhật tiến độ — Bộ Chỉ huy Quân sự tỉnh\nChọn nhiệm vụ cần báo cáo:\n"
        "Đã báo cáo kỳ tháng 11/2026: 0/3 nhiệm vụ (✅)."
    ]
    entries = await an.press(T5A)
    assert answers(entries) == [""]  # answered, silently
    await an.press("Đang thực hiện")
    # Sets of remains are whole: "12,5" is refused with what was typed and what to type.
    [refused] = shown(await an.say("12,5"))
    assert refused.startswith(
        "Bạn gõ «12,5», nhưng số liệu «Hài cốt quy tập» đếm theo bộ nên chỉ nhận số nguyên. "
        "Xin gõ lại một số nguyên, ví dụ 12 hoặc 13.\n\nNhiệm vụ 5a: "
    )
    await an.say("12")
    typed = unicodedata.normalize("NFD", 'Đã quy tập <3 bộ> & bàn giao "đủ"')
    await an.say(typed)
    await an.press("Bỏ qua")
    await an.press("Bỏ qua")
    await an.press("Bỏ qua")
    [summary] = shown(await an.press("Bỏ qua"))
    assert summary == "\n".join(
        [
            "Xem lại báo cáo",
            "Nhiệm vụ 5a: Chỉ đạo đẩy mạnh tìm kiếm, quy tập hài cốt liệt sĩ ở trong nước và tại "
            "nước Cộng hòa Dân chủ nhân dân Lào",
            "Kỳ báo cáo: tháng 11/2026 (15/10/2026–14/11/2026)",
            "Tình trạng: Đang thực hiện",
            "Hài cốt quy tập: 12 bộ",
            'Kết quả: Đã quy tập <3 bộ> & bàn giao "đủ"',
            "Khó khăn, vướng mắc: (bỏ trống)",
            "Phương hướng tiếp theo: (bỏ trống)",
            "Đề xuất, kiến nghị: (bỏ trống)",
            "Báo cáo chỉ được ghi nhận khi bạn bấm Xác nhận.",
        ]
    )
    message = await an.keyboard_message()
    message_id, data = await an.data_of("Xác nhận", message)
    # A double tap: both presses reach the bot before it removes the buttons.
    before = len(await an.transcript())
    await telegram_emulator.client.press_button(AN, message_id, data)
    await telegram_emulator.client.press_button(AN, message_id, data)
    entries = (await telegram_emulator.client.wait_for(AN.id, before + 4))[before:]
    kinds = [e["kind"] for e in entries]
    # The first press's answer and edit go out together (either may land first); then the
    # result message; then the second press, answered with a notice and nothing else.
    assert sorted(kinds[:2]) == ["callback_answer", "edit"]
    assert kinds[2:] == ["message", "callback_answer"]
    assert shown(entries)[-1] == (
        "✅ Đã ghi nhận báo cáo nhiệm vụ 5a, kỳ tháng 11/2026 (15/10/2026–14/11/2026) "
        "(phiên bản 1). Cảm ơn bạn!"
    )
    # The summary message itself no longer says the report counts only once confirmed.
    [edit] = [e for e in entries if e["kind"] == "edit"]
    assert edit["message"]["message_id"] == message_id
    assert "reply_markup" not in edit["message"]
    assert edit["message"]["text"] == summary.replace("Xem lại báo cáo", "Báo cáo đã gửi").replace(
        "Báo cáo chỉ được ghi nhận khi bạn bấm Xác nhận.",
        "✅ Đã xác nhận, ghi nhận là phiên bản 1.",
    )
    assert answers(entries) == ["", "Báo cáo này đã được ghi nhận."]
    [report] = await all_reports(session_factory)
    [version] = report.versions
    assert version.result == 'Đã quy tập <3 bộ> & bàn giao "đủ"'
    assert unicodedata.is_normalized("NFC", version.result)


async def test_contact_without_username_and_old_buttons(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    binh = Person(telegram_emulator, BINH)
    await binh.command("capnhat")
    # Sở Nội vụ leads 5b and 6b (no 5a): lead tasks in plan order.
    assert await binh.buttons() == [
        ["5b · Tổ chức Lễ đón Đội tìm kiếm, quy tập hài cốt…"],
        ["6b · Xác định 01 nghĩa trang liệt sĩ trên địa bàn…"],
        ["Hủy"],
    ]
    await binh.press("6b · Xác định 01 nghĩa trang liệt sĩ trên địa bàn…")
    await binh.press("Đang thực hiện")
    figure_prompt = await binh.keyboard_message()
    await binh.say("250")  # a new message comes; the figure prompt keeps its (now old) buttons
    # A button of an earlier step: a notice, nothing changes.
    message_id, data = await binh.data_of("Bỏ qua", figure_prompt)
    entries = await binh.press_data(message_id, data, expect=1)
    stale = "Nút này thuộc một phiên cập nhật đã kết thúc hoặc đã cũ; không có gì thay đổi."
    assert answers(entries) == [stale]
    # Idle past the timeout (30 min): the next tap is not applied; the draft is offered.
    telegram_emulator.clock.advance(31 * 60)
    entries = await binh.press("Bỏ qua")
    assert shown(entries) == [
        "Phiên cập nhật đã tạm dừng vì lâu không trả lời.\n"
        "Bạn có một báo cáo chưa xong: nhiệm vụ 6b, bắt đầu lúc 16/11/2026 09:00."
    ]
    assert await binh.buttons() == [["Tiếp tục"], ["Bắt đầu lại"], ["Hủy bản nháp"]]
    entries = await binh.press("Tiếp tục")
    assert shown(entries)[0].endswith("Kết quả thực hiện trong kỳ? Gõ ngắn gọn, hoặc bấm Bỏ qua.")
    cancel = await binh.press("Hủy", expect=3)
    assert shown(cancel)[-1] == "Đã hủy. Không có gì được ghi nhận."
    entries = await binh.press_data(message_id, data, expect=1)
    assert answers(entries) == [stale]
    async with session_factory() as s:
        row = await s.scalar(select(DialogState))
        assert row is not None and row.outcome == "cancelled"
    assert await all_reports(session_factory) == []


GROUP = TgGroup(-4001, "Ban Chỉ đạo — nhắc việc")
STRANGER = TgUser(1999, "Người", "Lạ")


async def test_group_taps_of_others_refused_and_capnhat_says_private(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    emu = telegram_emulator
    an, binh = Person(emu, AN), Person(emu, BINH)
    # Plain text with no dialog: a hint (and the private chat becomes known to Telegram).
    assert shown(await an.say("xin chào")) == [
        "Gửi /capnhat để cập nhật tiến độ, hoặc /trogiup để xem các lệnh."
    ]
    await emu.client.send_command(AN, "capnhat", chat=GROUP)
    group_entries = await emu.client.wait_for(GROUP.id, 1)
    assert shown(group_entries) == [
        "Lệnh /capnhat chỉ dùng trong chat riêng với bot: mở @thu_bot và gửi /capnhat."
    ]
    # A reminder with the task's buttons, posted in the group (as the delivery module may do).
    reminder = await bot.bot.send_message(
        GROUP.id,
        "Nhắc việc: nhiệm vụ 5a",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Cập nhật ngay", callback_data=cb.open_task("5a")),
                    InlineKeyboardButton("Đã hoàn thành", callback_data=cb.done_task("5a")),
                ]
            ]
        ),
    )
    for user in (BINH, STRANGER):  # Sở Nội vụ has no role on 5a; a stranger is not bound
        before = len(await emu.client.transcript(GROUP.id))
        await emu.client.press_button(user, reminder.message_id, cb.open_task("5a"), GROUP.id)
        entries = (await emu.client.wait_for(GROUP.id, before + 1))[before:]
        assert [e["kind"] for e in entries] == ["callback_answer"]
        assert entries[0]["show_alert"] is True
    assert answers(entries) == [
        "Tài khoản Telegram của bạn chưa được liên kết với cơ quan nào trong Kế hoạch.\n"
        "Vui lòng liên hệ Cơ quan Thường trực (Bộ Chỉ huy Quân sự tỉnh) để nhận mã mời, rồi gửi "
        "/start kèm mã đó."
    ]
    group = await emu.client.transcript(GROUP.id)
    assert answers(group)[-2] == "Nút này không dành cho bạn."
    async with session_factory() as s:
        assert await s.scalar(select(DialogState)) is None  # nothing started for anyone
    assert await binh.transcript() == []
    # The right contact's tap opens the dialog in their private chat.
    before = len(await an.transcript())
    await emu.client.press_button(AN, reminder.message_id, cb.done_task("5a"), GROUP.id)
    private = await an._after(before, 1)
    assert shown(private) == [
        "Xác nhận nhiệm vụ 5a đã hoàn thành — kỳ tháng 11/2026 (15/10/2026–14/11/2026)?"
    ]
    assert answers(await emu.client.transcript(GROUP.id))[-1] == (
        "Mời bạn tiếp tục trong chat riêng với bot."
    )
    await an.press("Xác nhận", expect=3)
    [report] = await all_reports(session_factory)
    assert (report.status.value, report.versions[0].contact_id is not None) == ("done", True)


async def test_edited_messages_are_never_input(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    emu = telegram_emulator
    an = Person(emu, AN)
    notice = (
        "Bot không đọc tin nhắn đã sửa. Muốn đổi câu trả lời, hãy bấm « Quay lại hoặc Sửa ở bản "
        "tóm tắt; muốn gửi lệnh, hãy gửi tin nhắn mới."
    )
    hello = await emu.client.send_text(AN, "chào")
    await an._after(0, 1)
    # An edited command runs nothing.
    before = len(await an.transcript())
    await emu.client.edit_text(AN, hello["message_id"], "/capnhat")
    assert shown(await an._after(before, 1)) == [notice]
    async with session_factory() as s:
        assert await s.scalar(select(DialogState)) is None
    # Inside a dialog: the answer given stands; the edit changes nothing.
    await an.command("capnhat")
    await an.press(T5A)
    await an.press("Đang thực hiện")
    await an.press("Bỏ qua")  # figure
    before = len(await an.transcript())
    answer = await emu.client.send_text(AN, "Kết quả ban đầu")
    await an._after(before, 1)
    before = len(await an.transcript())
    await emu.client.edit_text(AN, answer["message_id"], "Kết quả đã sửa")
    assert shown(await an._after(before, 1)) == [notice]
    async with session_factory() as s:
        row = await s.scalar(select(DialogState))
        assert row is not None and row.state == "typing_difficulties"
        assert row.draft["result"] == "Kết quả ban đầu"


async def test_twenty_contacts_confirm_in_the_same_second_on_sqlite(
    telegram_emulator: TelegramEmulator,
    session_factory: async_sessionmaker[AsyncSession],
    plan: DialogPlan,
    db_engine_url: str,
) -> None:
    if not db_engine_url.startswith("sqlite"):
        pytest.skip("the case is SQLite's single writer ('database is locked')")
    emu = telegram_emulator
    emu.settings.rate_limits = False
    emu.clock.set(NOW.timestamp())  # the emulator's clock does not move: all in one second
    people = [TgUser(6000 + i, f"Cán bộ {i}") for i in range(20)]
    async with session_factory.begin() as s:
        for i, user in enumerate(people):
            agency = (BCHQS, NOI_VU)[i % 2]
            await make_contact(s, plan, agency, user.id, full_name=user.first_name)
    async with running_bot(emu, "sqlite:///unused.db", session_factory) as app:
        persons = [Person(emu, u) for u in people]
        done = InlineKeyboardMarkup(
            [[InlineKeyboardButton("Đã hoàn thành", callback_data=cb.done_task("6b"))]]
        )
        for p in persons:
            await p.say("chào")  # opens the private chat
            await app.bot.send_message(p.chat_id, "Nhắc việc: nhiệm vụ 6b", reply_markup=done)
            await p.press("Đã hoàn thành")  # the one-line confirmation, edited in place
        confirms = [await p.data_of("Xác nhận") for p in persons]
        befores = [len(await p.transcript()) for p in persons]
        await asyncio.gather(
            *(
                emu.client.press_button(p.user, mid, data)
                for p, (mid, data) in zip(persons, confirms, strict=True)
            )
        )
        for p, before in zip(persons, befores, strict=True):
            assert shown(await p._after(before, 3))[-1].startswith(
                "✅ Đã ghi nhận báo cáo nhiệm vụ 6b"
            )
    reports = await all_reports(session_factory)
    assert len(reports) == 2  # Bộ CHQS tỉnh and Sở Nội vụ, each with ten versions
    assert sorted(len(r.versions) for r in reports) == [10, 10]


async def test_document_attached_and_huy_cancels(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    emu = telegram_emulator
    an = Person(emu, AN)
    await an.command("capnhat")
    await an.press(T6B)
    await an.press("Hoàn thành")
    await an.say("1.200")  # graves sampled (6b)
    for _ in range(4):
        await an.press("Bỏ qua")
    [summary] = shown(await an.send_document(b"%PDF-1.4 bien ban", "Biên bản lấy mẫu.pdf"))
    assert "Mộ đã lấy mẫu: 1.200 mộ\n" in summary
    assert "Tệp đính kèm: Biên bản lấy mẫu.pdf\n" in summary
    await an.press("Xác nhận", expect=3)
    [report] = await all_reports(session_factory)
    version = report.versions[0]
    assert (version.attachment_kind, version.attachment_name) == (
        "document",
        "Biên bản lấy mẫu.pdf",
    )
    assert await emu.client.file_content(version.attachment_file_id or "") == b"%PDF-1.4 bien ban"
    # /huy in the middle of another dialog cancels it (and only the dialog answers).
    await an.command("capnhat")
    await an.press(T5A)
    assert shown(await an.command("huy")) == ["Đã hủy. Không có gì được ghi nhận."]
    # With nothing open, the general /huy answers.
    assert shown(await an.command("huy")) == ["Không có thao tác nào đang dở để hủy."]
    assert len(await all_reports(session_factory)) == 1


async def test_a_failed_edit_still_answers_the_press(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """The answer and the edit go out together; when the edit fails the press is still answered
    (no endless spinner) and the error handler tells the person."""
    emu = telegram_emulator
    an = Person(emu, AN)
    await an.command("capnhat")
    await emu.client.inject_fault("editMessageText", 400, "Bad Request: message can't be edited")
    entries = await an.press(T5A)
    assert [e["kind"] for e in entries] == ["callback_answer", "message"]
    assert answers(entries) == [""]
    assert shown(entries) == [
        "Xin lỗi, bot gặp lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút; "
        "nếu vẫn lỗi, hãy báo Cơ quan Thường trực."
    ]
    # The step itself was committed before the screen went out: the dialog is on the status.
    async with session_factory() as s:
        row = await s.scalar(select(DialogState))
        assert row is not None and row.state == "choosing_status"


async def test_revoked_contact_refused_on_the_very_next_tap(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    """Nothing about roles is cached: a revoke holds from the next update, mid-dialog."""
    emu = telegram_emulator
    an = Person(emu, AN)
    await an.command("capnhat")
    await an.press(T5A)
    async with session_factory() as s:
        before = await s.scalar(select(DialogState))
        assert before is not None
    async with session_factory.begin() as s:
        contact = await s.get(Contact, before.contact_id)
        assert contact is not None
        await directory.revoke_contact(s, contact.plan_id, AN.id, now=NOW)
    entries = await an.press("Đang thực hiện", expect=1)
    assert [e["kind"] for e in entries] == ["callback_answer"]
    # NOW is 09:00 on 16/11/2026 in Hà Tĩnh: the alert (≤ 200 characters) names the day.
    revoked = (
        "Liên kết của tài khoản Telegram này với cơ quan đã bị thu hồi ngày 16/11/2026.\n"
        "Cần liên kết lại: liên hệ Cơ quan Thường trực (Bộ Chỉ huy Quân sự tỉnh) để nhận mã mời "
        "mới, rồi gửi /start kèm mã đó."
    )
    assert answers(entries) == [revoked]
    entries = await an.command("capnhat")
    assert shown(entries) == [revoked]
    async with session_factory() as s:
        after = await s.scalar(select(DialogState))
        assert after is not None
        assert (after.state, after.step, after.draft) == (before.state, before.step, before.draft)


async def _reply_6b(person: Person, period: str | None = None) -> None:
    """/capnhat, 6b, "Đang thực hiện", Bỏ qua to the summary, ``period`` ("Đổi kỳ báo cáo";
    None: the default), Xác nhận."""
    await person.command("capnhat")
    await person.press(T6B)
    await person.press("Đang thực hiện")
    while ["Xác nhận"] not in await person.buttons():
        await person.press("Bỏ qua")
    if period is not None:
        await person.press("Đổi kỳ báo cáo")
        await person.press(period)
    entries = await person.press("Xác nhận", expect=3)
    assert shown(entries)[-1].startswith("✅ Đã ghi nhận báo cáo nhiệm vụ 6b")


async def test_the_task_list_marks_the_agencys_own_replies_for_the_period(
    bot: Any,
    telegram_emulator: TelegramEmulator,
    session_factory: async_sessionmaker[AsyncSession],
    plan: DialogPlan,
) -> None:
    """6b is co-led by Bộ CHQS tỉnh and Sở Nội vụ. On 16/11 the list answers 2026-11 (the year
    2026 is open beside it); from Wed 18/11 only the year."""
    an, binh = Person(telegram_emulator, AN), Person(telegram_emulator, BINH)
    await _reply_6b(an)  # for 2026-11
    await _reply_6b(binh, "năm 2026 (15/12/2025–14/12/2026)")
    agencies = {plan.agencies[BCHQS].id: BCHQS, plan.agencies[NOI_VU].id: NOI_VU}
    assert [(agencies[r.agency_id], r.period) for r in await all_reports(session_factory)] == [
        (BCHQS, "2026-11"),
        (NOI_VU, "2026"),
    ]

    assert shown(await an.command("capnhat")) == [
        "Cập nhật tiến độ — Bộ Chỉ huy Quân sự tỉnh\nChọn nhiệm vụ cần báo cáo:\n"
        "Đã báo cáo kỳ tháng 11/2026: 1/3 nhiệm vụ (✅)."
    ]
    assert await an.buttons() == [
        [T5A],
        ["5b · Tổ chức Lễ đón Đội tìm kiếm, quy tập hài cốt…"],
        ["✅ " + T6B],
        ["Hủy"],
    ]
    # Sở Nội vụ: Bộ CHQS's reply is not its own, and its own answers the year, not 2026-11.
    assert shown(await binh.command("capnhat")) == [
        "Cập nhật tiến độ — Sở Nội vụ\nChọn nhiệm vụ cần báo cáo:\n"
        "Đã báo cáo kỳ tháng 11/2026: 0/2 nhiệm vụ (✅)."
    ]
    assert await binh.buttons() == [
        ["5b · Tổ chức Lễ đón Đội tìm kiếm, quy tập hài cốt…"],
        [T6B],
        ["Hủy"],
    ]
    await binh.press("Hủy", expect=3)

    telegram_emulator.clock.advance(2 * 24 * 3600)  # Wed 18/11 09:00: the year is the default
    assert shown(await binh.command("capnhat")) == [
        "Cập nhật tiến độ — Sở Nội vụ\nChọn nhiệm vụ cần báo cáo:\n"
        "Đã báo cáo kỳ năm 2026: 1/2 nhiệm vụ (✅)."
    ]
    assert await binh.buttons() == [
        ["5b · Tổ chức Lễ đón Đội tìm kiếm, quy tập hài cốt…"],
        ["✅ " + T6B],
        ["Hủy"],
    ]


async def test_caption_is_the_text_steps_answer_and_a_second_file_is_named(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    an = Person(telegram_emulator, AN)
    await an.command("capnhat")
    await an.press(T6B)
    await an.press("Hoàn thành")
    await an.say("1.200")  # graves sampled; now at Kết quả
    caption = unicodedata.normalize("NFD", "Đã hoàn thành khảo sát nghĩa trang <Can Lộc>")
    [difficulties] = shown(await an.send_document(b"%PDF-1.4 ks", "Khảo sát.pdf", caption=caption))
    assert difficulties == "\n".join(
        [
            "Đã nhận tệp đính kèm.",
            "Chú thích kèm tệp được ghi vào phần «Kết quả».",
            "",
            H6B,
            "Khó khăn, vướng mắc (nếu có)? Gõ ngắn gọn, hoặc bấm Bỏ qua.",
        ]
    )
    # A photo with a caption at the next text step: its answer, and the document is replaced.
    [next_steps] = shown(await an.send_photo(png(), caption="Thiếu kinh phí & <xe>"))
    assert next_steps == "\n".join(
        [
            "Đã thay tệp đính kèm «Khảo sát.pdf» bằng «ảnh».",
            "Chú thích kèm tệp được ghi vào phần «Khó khăn, vướng mắc».",
            "",
            H6B,
            "Phương hướng, nhiệm vụ thời gian tới? Gõ ngắn gọn, hoặc bấm Bỏ qua.",
        ]
    )
    await an.press("Bỏ qua")
    [attach] = shown(await an.press("Bỏ qua"))
    assert attach.endswith(
        "Gửi kèm tệp hoặc ảnh sản phẩm (văn bản, biên bản…), hoặc bấm Bỏ qua.\nĐang có: ảnh"
    )
    [summary] = shown(await an.press("Bỏ qua"))
    assert "\nKết quả: Đã hoàn thành khảo sát nghĩa trang <Can Lộc>\n" in summary
    assert "\nKhó khăn, vướng mắc: Thiếu kinh phí & <xe>\n" in summary
    assert "\nTệp đính kèm: ảnh\n" in summary
    await an.press("Xác nhận", expect=3)
    [report] = await all_reports(session_factory)
    [v] = report.versions
    assert (v.result, v.difficulties, v.next_steps, v.proposals) == (
        "Đã hoàn thành khảo sát nghĩa trang <Can Lộc>",
        "Thiếu kinh phí & <xe>",
        None,
        None,
    )
    assert unicodedata.is_normalized("NFC", v.result or "")
    assert (v.attachment_kind, v.attachment_name) == ("photo", None)
    assert await telegram_emulator.client.file_content(v.attachment_file_id or "") == png()


async def test_caption_elsewhere_is_echoed_not_dropped(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    an = Person(telegram_emulator, AN)
    await an.command("capnhat")
    await an.press(T6B)
    [status] = shown(await an.send_photo(png(), caption="ảnh chụp <1>"))
    assert status == "\n".join(
        [
            "Đã nhận tệp đính kèm.",
            "Chú thích kèm tệp chưa được ghi vào báo cáo; bạn gõ lại nội dung ở bước Kết quả. "
            "Chú thích bạn đã gửi:",
            "ảnh chụp <1>",
            "",
            H6B,
            "Tình hình thực hiện nhiệm vụ?",
        ]
    )
    # The caption is a copyable block (Telegram HTML <pre>), escaped.
    message = await an.keyboard_message()
    assert [e["type"] for e in message["entities"]][:2] == ["pre", "bold"]
    await an.press("Hoàn thành")
    await an.press("Bỏ qua")  # no figure
    for _ in range(4):
        await an.press("Bỏ qua")
    # At the attachment step the caption is not a part of the reply either: the summary follows.
    [summary] = shown(
        await an.send_document(b"%PDF-1.4 bb", "Biên bản <1>.pdf", caption="Biên bản nghiệm thu")
    )
    assert summary.startswith(
        "Đã thay tệp đính kèm «ảnh» bằng «Biên bản <1>.pdf».\n"
        "Chú thích kèm tệp chưa được ghi vào báo cáo; muốn ghi, bạn bấm Sửa ở bản tóm tắt rồi "
        "gõ lại ở phần cần ghi. Chú thích bạn đã gửi:\n"
        "Biên bản nghiệm thu\n\nXem lại báo cáo\n"
    )
    assert "\nKết quả: (bỏ trống)\n" in summary
    assert "\nTệp đính kèm: Biên bản <1>.pdf\n" in summary
    await an.press("Xác nhận", expect=3)
    [report] = await all_reports(session_factory)
    [v] = report.versions
    assert (v.result, v.attachment_kind, v.attachment_name) == (
        None,
        "document",
        "Biên bản <1>.pdf",
    )


async def test_text_over_the_limit_is_offered_cut_and_the_rest_echoed(
    bot: Any, telegram_emulator: TelegramEmulator, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    an = Person(telegram_emulator, AN)
    await an.command("capnhat")
    await an.press(T6B)
    await an.press("Hoàn thành")
    await an.press("Bỏ qua")  # no figure; now at Kết quả
    long = "x" * 1995 + " " + "y" * 10 + " <z>" + "z" * 197  # 2,207 characters
    [refused] = shown(await an.say(long))
    assert refused == "\n".join(
        [
            "Nội dung dài 2207 ký tự, quá giới hạn 2000 ký tự nên chưa được ghi. Gõ lại ngắn gọn "
            "hơn, hoặc bấm «Dùng 2000 ký tự đầu» để ghi 1995 ký tự đầu (cắt ở cuối một từ); phần "
            "sau đây (211 ký tự) sẽ không được ghi, bạn chép lại nếu cần:",
            "y" * 10 + " <z>" + "z" * 197,
            "",
            H6B,
            "Kết quả thực hiện trong kỳ? Gõ ngắn gọn, hoặc bấm Bỏ qua.",
        ]
    )
    assert await an.buttons() == [["Dùng 2000 ký tự đầu"], ["Bỏ qua"], ["« Quay lại", "Hủy"]]
    [difficulties] = shown(await an.press("Dùng 2000 ký tự đầu"))
    assert difficulties == "\n".join(
        [
            "Đã ghi 1995 ký tự đầu vào phần «Kết quả»; phần không được ghi có trong tin nhắn "
            "trước của bot.",
            "",
            H6B,
            "Khó khăn, vướng mắc (nếu có)? Gõ ngắn gọn, hoặc bấm Bỏ qua.",
        ]
    )
    # Too long again, then typed shorter: the button is gone with the next step.
    await an.say(long)
    await an.say("Thiếu kinh phí")
    for _ in range(3):
        await an.press("Bỏ qua")
    await an.press("Xác nhận", expect=3)
    [report] = await all_reports(session_factory)
    [v] = report.versions
    assert (v.result, v.difficulties) == ("x" * 1995, "Thiếu kinh phí")
