"""Answering an ad hoc request (báo cáo đột xuất) on the real plan, through the plain functions:
the dialog offers it as a period, the reply is stored as ``adhoc:<id>``, the real planner stops
reminding that agency, and the request's report lists who answered and who did not.

Worked out by hand: the requests are made on Fri 27/11/2026 10:00 in Hà Tĩnh. The dialog runs on
Mon 30/11/2026 09:00: the November report was due Tue 17/11, so the only regular period open is
the current one, the year 2026 (it shares the 14/12 cut-off with December, Q4 and H2). Request 1
("Kết quả lấy mẫu ADN <đợt 1> & kế hoạch tháng 12", due Fri 04/12/2026) asks Sở Y tế and Sở Nội
vụ; request 2 asks only Sở Ngoại vụ; request 3 was due 15/10/2026, more than 30 days ago. Planner
days (send time 08:00): the request went out Mon 30/11, again 3 working days before its due date
(Tue 01/12) and on it (Fri 04/12); overdue on the 1st working day after (Mon 07/12).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs import progress
from dialogs.render import Notice, Screen
from models.people import Contact, ContactRole, Role
from models.plan import Agency, Plan
from models.progress import ProgressReport
from plan.importer import import_file
from reports.adhoc import compile_request_summary
from reports.html import render_html
from scheduler import adhoc, controls
from scheduler.periods import PeriodError, adhoc_request_id, parse_period_id
from scheduler.planner import plan_reminders
from scheduler.rules import ReminderRules
from scheduler.snapshot import load_snapshot
from tests.conftest import PLAN_TXT
from tests.dialogs.conftest import Clock, Driver, labels

HANOI = timezone(timedelta(hours=7))
SUBJECT = "Kết quả lấy mẫu ADN <đợt 1> & kế hoạch tháng 12"
LABEL = f"Đột xuất: {SUBJECT} (hạn 04/12/2026)"
LABEL_HTML = "Đột xuất: Kết quả lấy mẫu ADN &lt;đợt 1&gt; &amp; kế hoạch tháng 12 (hạn 04/12/2026)"
YEAR = "năm 2026 (15/12/2025–14/12/2026)"
START = date(2026, 3, 14)


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=HANOI).astimezone(UTC)


async def _setup(factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """The real plan, a contact of Sở Y tế, and the three requests; ids by name."""
    await import_file(factory, PLAN_TXT, key=None, now=local(2026, 1, 1, 8))
    async with factory.begin() as session:
        plan = await session.scalar(select(Plan))
        assert plan is not None
        agency = {
            a.name: a.id
            for a in await session.scalars(select(Agency).where(Agency.plan_id == plan.id))
        }
        contact = Contact(
            plan_id=plan.id,
            telegram_user_id=5001,
            full_name="Phạm Thu",
            agency_id=agency["Sở Y tế"],
            roles=[ContactRole(role=Role.CONTACT)],
        )
        session.add(contact)
        requested = local(2026, 11, 27, 10)
        ids = {"plan": plan.id, "contact": 0, **agency}
        for key, subject, due, asked in (
            ("r1", SUBJECT, date(2026, 12, 4), ["Sở Y tế", "Sở Nội vụ"]),
            ("r2", "Đoàn công tác sang Lào", date(2026, 12, 4), ["Sở Ngoại vụ"]),
            ("r3", "Số liệu tháng 9", date(2026, 10, 15), ["Sở Y tế"]),
        ):
            request = await controls.create_adhoc(
                session,
                plan.id,
                subject=subject,
                due=due,
                agency_ids=[agency[a] for a in asked],
                now=requested if key != "r3" else local(2026, 10, 1, 10),
            )
            ids[key] = request.id
        await session.flush()
        ids["contact"] = contact.id
    return ids


@pytest.fixture
async def real(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    return await _setup(session_factory)


def _button(screen: Screen, prefix: str) -> str:
    found = [b.label for row in screen.rows for b in row if b.label.startswith(prefix)]
    assert found, f"no button starting {prefix!r} in {labels(screen)}"
    return found[0]


async def _reply_6a(d: Driver) -> Screen:
    """From CHOOSING_TASK: task 6a, in progress, figures, texts, up to the summary."""
    assert d.last is not None
    s = await d.tap(_button(d.last, "6a ·"))
    assert isinstance(s, Screen)
    s = await d.tap("Đang thực hiện")
    assert isinstance(s, Screen)
    while "Số liệu «" in s.text:  # 6a's indicators: graves sampled 120, the others skipped
        if "Mộ đã lấy mẫu" in s.text or "mộ đã lấy mẫu" in s.text.lower():
            s = await d.text("120")  # type: ignore[assignment]
        else:
            s = await d.tap("Bỏ qua")  # type: ignore[assignment]
        assert isinstance(s, Screen)
    await d.text("Đã lấy mẫu 120 mộ tại NTLS Can Lộc")
    await d.text("Thiếu kinh phí <giám định>")
    await d.tap("Bỏ qua")
    await d.tap("Bỏ qua")
    s = await d.tap("Bỏ qua")
    assert isinstance(s, Screen)
    return s


async def test_period_ids_keep_every_form() -> None:
    assert adhoc_request_id("adhoc:7") == 7
    assert adhoc_request_id("adhoc:2026-11-01:2026-11-20") is None
    assert adhoc_request_id("2026-11") is None
    end = date(2027, 7, 27)
    assert parse_period_id(
        "adhoc:2026-11-01:2026-11-20", campaign_start=START, campaign_end=end
    ).id == ("adhoc:2026-11-01:2026-11-20")
    for form in ("2026-11", "2026-Q4", "2026-H1", "2026", "soket", "tongket"):
        assert parse_period_id(form, campaign_start=START, campaign_end=end).id == form
    with pytest.raises(PeriodError, match="là một yêu cầu báo cáo đột xuất"):
        parse_period_id("adhoc:7", campaign_start=START, campaign_end=end)


async def test_an_ad_hoc_request_is_answered_in_the_dialog_and_stops_its_reminders(
    session_factory: async_sessionmaker[AsyncSession], real: dict[str, int]
) -> None:
    factory = session_factory
    clock = Clock(local(2026, 11, 30, 9))
    d = Driver(factory, real["contact"], clock)

    # Before the reply, the real planner reminds both addressed agencies on the due date.
    rules = ReminderRules()
    async with factory() as session:
        before = plan_reminders(
            await load_snapshot(session, real["plan"]), rules, local(2026, 12, 4, 8)
        )
    asked = sorted(r.agency for r in before if r.period == f"adhoc:{real['r1']}")
    assert asked == ["Sở Nội vụ", "Sở Y tế"]

    # /capnhat: the year is the default, the request is offered beside it.
    s = await d.start()
    assert s.text.endswith(
        f"Chọn nhiệm vụ cần báo cáo:\nKỳ báo cáo: <b>{YEAR}</b>\n"
        "Đã báo cáo kỳ này: 0/4 nhiệm vụ (✅)."
    )
    assert labels(s)[0] == ["Đổi kỳ báo cáo"]
    s = await d.tap("Đổi kỳ báo cáo")
    assert isinstance(s, Screen)
    # Request 2 is another agency's, request 3 closed on 14/11 (30 days after 15/10).
    assert labels(s) == [[YEAR], [LABEL], ["« Quay lại", "Hủy"]]
    s = await d.tap(LABEL)
    assert isinstance(s, Screen)
    assert s.text.endswith(
        f"Kỳ báo cáo: <b>{LABEL_HTML}</b>\nĐã báo cáo kỳ này: 0/4 nhiệm vụ (✅)."
    )

    s = await _reply_6a(d)
    assert f"Kỳ báo cáo: {LABEL_HTML}" in s.text
    assert "Khó khăn, vướng mắc: Thiếu kinh phí &lt;giám định&gt;" in s.text
    s = await d.tap("Xác nhận")
    assert isinstance(s, Screen)
    assert s.text == (
        f"✅ Đã ghi nhận báo cáo nhiệm vụ 6a, kỳ {LABEL_HTML} (phiên bản 1). Cảm ơn bạn!"
    )
    async with factory() as session:
        stored = (await session.scalars(select(ProgressReport))).all()
    assert [(r.period, r.agency_id, r.status.value) for r in stored] == [
        (f"adhoc:{real['r1']}", real["Sở Y tế"], "in_progress")
    ]
    # The list marks 6a for the request it answered, not for the year (the default period).
    d.clock.advance(minutes=1)
    s = await d.start()
    assert s.text.endswith(f"Kỳ báo cáo: <b>{YEAR}</b>\nĐã báo cáo kỳ này: 0/4 nhiệm vụ (✅).")
    assert not any(b.label.startswith("✅") for row in s.rows for b in row)
    await d.tap("Đổi kỳ báo cáo")
    s = await d.tap(LABEL)
    assert isinstance(s, Screen)
    assert s.text.endswith(
        f"Kỳ báo cáo: <b>{LABEL_HTML}</b>\nĐã báo cáo kỳ này: 1/4 nhiệm vụ (✅)."
    )
    assert labels(s) == [
        ["Đổi kỳ báo cáo"],
        ["3b · Tham gia, tổ chức tập huấn, quản lý, khai…"],
        ["✅ 6a · Triển khai Kế hoạch Ban Chỉ đạo tỉnh về tổ…"],
        ["6b · Xác định 01 nghĩa trang liệt sĩ trên địa bàn…"],
        ["6c · Triển khai đồng bộ lấy mẫu hài cốt liệt sĩ đối…"],
        ["Hủy"],
    ]
    await d.tap("Hủy")

    # The planner now reminds only Sở Nội vụ: on the due date, then overdue on Mon 07/12.
    async with factory() as session:
        snapshot = await load_snapshot(session, real["plan"])
    due_day = plan_reminders(snapshot, rules, local(2026, 12, 4, 8))
    assert [r.agency for r in due_day if r.period == f"adhoc:{real['r1']}"] == ["Sở Nội vụ"]
    overdue = [
        r
        for r in plan_reminders(snapshot, rules, local(2026, 12, 7, 8))
        if r.period == f"adhoc:{real['r1']}"
    ]
    assert [(r.agency, r.kind.value, r.header) for r in overdue] == [
        (
            "Sở Nội vụ",
            "overdue",
            f"Quá hạn báo cáo đột xuất: {SUBJECT} (hạn 04/12/2026, quá hạn 3 ngày) của Sở Nội vụ",
        )
    ]

    # The request's report: Sở Y tế on time with its texts, Sở Nội vụ not answered, the figure a
    # note that no total counts.
    async with factory() as session:
        plan = await session.get_one(Plan, real["plan"])
        request = await adhoc.get_request(session, plan.id, real["r1"], d.cfg.tz)
        assert request is not None
        summary = await compile_request_summary(
            session, plan, request, now=local(2026, 12, 7, 9), campaign_start=START
        )
    assert summary.label == f"báo cáo đột xuất “{SUBJECT}”"
    assert summary.due == date(2026, 12, 4)
    assert [(s.number, [t.code for t in s.tasks]) for s in summary.sections] == [(6, ["6a"])]
    [lead] = summary.sections[0].tasks[0].leads
    assert (lead.agency, lead.status.value if lead.status else None, lead.result) == (
        "Sở Y tế",
        "in_progress",
        "Đã lấy mẫu 120 mộ tại NTLS Can Lộc",
    )
    assert [(a.agency, a.task_code, a.text) for a in summary.difficulties] == [
        ("Sở Y tế", "6a", "Thiếu kinh phí <giám định>")
    ]
    assert [s.agency for s in summary.on_time] == ["Sở Y tế"]
    assert [s.agency for s in summary.missing] == ["Sở Nội vụ"]
    assert summary.late == []
    graves = [line for line in summary.indicators if line.notes]
    assert [(n.agency, n.task_code, n.value) for line in graves for n in line.notes] == [
        ("Sở Y tế", "6a", Decimal("120"))
    ]
    assert all(line.cumulative == 0 for line in summary.indicators)  # nothing regular reported
    text = render_html(summary)
    assert "Sở Nội vụ: chưa báo cáo." in text
    assert "Thiếu kinh phí &lt;giám định&gt;" in text


async def test_the_reminder_button_preselects_its_request(
    session_factory: async_sessionmaker[AsyncSession], real: dict[str, int]
) -> None:
    d = Driver(session_factory, real["contact"], Clock(local(2026, 11, 30, 9)))
    s = await d._run(progress.open_adhoc, real["r1"])
    assert isinstance(s, Screen)
    assert s.text.endswith(
        f"Kỳ báo cáo: <b>{LABEL_HTML}</b>\nĐã báo cáo kỳ này: 0/4 nhiệm vụ (✅)."
    )
    # Another agency's request, and one closed 30 days after its due date: refused.
    for other in (real["r2"], real["r3"]):
        refused = await d._run(progress.open_adhoc, other)
        assert refused == Notice("Yêu cầu báo cáo đột xuất này không còn mở cho cơ quan của bạn.")
    # A draft on a task is offered first; "Bỏ bản nháp…" opens the request.
    await d.tap(_button(s, "6a ·"))
    d.clock.advance(minutes=1)
    offer = await d._run(progress.open_adhoc, real["r1"])
    assert isinstance(offer, Screen) and offer.text.startswith("Bạn có một báo cáo chưa xong")
    assert labels(offer) == [
        ["Tiếp tục"],
        ["Bỏ bản nháp, báo cáo nhiệm vụ khác"],
        ["Hủy bản nháp"],
    ]
    s = await d.tap("Bỏ bản nháp, báo cáo nhiệm vụ khác", offer)
    assert isinstance(s, Screen)
    assert s.text.endswith(
        f"Kỳ báo cáo: <b>{LABEL_HTML}</b>\nĐã báo cáo kỳ này: 0/4 nhiệm vụ (✅)."
    )


async def test_a_request_cancelled_while_the_contact_writes_moves_the_draft_to_the_regular_period(
    session_factory: async_sessionmaker[AsyncSession], real: dict[str, int]
) -> None:
    d = Driver(session_factory, real["contact"], Clock(local(2026, 11, 30, 9)))
    s = await d._run(progress.open_adhoc, real["r1"])
    assert isinstance(s, Screen)
    await _reply_6a(d)
    summary = d.last
    assert isinstance(summary, Screen) and f"Kỳ báo cáo: {LABEL_HTML}" in summary.text
    # The office cancels request 1 on Tue 01/12 while the summary waits for Xác nhận.
    async with session_factory.begin() as session:
        await adhoc.cancel_request(
            session, real["plan"], real["r1"], local(2026, 12, 1, 8), ZoneInfo("Asia/Ho_Chi_Minh")
        )
    d.clock.advance(minutes=5)
    moved = await d.tap("Xác nhận")
    assert isinstance(moved, Screen)
    assert moved.notice == (
        "Yêu cầu báo cáo đột xuất này đã được Cơ quan Thường trực hủy ngày 01/12/2026. Báo cáo "
        f"của bạn chuyển sang kỳ {YEAR}: bấm Xác nhận để gửi, hoặc Hủy."
    )
    assert f"Kỳ báo cáo: {YEAR}" in moved.text
    assert "Thiếu kinh phí &lt;giám định&gt;" in moved.text  # nothing typed is lost
    async with session_factory() as session:
        assert (await session.scalars(select(ProgressReport))).all() == []
    stored = await d.tap("Xác nhận")
    assert isinstance(stored, Screen) and stored.stored_version == 1
    async with session_factory() as session:
        assert [r.period for r in await session.scalars(select(ProgressReport))] == ["2026"]
