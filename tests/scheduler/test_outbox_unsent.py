"""Two planner defects found by the delivery side, against a real database (SQLite; PostgreSQL when
reachable): an outbox row that ended "expired" was never delivered, so its items stay unsent; and
``write_outbox`` stores sending times as UTC whatever zone the planner gives them in.

The plan is the hand plan (tests/scheduler/handplan.py). On Friday 27/11/2026 08:00 it writes the
10b deadlines of a1 and a2 and five status checks (a1–a5, see test_planner_db.py); Monday 30/11
brings only 10b's deadlines, so a3's stale items of the 27th have nothing current to absorb them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from models.plan import Agency, Task
from models.reminders import OutboxMessage, OutboxStatus
from scheduler import claims
from scheduler.outbox import run_planner, write_outbox
from scheduler.planner import Recipient, Reminder
from scheduler.rules import ReminderKind, ReminderRules
from scheduler.snapshot import load_snapshot
from tests.scheduler.conftest import at
from tests.scheduler.test_planner_db import _with_session, plan_db  # noqa: F401 (fixture)

RULES = ReminderRules()


def _row(plan_id: int, key: str, chat: int, status: OutboxStatus, error: str | None = None,
         covers: tuple[str, ...] = ()) -> OutboxMessage:  # fmt: skip
    return OutboxMessage(
        plan_id=plan_id, key=key, kind="deadline", recipient_chat_id=chat,
        payload={"covers": list(covers)}, scheduled_at=datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
        status=status, error=error,
    )  # fmt: skip


def test_snapshot_counts_expired_rows_as_unsent(plan_db: str) -> None:  # noqa: F811
    async def body(session):  # type: ignore[no-untyped-def]
        plan_id = await session.scalar(select(func.min(Task.plan_id)))
        F = OutboxStatus.FAILED
        session.add_all([
            _row(plan_id, "k-sent", 1, OutboxStatus.SENT, covers=("c-sent",)),
            _row(plan_id, "k-expired", 1, F, claims.EXPIRED_ERROR, covers=("c-expired",)),
            _row(plan_id, "k-blocked", 1, F, "Forbidden: bot was blocked by the user"),
            _row(plan_id, "k-pending", 1, OutboxStatus.PENDING),
            _row(plan_id, "k-sending", 1, OutboxStatus.SENDING),
            # Delivered to one recipient, too late for the other: the agency got it.
            _row(plan_id, "k-mixed", 1, F, claims.EXPIRED_ERROR),
            _row(plan_id, "k-mixed", 2, OutboxStatus.SENT),
        ])  # fmt: skip
        await session.flush()
        return (await load_snapshot(session, plan_id)).sent

    sent = _with_session(plan_db, body)
    assert sorted(k for k in sent if k.startswith(("k-", "c-"))) == [
        "c-sent",
        "k-blocked",
        "k-mixed",
        "k-pending",
        "k-sending",
        "k-sent",
    ]


def test_an_expired_status_check_is_folded_again(plan_db: str) -> None:  # noqa: F811
    async def friday(session):  # type: ignore[no-untyped-def]
        plan_id = await session.scalar(select(func.min(Task.plan_id)))
        reminders, inserted = await run_planner(session, plan_id, RULES, at("2026-11-27 08:00"))
        a3 = [r for r in reminders if r.key == "status_check:a3:2026-11-27"]
        # Everything was delivered but a3's status check, which the sender gave up on.
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.key != "status_check:a3:2026-11-27")
            .values(status=OutboxStatus.SENT)
        )
        expired = await claims.expire_old(
            session, at("2026-11-28 08:00"), timedelta(hours=20), plan_id=plan_id
        )
        return inserted, [r.tasks for r in a3], expired

    inserted, a3_tasks, expired = _with_session(plan_db, friday)
    assert (inserted, len(a3_tasks), expired) == (7, 1, 1)

    async def monday(session):  # type: ignore[no-untyped-def]
        plan_id = await session.scalar(select(func.min(Task.plan_id)))
        reminders, _ = await run_planner(session, plan_id, RULES, at("2026-11-30 08:00"))
        return [(r.kind, r.key, r.tasks) for r in reminders]

    # Monday: 10b's deadlines, and a3 is asked again about the same tasks as on Friday.
    assert _with_session(plan_db, monday) == [
        (ReminderKind.DEADLINE, "deadline:10b#1:a1:2026-11-30", ("10b",)),
        (ReminderKind.DEADLINE, "deadline:10b#1:a2:2026-11-30", ("10b",)),
        (ReminderKind.STATUS_CHECK, "status_check:a3:2026-11-30", a3_tasks[0]),
    ]


def test_write_outbox_stores_utc_whatever_the_zone(plan_db: str) -> None:  # noqa: F811
    # 08:00 in Hà Tĩnh (UTC+7) is 01:00 UTC; SQLite keeps the wall time and drops the offset, so
    # a row stored as 08:00 would look due seven hours late.
    hanoi = datetime(2026, 11, 27, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    key = "deadline:test:2026-11-27"

    async def body(session):  # type: ignore[no-untyped-def]
        plan_id = await session.scalar(select(func.min(Task.plan_id)))
        agency_id = await session.scalar(select(func.min(Agency.id)))
        reminder = Reminder(
            key=key, kind=ReminderKind.DEADLINE, agency_id=agency_id, agency="Sở Nội vụ",
            scheduled_at=hanoi, tasks=("10b",), period=None, due=None,
            recipients=(Recipient(4242, "An"),), leader=None, header="Nhắc việc", lines=("10b",),
        )  # fmt: skip
        await write_outbox(session, plan_id, [reminder])
        return await session.scalar(
            select(OutboxMessage.scheduled_at).where(OutboxMessage.key == key)
        )

    stored = _with_session(plan_db, body)
    wall = stored.replace(tzinfo=None) if stored.tzinfo is None else stored.astimezone(UTC)
    assert wall.replace(tzinfo=None) == datetime(2026, 11, 27, 1, 0)


def test_write_outbox_refuses_a_naive_time(plan_db: str) -> None:  # noqa: F811
    naive = Reminder(
        key="deadline:naive", kind=ReminderKind.DEADLINE, agency_id=1, agency="Sở Nội vụ",
        scheduled_at=datetime(2026, 11, 27, 8, 0), tasks=(), period=None, due=None,
        recipients=(Recipient(4242, "An"),), leader=None, header="Nhắc việc", lines=(),
    )  # fmt: skip

    async def body(session):  # type: ignore[no-untyped-def]
        with pytest.raises(ValueError, match="deadline:naive: scheduled_at must be aware"):
            await write_outbox(session, 1, [naive])

    _with_session(plan_db, body)
