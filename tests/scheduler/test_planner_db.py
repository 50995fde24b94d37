"""The planner against a real database: the snapshot loader, the outbox writer (a second run is a
no-op), the CLI families (reminders preview, calendar, task activate). The plan rows are the hand
plan of tests/scheduler/handplan.py; expected entries worked out by hand (see the other tests).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, date
from typing import TypeVar

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.cli import app
from models import migrate
from models.db import create_engine, create_session_factory
from models.people import Contact
from models.plan import Agency, Task
from models.progress import ProgressReport, ProgressStatus
from models.reminders import OutboxMessage, Snooze
from scheduler.outbox import run_planner
from scheduler.rules import ReminderRules
from scheduler.snapshot import load_snapshot
from tests.conftest import PLAN_TXT
from tests.scheduler.conftest import at
from tests.scheduler.handplan import insert_plan, snapshot

T = TypeVar("T")


def _with_session(url: str, body: Callable[..., Awaitable[T]]) -> T:
    async def go() -> T:
        engine = create_engine(url)
        try:
            async with create_session_factory(engine).begin() as session:
                return await body(session)
        finally:
            await engine.dispose()

    return asyncio.run(go())


@pytest.fixture
def plan_db(db_url: str) -> str:
    """A migrated database holding the hand plan with one contact per agency and leader."""
    migrate.upgrade(db_url)

    async def body(session):  # type: ignore[no-untyped-def]
        await insert_plan(session, with_contacts=True)

    _with_session(db_url, body)
    return db_url


def test_loader_reads_the_plan_as_the_snapshot(plan_db: str) -> None:
    async def body(session):  # type: ignore[no-untyped-def]
        plan_id = await session.scalar(select(func.min(Task.plan_id)))
        return await load_snapshot(session, plan_id)

    loaded = _with_session(plan_db, body)
    hand = snapshot()
    names = loaded.agencies
    assert [(t.code, t.deadlines, t.window_start, t.ongoing, t.on_event) for t in loaded.tasks] == [
        (t.code, t.deadlines, t.window_start, t.ongoing, t.on_event) for t in hand.tasks
    ]
    assert [[names[a].name for a in t.leads] for t in loaded.tasks] == [
        [hand.agencies[a].name for a in t.leads] for t in hand.tasks
    ]
    # Task 2's supports are agencies; the others' group names nobody (no member bound).
    assert [names[a].name for a in loaded.tasks[3].supports] == [
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "Báo và Phát thanh, Truyền hình Hà Tĩnh",
    ]
    assert all(not t.supports for t in loaded.tasks if t.code != "2")
    assert len(loaded.contacts) == 10
    assert names[loaded.standing_office_id or 0].name == "Bộ Chỉ huy Quân sự tỉnh"


def test_outbox_rows_once_per_key_and_recipient(plan_db: str) -> None:
    rules = ReminderRules()

    async def tick(session):  # type: ignore[no-untyped-def]
        plan_id = await session.scalar(select(func.min(Task.plan_id)))
        reminders, inserted = await run_planner(session, plan_id, rules, at("2026-11-27 08:00"))
        return len(reminders), inserted

    # 27/11/2026: 10b deadline ×2 + 5 status checks, one contact each.
    assert _with_session(plan_db, tick) == (7, 7)
    # The same moment again: the first run's rows were "sent", so nothing is planned or written.
    assert _with_session(plan_db, tick) == (0, 0)

    async def rows(session):  # type: ignore[no-untyped-def]
        return (await session.execute(select(OutboxMessage.key, OutboxMessage.recipient_chat_id)
                .order_by(OutboxMessage.key))).all()  # fmt: skip

    assert [tuple(r) for r in _with_session(plan_db, rows)] == [
        ("deadline:10b#1:a1:2026-11-27", 1001),
        ("deadline:10b#1:a2:2026-11-27", 1002),
        ("status_check:a1:2026-11-27", 1001),
        ("status_check:a2:2026-11-27", 1002),
        ("status_check:a3:2026-11-27", 1003),
        ("status_check:a4:2026-11-27", 1004),
        ("status_check:a5:2026-11-27", 1005),
    ]

    async def next_day(session):  # type: ignore[no-untyped-def]
        plan_id = await session.scalar(select(func.min(Task.plan_id)))
        reminders, _ = await run_planner(session, plan_id, rules, at("2026-11-30 08:00"))
        return [(r.kind, r.agency, r.tasks) for r in reminders]

    # Mon 30/11: only 10b's reminders of the day; nothing folded twice.
    assert _with_session(plan_db, next_day) == [
        ("deadline", "Bộ Chỉ huy Quân sự tỉnh", ("10b",)),
        ("deadline", "Sở Nội vụ", ("10b",)),
    ]


def test_replies_and_snoozes_are_read(plan_db: str) -> None:
    async def body(session):  # type: ignore[no-untyped-def]
        plan_id = await session.scalar(select(func.min(Task.plan_id)))
        noi_vu = await session.scalar(select(Agency).where(Agency.name == "Sở Nội vụ"))
        tenb = await session.scalar(select(Task).where(Task.code == "10b"))
        contact = await session.scalar(select(Contact).where(Contact.agency_id == noi_vu.id))
        session.add(
            ProgressReport(plan_id=plan_id, task_id=tenb.id, agency_id=noi_vu.id, occurrence=0,
                           period="2026-11", status=ProgressStatus.DONE, confirmed_at=at("2026-11-30 09:00"))
        )  # fmt: skip
        until = at("2026-12-01 08:00").astimezone(UTC)  # stored as aware UTC
        session.add(Snooze(contact_id=contact.id, reminder_key="k", until=until))
        await session.flush()
        snap = await load_snapshot(session, plan_id)
        return snap, tenb.id, noi_vu.id, contact.id

    snap, task_id, agency_id, contact_id = _with_session(plan_db, body)
    assert (task_id, agency_id, 0) in snap.done
    assert (task_id, agency_id, "2026-11") in snap.answered
    [snooze] = snap.snoozes
    assert (snooze.contact_id, snooze.key, snooze.until) == (
        contact_id,
        "k",
        at("2026-12-01 08:00"),
    )


def test_cli_preview_calendar_and_activation(plan_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", plan_db)
    runner = CliRunner()
    result = runner.invoke(
        app, ["reminders", "preview", "--at", "2026-11-27T08:00+07:00", "--json"]
    )
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    assert [(e["agency"], e["kind"], e["tasks"][:2], e["period"]) for e in entries] == [
        ("Bộ Chỉ huy Quân sự tỉnh", "deadline", ["10b"], None),
        ("Bộ Chỉ huy Quân sự tỉnh", "status_check", ["1a", "1b"], None),
        ("Sở Ngoại vụ", "status_check", ["7"], None),
        ("Sở Nội vụ", "deadline", ["10b"], None),
        ("Sở Nội vụ", "status_check", ["3a", "3b"], None),
        ("Sở Văn hóa, Thể thao và Du lịch", "status_check", ["2"], None),
        ("Sở Y tế", "status_check", ["3b", "6a"], None),
    ]
    assert entries[0] == {
        "at": "2026-11-27T08:00+07:00",
        "agency": "Bộ Chỉ huy Quân sự tỉnh",
        "contacts": [{"telegram_id": 1001, "name": "Cán bộ Bộ Chỉ huy Quân sự tỉnh"}],
        "kind": "deadline",
        "tasks": ["10b"],
        "period": None,
    }

    # The same preview as text lines, in Vietnamese.
    result = runner.invoke(app, ["reminders", "preview", "--at", "2026-11-27T08:00+07:00"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "Bộ Chỉ huy Quân sự tỉnh: sắp đến hạn: 10b (1001)",
        "Bộ Chỉ huy Quân sự tỉnh: xác nhận tình trạng: "
        + ", ".join(next(e["tasks"] for e in entries if e["kind"] == "status_check"))
        + " (1001)",
    ]

    # The standing office makes Fri 27/11 a day off: nothing goes out then; Thu 26/11 gets 10b.
    result = runner.invoke(app, ["calendar", "add-holiday", "27/11/2026", "--note", "Nghỉ bù"])
    assert (result.exit_code, result.output) == (0, "27/11/2026 (T6) nay là ngày nghỉ\n")
    result = runner.invoke(
        app, ["reminders", "preview", "--at", "2026-11-27T08:00+07:00", "--json"]
    )
    assert json.loads(result.stdout) == []
    result = runner.invoke(app, ["reminders", "preview", "--at", "2026-11-27T08:00+07:00"])
    assert result.stdout == "không có gì cần gửi vào thời điểm này\n"
    result = runner.invoke(app, ["calendar", "list", "--from", "2026-11-20", "--to", "2026-11-30"])
    assert result.stdout.splitlines() == [
        "T3 24/11/2026  nghỉ      Ngày Văn hóa Việt Nam",
        "T6 27/11/2026  nghỉ      Ngày nghỉ do Cơ quan Thường trực thêm — Nghỉ bù *",
    ]
    result = runner.invoke(app, ["calendar", "add-workday", "2026-11-28"])
    assert (result.exit_code, result.output) == (0, "28/11/2026 (T7) nay là ngày làm việc\n")

    # 4b is on-event: activated for Mon 8/2/2027, its 7-day reminder is on Mon 1/2/2027.
    result = runner.invoke(app, ["task", "activate", "4b", "--due", "2027-02-08"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("đã kích hoạt nhiệm vụ 4b (")
    assert result.output.endswith("), hạn 08/02/2027\n")
    result = runner.invoke(
        app, ["reminders", "preview", "--at", "2027-02-01T08:00+07:00", "--json"]
    )
    rows = [
        (e["agency"], e["kind"], e["tasks"])
        for e in json.loads(result.stdout)
        if "4b" in e["tasks"]
    ]
    assert ("Sở Nội vụ", "deadline", ["4b"]) in rows
    result = runner.invoke(app, ["task", "activate", "10b", "--due", "2027-02-08"])
    assert result.exit_code == 1
    assert result.stderr == (
        "lỗi: Nhiệm vụ 10b không phải nhiệm vụ thực hiện khi có sự kiện (thời gian: «»). "
        "Chỉ kích hoạt được các nhiệm vụ «khi có…».\n"
    )
    assert date(2027, 2, 8)  # the due date given above


def test_cli_preview_on_the_real_plan_freshly_imported(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m bot plan import` of the document, then the preview at Fri 27/11/2026 08:00: the
    10b reminder (due Mon 30/11; 3 days and 1 day before merge on Fri 27/11) and one status check
    per lead agency for everything passed; no contact bound yet. Worked out by hand (see
    test_planner_periods.test_fresh_import_asks_each_agency_once)."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["plan", "import", str(PLAN_TXT)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["reminders", "preview", "--at", "2026-11-27T08:00+07:00", "--json"]
    )
    assert result.exit_code == 0, result.output
    at_ = "2026-11-27T08:00+07:00"
    bch = ["1a", "1b", "1c", "3a", "3b", "3c", "4a", "5a", "5b", "5c", "6a", "6b", "6c", "7", "8a", "8b", "9a", "9b", "10a"]  # fmt: skip
    nv = ["3a", "3b", "3c", "4a", "5b", "5c", "6a", "6b", "6c", "7", "9b"]
    assert json.loads(result.stdout) == [
        {"at": at_, "agency": "Bộ Chỉ huy Quân sự tỉnh", "contacts": [], "kind": "deadline", "tasks": ["10b"], "period": None},
        {"at": at_, "agency": "Bộ Chỉ huy Quân sự tỉnh", "contacts": [], "kind": "status_check", "tasks": bch, "period": None},
        {"at": at_, "agency": "Sở Ngoại vụ", "contacts": [], "kind": "status_check", "tasks": ["7"], "period": None},
        {"at": at_, "agency": "Sở Nội vụ", "contacts": [], "kind": "deadline", "tasks": ["10b"], "period": None},
        {"at": at_, "agency": "Sở Nội vụ", "contacts": [], "kind": "status_check", "tasks": nv, "period": None},
        {"at": at_, "agency": "Sở Văn hóa, Thể thao và Du lịch", "contacts": [], "kind": "status_check", "tasks": ["2"], "period": None},
        {"at": at_, "agency": "Sở Y tế", "contacts": [], "kind": "status_check", "tasks": ["3b", "6a", "6b", "6c"], "period": None},
    ]  # fmt: skip
    # The plan's own setting wins over the bot's: no 7-day reminder when the office keeps 3 and 1.
    assert runner.invoke(app, ["plan", "set", "reminder_offsets_days", "3,1"]).exit_code == 0
    result = runner.invoke(
        app, ["reminders", "preview", "--at", "2026-11-23T08:00+07:00", "--json"]
    )
    assert [e["kind"] for e in json.loads(result.stdout) if "10b" in e["tasks"]] == []


def test_adhoc_requests_and_group_members_are_read(plan_db: str) -> None:
    from models.plan import AgencyGroup, AgencyGroupMember
    from models.reminders import AdhocRequest, AdhocRequestAgency

    async def body(session):  # type: ignore[no-untyped-def]
        plan_id = await session.scalar(select(func.min(Task.plan_id)))
        names = {a.name: a.id for a in await session.scalars(select(Agency))}
        group = await session.scalar(select(AgencyGroup))
        # The office binds Sở Y tế to the catch-all group: it now supports the group's tasks.
        session.add(AgencyGroupMember(group_id=group.id, agency_id=names["Sở Y tế"]))
        requested = at("2026-08-21 10:00").astimezone(UTC)
        everyone = AdhocRequest(plan_id=plan_id, subject="Tất cả", due=date(2026, 9, 2), all_agencies=True, requested_at=requested)  # fmt: skip
        chosen = AdhocRequest(plan_id=plan_id, subject="Một cơ quan", due=date(2026, 9, 2), requested_at=requested)  # fmt: skip
        session.add_all([everyone, chosen])
        await session.flush()
        session.add(AdhocRequestAgency(request_id=chosen.id, agency_id=names["Sở Ngoại vụ"]))
        tenb = await session.scalar(select(Task).where(Task.code == "10b"))
        session.add(
            ProgressReport(plan_id=plan_id, task_id=tenb.id, agency_id=names["Sở Ngoại vụ"], occurrence=0,
                           period=f"adhoc:{chosen.id}", status=ProgressStatus.IN_PROGRESS, confirmed_at=requested)
        )  # fmt: skip
        await session.flush()
        return await load_snapshot(session, plan_id), names, chosen.id

    snap, names, chosen_id = _with_session(plan_db, body)
    everyone, chosen = snap.adhoc
    assert sorted(everyone.agency_ids) == sorted(names.values())
    assert chosen.agency_ids == (names["Sở Ngoại vụ"],)
    assert chosen.requested_at == at("2026-08-21 10:00")
    assert (chosen_id, names["Sở Ngoại vụ"]) in snap.adhoc_answered
    [tenb] = [t for t in snap.tasks if t.code == "10b"]
    assert tenb.supports == (names["Sở Y tế"],)
    [two] = [t for t in snap.tasks if t.code == "2"]  # its supports are agencies, no group
    assert [snap.agencies[a].name for a in two.supports] == [
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "Báo và Phát thanh, Truyền hình Hà Tĩnh",
    ]
