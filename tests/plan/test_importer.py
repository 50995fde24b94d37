"""Import into the database (SQLite and PostgreSQL): idempotent re-import with the same row ids,
in-place update and archiving of a changed plan, seeded indicators and standing office, and
all-or-nothing on bad input. Expected values come from the document by hand (expected.py)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import migrate
from models.db import create_engine, create_session_factory
from models.plan import (
    Agency,
    AgencyGroup,
    Indicator,
    Plan,
    Section,
    Task,
    TaskAssignment,
    TaskDeadline,
    TaskIndicator,
    TaskSchedule,
)
from plan.errors import PlanParseError
from plan.importer import import_file, import_plan
from plan.parser import parse_plan_file, parse_plan_text
from plan.registry import find_agency
from tests.conftest import PLAN_TXT
from tests.plan.expected import BCH, SNV, TASKS

NOW = datetime(2026, 5, 2, 1, 0, tzinfo=UTC)
LATER = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
async def factory(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await asyncio.to_thread(migrate.upgrade, db_url)  # Alembic runs its own event loop
    engine = create_engine(db_url)
    yield create_session_factory(engine)
    await engine.dispose()


async def _snapshot(factory: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """Every row of the plan tables, as comparable tuples (ids included)."""
    async with factory() as session:
        out: dict[str, Any] = {}
        for model in (Plan, Section, Task, TaskAssignment, TaskSchedule, TaskDeadline, Agency,
                      AgencyGroup, Indicator, TaskIndicator):  # fmt: skip
            rows = (await session.scalars(select(model).order_by(model.id))).all()
            columns = [c.key for c in model.__table__.columns]
            out[model.__tablename__] = [tuple(getattr(r, c) for c in columns) for r in rows]
        return out


async def test_import_then_reimport_changes_nothing(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    doc = parse_plan_file(PLAN_TXT)
    async with factory.begin() as session:
        first = await import_plan(session, doc, key=None, now=NOW, source_name="ke_hoach.txt")
    assert first.created and first.key == "ha-tinh-2026"
    before = await _snapshot(factory)
    assert len(before["tasks"]) == 23 and len(before["sections"]) == 10
    async with factory.begin() as session:
        again = await import_plan(session, doc, key=None, now=LATER, source_name="ke_hoach.txt")
    assert not again.created and not again.changed
    assert again.summary_lines()[-1] == "Không có gì thay đổi."
    assert await _snapshot(factory) == before  # same rows, same ids, same imported_at


async def test_stored_plan_matches_the_document(factory: async_sessionmaker[AsyncSession]) -> None:
    async with factory.begin() as session:
        await import_plan(session, parse_plan_file(PLAN_TXT), key=None, now=NOW)
    async with factory() as session:
        plan = await session.scalar(select(Plan))
        assert plan is not None and plan.province == "Hà Tĩnh"
        tasks = {t.code: t for t in (await session.scalars(select(Task))).all()}
        assert set(tasks) == set(TASKS)
        for code, spec in TASKS.items():
            _section, text, lead, support, leader, deadlines, window, ongoing, on_event = spec
            task = tasks[code]
            assert task.timeline_text == text and task.leader_text == leader
            dues = (
                await session.scalars(
                    select(TaskDeadline.due)
                    .where(TaskDeadline.task_id == task.id)
                    .order_by(TaskDeadline.occurrence)
                )
            ).all()
            assert [d.isoformat() for d in dues] == deadlines, code
            schedule = await session.scalar(
                select(TaskSchedule).where(TaskSchedule.task_id == task.id)
            )
            assert schedule is not None
            assert (schedule.window_start.isoformat() if schedule.window_start else None) == window
            assert (schedule.ongoing, schedule.on_event) == (ongoing, on_event)
            rows = (
                await session.execute(
                    select(TaskAssignment.role, Agency.name, AgencyGroup.name)
                    .outerjoin(Agency, Agency.id == TaskAssignment.agency_id)
                    .outerjoin(AgencyGroup, AgencyGroup.id == TaskAssignment.group_id)
                    .where(TaskAssignment.task_id == task.id)
                    .order_by(TaskAssignment.role, TaskAssignment.position)
                )
            ).all()
            assert [a or g for r, a, g in rows if r == "lead"] == lead
            assert [a or g for r, a, g in rows if r == "support"] == support
        office = await session.scalar(select(Agency).where(Agency.is_standing_office))
        assert office is not None and office.name == BCH
        # Diacritic-insensitive lookup by canonical name and alias (đ → d).
        plan_id = plan.id
        assert (await find_agency(session, plan_id, "so noi vu")).name == SNV  # type: ignore[union-attr]
        assert (await find_agency(session, plan_id, "BO CHQS TINH")).name == BCH  # type: ignore[union-attr]
        assert (await find_agency(session, plan_id, "Bộ Chỉ Huy Quân Sự Tỉnh")).name == BCH  # type: ignore[union-attr]
        svh = await find_agency(session, plan_id, "so van hoa the thao va du lich")
        assert svh is not None and svh.name == "Sở Văn hóa, Thể thao và Du lịch"
        assert await find_agency(session, plan_id, "Sở Tài chính") is None


async def test_indicators_seeded_with_first_lead_as_owner(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    async with factory.begin() as session:
        await import_plan(session, parse_plan_file(PLAN_TXT), key=None, now=NOW)
    async with factory() as session:
        rows = (
            await session.execute(
                select(Indicator.code, Task.code, Agency.name)
                .join(TaskIndicator, TaskIndicator.indicator_id == Indicator.id)
                .join(Task, Task.id == TaskIndicator.task_id)
                .join(Agency, Agency.id == TaskIndicator.owner_agency_id)
                .order_by(Indicator.code, Task.code)
            )
        ).all()
        # DOMAIN.md's table; the first lead of 5a, 5c, 6a, 6b, 6c is Bộ Chỉ huy Quân sự tỉnh.
        assert [tuple(r) for r in rows] == [
            ("graves_sampled", "6a", BCH),
            ("graves_sampled", "6b", BCH),
            ("graves_sampled", "6c", BCH),
            ("info_received", "5c", BCH),
            ("info_verified", "5c", BCH),
            ("remains_identified", "6a", BCH),
            ("remains_recovered", "5a", BCH),
            ("samples_dna", "6a", BCH),
            ("samples_dna", "6c", BCH),
        ]
        recovered = await session.scalar(
            select(Indicator).where(Indicator.code == "remains_recovered")
        )
        assert recovered is not None and (recovered.target_min, recovered.target_max) == (10, 12)


async def test_changed_plan_updates_in_place_and_archives(
    factory: async_sessionmaker[AsyncSession],
) -> None:
    text = PLAN_TXT.read_text(encoding="utf-8")
    async with factory.begin() as session:
        await import_plan(session, parse_plan_text(text), key=None, now=NOW)
    async with factory() as session:
        ids = dict((await session.execute(select(Task.code, Task.id))).all())
    # Change 1b's timeline, and drop task 9b (its row and its continuation row).
    changed = text.replace(
        "\tTháng 5/2026\tBộ Chỉ huy Quân sự tỉnh\tCác sở",
        "\tTháng 6/2026\tBộ Chỉ huy Quân sự tỉnh\tCác sở",
        1,
    )
    lines = changed.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("b)\tKiểm tra thực hiện"))
    del lines[start : start + 4]  # 9b, blank, repeated header, its continuation
    changed = "\n".join(lines)
    async with factory.begin() as session:
        result = await import_plan(session, parse_plan_text(changed), key=None, now=LATER)
    assert result.updated == {"1b": ["timeline_text", "deadlines"]}
    assert result.archived == ["9b"] and result.added == []
    async with factory() as session:
        now_ids = dict((await session.execute(select(Task.code, Task.id))).all())
        assert now_ids == ids  # updated in place, nothing deleted
        task_9b = await session.scalar(select(Task).where(Task.code == "9b"))
        assert task_9b is not None and task_9b.archived_at is not None
        due = await session.scalar(select(TaskDeadline.due).join(Task).where(Task.code == "1b"))
        assert due == date(2026, 6, 30)
    # Importing the original again restores 9b and 1b, still with the same ids.
    async with factory.begin() as session:
        back = await import_plan(session, parse_plan_text(text), key=None, now=LATER)
    assert back.restored == ["9b"] and set(back.updated) == {"1b"}
    async with factory() as session:
        assert dict((await session.execute(select(Task.code, Task.id))).all()) == ids
        assert (
            await session.scalar(select(func.count()).where(Task.archived_at.is_not(None)))
        ) == 0


async def test_bad_file_writes_nothing(
    factory: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text(
        PLAN_TXT.read_text(encoding="utf-8").replace("\tTháng 8/2026\t", "\tSớm\t"),
        encoding="utf-8",
    )
    with pytest.raises(PlanParseError, match="nhiệm vụ 3c"):
        await import_file(factory, bad, key=None, now=NOW)
    async with factory() as session:
        assert await session.scalar(select(func.count()).select_from(Plan)) == 0
        assert await session.scalar(select(func.count()).select_from(Agency)) == 0
