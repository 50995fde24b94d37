"""End to end: the deliverables of ``/baocao`` — a button per attached file under the report, a
press sends that exact file again (by its file_id) with its caption; a contact and an unbound
account are refused; a file Telegram no longer serves is said so (November scenario, both
databases)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from handlers import callback_data
from handlers.reports import deliverable_messages
from models.people import Role
from models.plan import Agency, Task
from models.progress import ProgressReport, ProgressReportVersion
from models.repositories import get_plan
from reports.deliverables import load_deliverable, may_open
from reports.summary import Deliverable
from tests.bot.harness import make_invite, running_bot
from tests.reports.conftest import NOW, summary_for
from tests.reports.scenario import BCHQS, VH

OFFICE = TgUser(3101, "Hoàng", "Minh")
CONTACT = TgUser(3102, "Lê", "Hoa")  # Sở Văn hóa, Thể thao và Du lịch
STRANGER = TgUser(3103, "Người", "Lạ")  # never bound

Json = dict[str, Any]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(out, format="PNG")
    return out.getvalue()


async def attach(
    factory: async_sessionmaker[AsyncSession],
    code: str,
    agency: str,
    file_id: str,
    kind: str,
    name: str | None,
) -> int:
    """Put the file on the latest version of (task, agency)'s November reply, as the dialog
    stores it; returns the version's id."""
    async with factory.begin() as s:
        version = await s.scalar(
            select(ProgressReportVersion)
            .join(ProgressReport, ProgressReport.id == ProgressReportVersion.report_id)
            .join(Task, Task.id == ProgressReport.task_id)
            .join(Agency, Agency.id == ProgressReport.agency_id)
            .where(
                Task.code == code,
                Agency.name == agency,
                ProgressReport.period == "2026-11",
                ProgressReportVersion.version == ProgressReport.latest_version,
            )
        )
        assert version is not None
        await s.execute(
            update(ProgressReportVersion)
            .where(ProgressReportVersion.id == version.id)
            .values(attachment_file_id=file_id, attachment_kind=kind, attachment_name=name)
        )
        return version.id


