"""The CLI controls (``outbox list``, ``reminders pause|resume``, ``adhoc create``), the
APScheduler wiring, and the leader locks (file lock; advisory lock when PostgreSQL is reachable)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from models.reminders import AdhocRequest, AdhocRequestAgency
from scheduler.jobs import PLANNER_JOB, SENDER_JOB, build_scheduler
from scheduler.leader import FileLeaderLock, PostgresLeaderLock, leader_lock_for
from tests.delivery.conftest import World
from tests.delivery.seed import T0, add_reminders, users

runner = CliRunner()


async def _cli(world: World, monkeypatch, *args: str):  # type: ignore[no-untyped-def]
    url = str(world.sf.kw["bind"].url)
    monkeypatch.setenv("DATABASE_URL", url)
    # Typer runs its own event loop (asyncio.run): call it from a worker thread.
    return await asyncio.to_thread(runner.invoke, app, list(args))


async def test_outbox_list_pause_resume_and_adhoc(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    await add_reminders(world.sf, world.plan_id, users(2))
    await world.emu.client.block(users(1)[0])
    await world.sender().drain()

    result = await _cli(world, monkeypatch, "outbox", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Two reminders (one sent, one failed: blocked) and the notice to the office's group (sent).
    assert lines[0] == (
        "chờ gửi (pending): 0  đang gửi (sending): 0  đã gửi (sent): 2  lỗi (failed): 1  "
        "gửi lại (retry): 0"
    )
    assert len(lines) == 4
    assert "failed   deadline" in lines[2] or "failed   deadline" in lines[3]
    assert "[blocked: Forbidden: bot was blocked by the user]" in result.output

    result = await _cli(world, monkeypatch, "reminders", "pause")
    assert (result.exit_code, result.output) == (0, "đã tạm dừng nhắc việc\n")
    await add_reminders(world.sf, world.plan_id, users(1, start=5), tag="5a")
    assert (await world.sender().drain()).messages == 0  # paused: nothing goes out
    result = await _cli(world, monkeypatch, "reminders", "resume")
    assert (result.exit_code, result.output) == (0, "đã tiếp tục nhắc việc\n")
    assert (await world.sender().drain()).messages == 1

    result = await _cli(
        world,
        monkeypatch,
        "adhoc",
        "create",
        "Kết quả tháng 12",
        "--due",
        "2026-12-15",
        "--agency",
        "ubnd xa 3",
        "--agency",
        "UBND xã 4",
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "yêu cầu báo cáo đột xuất 1: “Kết quả tháng 12”, hạn 15/12/2026, gửi UBND xã 3, UBND xã 4\n"
    )
    async with world.sf() as session:
        [request] = (await session.scalars(select(AdhocRequest))).all()
        agencies = (await session.scalars(select(AdhocRequestAgency.agency_id))).all()
    assert (request.subject, request.all_agencies, len(agencies)) == ("Kết quả tháng 12", False, 2)
    result = await _cli(world, monkeypatch, "adhoc", "create", "X", "--due", "2026-12-15")
    assert result.exit_code == 1
    assert result.output == "lỗi: hãy cho --agency TÊN (một hoặc nhiều) hoặc --all\n"


async def test_scheduler_fires_only_tick_and_sender_with_explicit_misfire(world: World) -> None:
    async def tick(now):  # type: ignore[no-untyped-def]
        return 0

    scheduler = build_scheduler(world.sender(), tick, misfire_grace_seconds=30)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {PLANNER_JOB, SENDER_JOB}
    for job in jobs.values():
        assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (30, True, 1)
    assert jobs[PLANNER_JOB].trigger.interval.total_seconds() == 60
    assert jobs[SENDER_JOB].trigger.interval.total_seconds() == 5


async def test_file_lock_second_waits_until_first_releases(tmp_path: Path) -> None:
    lock = leader_lock_for(f"sqlite:///{tmp_path / 'x.db'}", "sender-1")
    assert isinstance(lock, FileLeaderLock)
    assert lock.path == tmp_path / "x.db.sender-1.lock"
    other = FileLeaderLock(lock.path, poll_interval=0.01)
    await lock.acquire()
    waiting = asyncio.create_task(other.acquire())
    done, _ = await asyncio.wait({waiting}, timeout=0.2)
    assert not done  # the standby is still waiting
    assert await lock.still_held()
    await lock.release()
    await asyncio.wait_for(waiting, 5)
    assert await other.still_held()
    await other.release()


async def test_advisory_lock_second_waits_until_first_releases(pg_url: str) -> None:
    first = leader_lock_for(pg_url, "sender-1")
    second = leader_lock_for(pg_url, "sender-1")
    assert isinstance(first, PostgresLeaderLock)
    await first.acquire()
    waiting = asyncio.create_task(second.acquire())
    done, _ = await asyncio.wait({waiting}, timeout=0.3)
    assert not done
    assert await first.still_held()
    await first.release()
    await asyncio.wait_for(waiting, 5)
    assert await second.still_held()
    await second.release()


def test_seed_sending_time_is_monday_8h_local() -> None:
    # T0, the seed's sending time, is Monday 30/11/2026 08:00 in Hà Tĩnh (01:00 UTC).
    assert (T0.isoweekday(), T0.hour) == (1, 1)


class _LosingLock:
    """A lock that is granted, then reported lost at the first check."""

    def __init__(self) -> None:
        self.released = False

    async def acquire(self) -> None:
        return None

    async def still_held(self) -> bool:
        return False

    async def release(self) -> None:
        self.released = True


async def test_lost_lock_stops_the_jobs_and_calls_on_lost(world: World) -> None:
    from scheduler.jobs import DeliveryService

    called: list[bool] = []
    service = DeliveryService(
        _LosingLock(),
        world.sender(),
        None,
        lock_check_seconds=0,
        on_lost=lambda: called.append(True),
    )
    await asyncio.wait_for(service.run(), 5)
    assert service.is_leader.is_set() and service.lost.is_set()
    assert called == [True]
    assert service._scheduler is not None and not service._scheduler.running
