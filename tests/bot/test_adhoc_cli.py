"""``python -m bot adhoc list`` and ``adhoc cancel N`` through Typer on SQLite.

The commands read the real clock: the requests are due in 2099 (waiting) or were made and due in
January 2020 (closed), so their status does not depend on the day the test runs.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from models import migrate
from models.db import create_engine, create_session_factory
from models.progress import ProgressReport, ProgressReportVersion, ProgressStatus
from models.reminders import AdhocRequest, OutboxMessage, OutboxStatus
from scheduler import controls
from scheduler.adhoc import CANCELLED_ERROR
from scheduler.rules import ReminderRules
from tests.factories import make_small_plan

runner = CliRunner()
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int, int]:
    """A small plan with request 1 (Sở Y tế and Sở Nội vụ, due 15/12/2099, Sở Y tế answered, one
    reminder waiting and one sent) and request 2 (every agency, January 2020, one reminder
    waiting); returns the URL and the two ids."""
    migrate.upgrade(sqlite_url)

    async def seed() -> tuple[int, int]:
        engine = create_engine(sqlite_url)
        async with create_session_factory(engine).begin() as s:
            plan = await make_small_plan(s)
            y_te, noi_vu = plan.agencies["Sở Y tế"].id, plan.agencies["Sở Nội vụ"].id
            now = datetime(2026, 11, 27, 3, tzinfo=UTC)
            one = await controls.create_adhoc(
                s,
                plan.plan.id,
                subject="Số liệu  lấy mẫu tháng 12",
                due=date(2099, 12, 15),
                agency_ids=[y_te, noi_vu],
                now=now,
                rules=ReminderRules(campaign_end=date(2099, 12, 31)),
            )
            two = await controls.create_adhoc(
                s,
                plan.plan.id,
                subject="Số liệu cũ",
                due=date(2020, 1, 10),
                agency_ids=None,
                now=datetime(2020, 1, 1, 3, tzinfo=UTC),
            )
            report = ProgressReport(
                plan_id=plan.plan.id,
                task_id=plan.tasks["6b"].id,
                agency_id=y_te,
                period=f"adhoc:{one.id}",
                status=ProgressStatus.DONE,
                confirmed_at=now,
            )
            report.versions.append(
                ProgressReportVersion(version=1, status=ProgressStatus.DONE, confirmed_at=now)
            )
            s.add(report)
            for key, status in (
                (f"adhoc:adhoc:{one.id}:a{noi_vu}:2099-12-15", OutboxStatus.PENDING),
                (f"adhoc:adhoc:{one.id}:a{y_te}:2026-11-30", OutboxStatus.SENT),
                (f"overdue:adhoc:{two.id}:a{noi_vu}:2020-01-13", OutboxStatus.RETRY),
            ):
                s.add(
                    OutboxMessage(
                        plan_id=plan.plan.id,
                        key=key,
                        kind=key.split(":")[0],
                        agency_id=noi_vu,
                        recipient_chat_id=77,
                        payload={},
                        scheduled_at=now,
                        status=status,
                    )
                )
            ids = (one.id, two.id)
        await engine.dispose()
        return ids

    one, two = asyncio.run(seed())
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return sqlite_url, one, two


def _stored(url: str) -> tuple[list[tuple[int, bool, int | None]], list[tuple[str, str]], int]:
    """(id, cancelled?, by whom) per request; (key, status) per outbox row; replies kept."""

    async def read() -> tuple[list[tuple[int, bool, int | None]], list[tuple[str, str]], int]:
        engine = create_engine(url)
        async with create_session_factory(engine)() as s:
            requests = [
                (r.id, r.cancelled_at is not None, r.cancelled_by_contact_id)
                for r in await s.scalars(select(AdhocRequest).order_by(AdhocRequest.id))
            ]
            rows = [
                (r.key, f"{r.status.value} {r.error or ''}".strip())
                for r in await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            ]
            replies = len((await s.scalars(select(ProgressReport))).all())
        await engine.dispose()
        return requests, rows, replies

    return asyncio.run(read())


def test_adhoc_list_and_cancel(db: tuple[str, int, int]) -> None:
    url, one, two = db
    listed = runner.invoke(app, ["adhoc", "list"])
    assert (listed.exit_code, listed.output.splitlines()) == (
        0,
        [
            f"{one}\tSố liệu lấy mẫu tháng 12\thạn 15/12/2099\tSở Y tế; Sở Nội vụ\t"
            "đã báo cáo 1/2\tđang chờ báo cáo",
            f"{two}\tSố liệu cũ\thạn 10/01/2020\tmọi cơ quan\tđã báo cáo 0/3\tđã đóng",
        ],
    )

    cancelled = runner.invoke(app, ["adhoc", "cancel", str(one)])
    today = datetime.now(HANOI).strftime("%d/%m/%Y")
    assert (cancelled.exit_code, cancelled.output) == (
        0,
        f"đã hủy yêu cầu báo cáo đột xuất {one}: “Số liệu lấy mẫu tháng 12”, hạn 15/12/2099; "
        "bot thôi nhắc, các báo cáo đã gửi vẫn được giữ\n",
    )
    requests, rows, replies = _stored(url)
    assert requests == [(one, True, None), (two, False, None)]
    # The reminder still waiting for request 1 will never go out; the others are untouched.
    assert [key.rsplit(":a", 1)[0] for key, _status in rows] == [
        f"adhoc:adhoc:{one}",
        f"adhoc:adhoc:{one}",
        f"overdue:adhoc:{two}",
    ]
    assert [status for _key, status in rows] == [f"failed {CANCELLED_ERROR}", "sent", "retry"]
    assert replies == 1

    again = runner.invoke(app, ["adhoc", "cancel", str(one)])
    assert (again.exit_code, again.stderr) == (
        1,
        f"lỗi: yêu cầu báo cáo đột xuất {one} đã bị hủy ngày {today}\n",
    )
    unknown = runner.invoke(app, ["adhoc", "cancel", "99"])
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "lỗi: không có yêu cầu báo cáo đột xuất số 99 (xem: adhoc list)\n",
    )
    listed = runner.invoke(app, ["adhoc", "list"])
    assert listed.output.splitlines()[0] == (
        f"{one}\tSố liệu lấy mẫu tháng 12\thạn 15/12/2099\tSở Y tế; Sở Nội vụ\t"
        f"đã báo cáo 1/2\tđã hủy ngày {today}"
    )


def test_adhoc_list_without_requests(small_plan_db: str) -> None:
    listed = runner.invoke(app, ["adhoc", "list"])
    assert (listed.exit_code, listed.output) == (0, "chưa có yêu cầu báo cáo đột xuất nào\n")