async def test_deliverable_buttons_send_the_files(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    emu.clock.advance(NOW.timestamp() - emu.clock.now())
    assert datetime.fromtimestamp(emu.clock.now(), UTC) == NOW
    office = await make_invite(factory, emu, Role.STANDING_OFFICE, agency="Bộ CHQS tỉnh")
    contact = await make_invite(factory, emu, Role.CONTACT, agency=VH)
    await emu.client.configure(per_chat_burst=30)
    async with running_bot(emu, db_url, factory):
        await emu.client.start(OFFICE, office)
        await emu.client.wait_for(OFFICE.id, 1)
        await emu.client.start(CONTACT, contact)
        await emu.client.wait_for(CONTACT.id, 1)
        # The contact uploads a document and a photo (the emulator keeps them by file_id); the
        # dialog stores them on the reply's version (tests/dialogs/test_progress_e2e.py).
        sent_doc = await emu.client.send_document(
            CONTACT, b"bien ban lay mau", "bien ban lay mau.txt", "text/plain"
        )
        doc_id = sent_doc["document"]["file_id"]
        photo = png()
        sent_photo = await emu.client.send_photo(CONTACT, photo)
        photo_id = sent_photo["photo"][-1]["file_id"]
        doc_version = await attach(
            factory, "10b", BCHQS, doc_id, "document", "bien ban lay mau.txt"
        )
        photo_version = await attach(factory, "2", VH, photo_id, "photo", None)

        summary = await summary_for(factory)
        assert [(d.task_code, d.agency, d.kind, d.version_id) for d in summary.deliverables] == [
            ("2", VH, "photo", photo_version),
            ("10b", BCHQS, "document", doc_version),
        ]
        await emu.client.send_command(OFFICE, "baocao", "thang 11/2026")
        before = len(await emu.client.transcript(OFFICE.id))
        # The chunks, the DOCX/XLSX/PNG, then the deliverables' message.
        transcript = await emu.client.wait_for(OFFICE.id, before + 1, within=30)
        for _ in range(60):
            last = transcript[-1]["message"]
            if last.get("text", "").startswith("Sản phẩm đính kèm"):
                break
            transcript = await emu.client.wait_for(OFFICE.id, len(transcript) + 1, within=30)
        offer = transcript[-1]["message"]
        assert offer["text"] == ("Sản phẩm đính kèm (2): nhấn một nút để nhận tệp do cơ quan gửi.")
        assert offer["reply_markup"]["inline_keyboard"] == [
            [{"text": f"📎 2 — {VH}", "callback_data": f"rpt:v1:f:{photo_version}"}],
            [{"text": f"📎 10b — {BCHQS}", "callback_data": f"rpt:v1:f:{doc_version}"}],
        ]
        assert transcript[-2]["message"]["document"]["file_name"] == "bao-cao-2026-11.png"

        async def press(user: TgUser, data: str, expect: int) -> list[Json]:
            count = len(await emu.client.transcript(OFFICE.id))
            await emu.client.press_button(user, offer["message_id"], data, chat_id=OFFICE.id)
            return (await emu.client.wait_for(OFFICE.id, count + expect))[count:]

        # The document: the very file, with its caption, and a silent answer.
        got = await press(OFFICE, f"rpt:v1:f:{doc_version}", 2)
        message = next(e["message"] for e in got if e.get("message"))
        assert message["document"]["file_id"] == doc_id
        assert message["document"]["file_name"] == "bien ban lay mau.txt"
        assert await emu.client.file_content(doc_id) == b"bien ban lay mau"
        assert message["caption"] == f"10b — {BCHQS} — tháng 11/2026, phiên bản 1"
        assert [e.get("text", "") for e in got if e["kind"] == "callback_answer"] == [""]
        # The photo, as a photo.
        got = await press(OFFICE, f"rpt:v1:f:{photo_version}", 2)
        message = next(e["message"] for e in got if e.get("message"))
        assert message["photo"][-1]["file_id"] == photo_id
        assert await emu.client.file_content(photo_id) == photo
        assert message["caption"] == f"2 — {VH} — tháng 11/2026, phiên bản 1"

        # Telegram refuses the stored file_id: an alert, no crash.
        await emu.client.inject_fault(
            "sendDocument", 400, "Bad Request: wrong file identifier/HTTP URL specified"
        )
        got = await press(OFFICE, f"rpt:v1:f:{doc_version}", 1)
        assert got[0]["kind"] == "callback_answer"
        assert got[0]["text"] == (
            f"Telegram không còn cung cấp tệp này (tệp cũ hoặc đã bị xóa). Đề nghị {BCHQS} gửi "
            "lại tệp qua /capnhat."
        )

        # A contact (even of the file's own agency: the role is the standing office's and the
        # leaders') and an unbound account who reach the button are refused; no file is sent.
        got = await press(CONTACT, f"rpt:v1:f:{photo_version}", 1)
        assert got[0]["kind"] == "callback_answer"
        assert got[0]["text"] == (
            "Xin lỗi, chức năng này không dành cho vai trò của bạn. Gửi /trogiup để xem các lệnh "
            "bạn dùng được."
        )
        got = await press(STRANGER, f"rpt:v1:f:{doc_version}", 1)
        assert got[0]["kind"] == "callback_answer"
        assert got[0]["text"].startswith(
            "Tài khoản Telegram của bạn chưa được liên kết với cơ quan nào trong Kế hoạch."
        )
        assert len(await emu.client.transcript(OFFICE.id)) == len(transcript) + 2 * 2 + 3


def test_deliverable_messages_pages_and_cap() -> None:
    items = [Deliverable(str(n), "Sở Y tế", f"f{n}.pdf", "document", n) for n in range(1, 56)]
    items.append(Deliverable("99", "Sở Y tế", "no-file", "document", 0))  # nothing stored
    messages = deliverable_messages(items)
    assert [text for text, _ in messages] == [
        "Sản phẩm đính kèm (55): nhấn một nút để nhận tệp do cơ quan gửi.",
        "Sản phẩm đính kèm (tiếp, từ 11 đến 20):",
        "Sản phẩm đính kèm (tiếp, từ 21 đến 30):",
        "Sản phẩm đính kèm (tiếp, từ 31 đến 40):",
        "Sản phẩm đính kèm (tiếp, từ 41 đến 50):\n… và 5 sản phẩm khác (tên có trong tệp DOCX): "
        "chọn kỳ ngắn hơn, ví dụ /baocao tu 01/11/2026 den 07/11/2026, để nhận các tệp này.",
    ]
    assert [len(k.inline_keyboard) for _, k in messages] == [10] * 5
    assert messages[0][1].inline_keyboard[0][0].text == "📎 1 — Sở Y tế"
    assert messages[0][1].inline_keyboard[0][0].callback_data == "rpt:v1:f:1"
    assert deliverable_messages(items[-1:]) == []
    assert callback_data.deliverable(10**18 - 1) == "rpt:v1:f:" + "9" * 18


async def test_load_deliverable_and_who_may_open_it(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    """Without Telegram: the version's file with its task, agency and period; none for a version
    without a file, another plan's or an unknown one; only its agency or a reader of every agency
    may open it."""
    version_id = await attach(factory, "10b", BCHQS, "DOC-1", "document", "bien ban.txt")
    async with factory() as s:
        plan_id = (await get_plan(s)).id
        found = await load_deliverable(s, plan_id, version_id)
        assert await load_deliverable(s, plan_id + 1, version_id) is None
        assert await load_deliverable(s, plan_id, version_id + 10_000) is None
        bchqs = await s.scalar(select(Agency.id).where(Agency.name == BCHQS))
        vh = await s.scalar(select(Agency.id).where(Agency.name == VH))
    assert found is not None
    assert (found.file_id, found.kind, found.period, found.task_code, found.agency_name) == (
        "DOC-1",
        "document",
        "2026-11",
        "10b",
        BCHQS,
    )
    assert found.agency_id == bchqs
    assert [
        may_open(found, reads_every_agency=False, agency_id=bchqs),
        may_open(found, reads_every_agency=False, agency_id=vh),
        may_open(found, reads_every_agency=True, agency_id=vh),
        may_open(found, reads_every_agency=False, agency_id=None),
    ] == [True, False, True, False]
