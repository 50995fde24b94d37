"""End to end: ``/baocao`` through the real ``Application`` against the emulator, on the November
scenario — buttons (current periods first), the chunks, the three documents, typed periods, and
the refusal of an agency contact."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime

from docx import Document
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models.people import Role
from reports.html import render_chunks
from tests.bot.harness import make_invite, running_bot, texts
from tests.reports.conftest import NOW, summary_for

OFFICE = TgUser(3001, "Hoàng", "Minh")
CONTACT = TgUser(3002, "Lê", "Hoa")
LEADER = TgUser(3003, "Võ Trọng", "Hải")


def plain(chunk: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", chunk))


async def test_baocao_buttons_chunks_documents(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    # Mon 23/11/2026 08:00 in Hà Tĩnh, as the scenario's NOW.
    emu.clock.advance(NOW.timestamp() - emu.clock.now())
    assert datetime.fromtimestamp(emu.clock.now(), UTC) == NOW
    office = await make_invite(factory, emu, Role.STANDING_OFFICE, agency="Bộ CHQS tỉnh")
    contact = await make_invite(factory, emu, Role.CONTACT, agency="Sở Y tế")
    leader = await make_invite(factory, emu, Role.LEADER, leader="Trưởng Ban Chỉ đạo tỉnh")
    expected = [plain(c) for c in render_chunks(await summary_for(factory))]
    # A report is a burst of ~6 messages to one chat. The emulator's clock stands still, so its
    # default per-chat bucket (3) would never refill; production relies on AIORateLimiter's retry.
    await emu.client.configure(per_chat_burst=20)
    async with running_bot(emu, db_url, factory):
        await emu.client.start(OFFICE, office)
        await emu.client.wait_for(OFFICE.id, 1)
        await emu.client.send_command(OFFICE, "baocao")
        menu = (await emu.client.wait_for(OFFICE.id, 2))[1]["message"]
        buttons = [row[0] for row in menu["reply_markup"]["inline_keyboard"]]
        assert [b["text"] for b in buttons[:3]] == [
            "Tháng 11/2026 (15/10–14/11/2026)",
            "Tháng 12/2026 (15/11–14/12/2026)",
            "Quý IV/2026 (15/09–14/12/2026)",
        ]
        assert [b["callback_data"] for b in buttons] == [
            "rpt:v1:p:2026-11",
            "rpt:v1:p:2026-12",
            "rpt:v1:p:2026-Q4",
            "rpt:v1:p:2026-H2",
            "rpt:v1:p:2026",
            "rpt:v1:p:2026-10",
            "rpt:v1:p:soket",
            "rpt:v1:p:tongket",
        ]
        await emu.client.press_button(OFFICE, menu["message_id"], "rpt:v1:p:2026-11")
        # + callback answer, chunks, DOCX/XLSX/PNG, the deliverables' buttons
        total = 2 + 1 + len(expected) + 3 + 1
        transcript = await emu.client.wait_for(OFFICE.id, total, within=30)
        sent = transcript[2:]
        assert sent[0]["kind"] == "callback_answer"
        assert [e["message"]["text"] for e in sent[1 : 1 + len(expected)]] == expected
        documents = [e["message"]["document"] for e in sent[1 + len(expected) : -1]]
        assert [d["file_name"] for d in documents] == [
            "bao-cao-2026-11.docx",
            "bao-cao-2026-11.xlsx",
            "bao-cao-2026-11.png",
        ]
        docx = Document(io.BytesIO(await emu.client.file_content(documents[0]["file_id"])))
        assert "I. KẾT QUẢ THỰC HIỆN" in [p.text for p in docx.paragraphs]
        # The one deliverable of November (10b, Bộ CHQS tỉnh) gets its button.
        offer = sent[-1]["message"]
        assert offer["text"] == "Sản phẩm đính kèm (1): nhấn một nút để nhận tệp do cơ quan gửi."
        [[button]] = offer["reply_markup"]["inline_keyboard"]
        assert button["text"] == "📎 10b — Bộ Chỉ huy Quân sự tỉnh"
        assert button["callback_data"].startswith("rpt:v1:f:")

        # Typed, with diacritics and roman numerals.
        await emu.client.send_command(OFFICE, "baocao", "Quý IV/2026")
        more = await emu.client.wait_for(OFFICE.id, total + 1, within=30)
        assert "quý IV/2026" in more[total]["message"]["text"]
        await emu.client.send_command(OFFICE, "baocao", "thang 13/2026")
        # The Q4 report took 2 chunks, 3 documents and the deliverables' buttons; then the refusal
        # of month 13.
        refusal = (await emu.client.wait_for(OFFICE.id, total + 7, within=30))[-1]["message"]
        assert refusal["text"].startswith("Không đọc được kỳ báo cáo “thang 13/2026”.")
        # It says "Chọn kỳ báo cáo…": the period buttons come with it, as with a bare /baocao.
        assert refusal["reply_markup"]["inline_keyboard"][0][0]["text"] == (
            "Tháng 11/2026 (15/10–14/11/2026)"
        )
        # A month without a year is the latest whose data range has begun (on 23/11/2026,
        # "tháng 1" is 2026-01, before the campaign): said plainly, with the buttons.
        await emu.client.send_command(OFFICE, "baocao", "tháng 1")
        outside = (await emu.client.wait_for(OFFICE.id, total + 8, within=30))[-1]["message"]
        assert outside["text"] == (
            "Tháng 1/2026 (15/12/2025–14/01/2026) không thuộc thời gian Chiến dịch "
            "(14/03/2026–27/07/2027). Gõ kèm năm, ví dụ /baocao thang 11/2026, hoặc chọn một kỳ "
            "dưới đây."
        )
        assert len(outside["reply_markup"]["inline_keyboard"]) == 8
        # A range typed backwards is named as such, not as unreadable.
        await emu.client.send_command(OFFICE, "baocao", "tu 20/11/2026 den 01/11/2026")
        reversed_ = (await emu.client.wait_for(OFFICE.id, total + 9, within=30))[-1]["message"]
        assert reversed_["text"] == (
            "Khoảng thời gian bị ngược: ngày bắt đầu 20/11/2026 sau ngày kết thúc 01/11/2026. "
            "Gõ ngày bắt đầu trước, ví dụ /baocao tu 01/11/2026 den 20/11/2026."
        )
        assert len(reversed_["reply_markup"]["inline_keyboard"]) == 8

        # A leader may ask too (read-only: the report changes nothing).
        await emu.client.start(LEADER, leader)
        await emu.client.wait_for(LEADER.id, 1)
        await emu.client.send_command(LEADER, "baocao")
        offered = (await emu.client.wait_for(LEADER.id, 2))[1]["message"]
        assert offered["reply_markup"]["inline_keyboard"][0][0]["text"] == (
            "Tháng 11/2026 (15/10–14/11/2026)"
        )

        # An agency contact is refused.
        await emu.client.start(CONTACT, contact)
        await emu.client.wait_for(CONTACT.id, 1)
        await emu.client.send_command(CONTACT, "baocao")
        assert texts(await emu.client.wait_for(CONTACT.id, 2))[1].startswith(
            "Xin lỗi, chức năng này không dành cho vai trò của bạn."
        )
