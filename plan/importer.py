"""Import a parsed plan into the database, idempotently.

One import is one transaction: the caller's ``session_factory.begin()``. Re-importing the same
plan changes nothing (same row ids). A changed plan updates tasks in place, keyed by code, and
archives tasks that disappeared (never deletes them: replies may point at them). Assignments and
deadlines are updated in place by (role, position) and occurrence.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from locales import _
from models.plan import (
    AgencyGroup,
    LeaderPosition,
    Plan,
    Section,
    Task,
    TaskAssignment,
    TaskDeadline,
    TaskRole,
    TaskSchedule,
)
from plan.errors import PlanParseError
from plan.indicators import seed_indicators
from plan.parser import parse_plan_file
from plan.registry import (
    DEFAULT_AGENCIES,
    DEFAULT_GROUPS,
    STANDING_OFFICE,
    add_agency,
    find_agency,
    match_key,
    registry_for_plan,
)
from plan.schema import PlanDocument, TaskDoc
from plan.text import fold


@dataclass
class ImportResult:
    """What an import did. ``updated`` maps a task code to the fields that changed."""

    plan_id: int
    key: str
    created: bool = False
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    archived: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    sections_changed: list[int] = field(default_factory=list)
    agencies_added: list[str] = field(default_factory=list)
    indicators_added: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return bool(
            self.created
            or self.added
            or self.updated
            or self.archived
            or self.restored
            or self.sections_changed
            or self.agencies_added
            or self.indicators_added
        )

    def summary_lines(self) -> list[str]:
        """Human-readable lines (Vietnamese) saying what changed."""
        lines = [
            (_("Đã tạo kế hoạch “{key}”.") if self.created else _("Kế hoạch “{key}”.")).format(
                key=self.key
            )
        ]
        if not self.changed:
            lines.append(_("Không có gì thay đổi."))
            return lines
        if self.added:
            lines.append(_("Nhiệm vụ mới: {codes}").format(codes=", ".join(self.added)))
        for code, fields in self.updated.items():
            lines.append(
                _("Nhiệm vụ {code} thay đổi: {fields}").format(code=code, fields=", ".join(fields))
            )
        if self.archived:
            lines.append(
                _("Nhiệm vụ lưu trữ (không còn trong kế hoạch): {codes}").format(
                    codes=", ".join(self.archived)
                )
            )
        if self.restored:
            lines.append(_("Nhiệm vụ khôi phục: {codes}").format(codes=", ".join(self.restored)))
        if self.sections_changed:
            lines.append(
                _("Mục thay đổi: {numbers}").format(
                    numbers=", ".join(str(n) for n in self.sections_changed)
                )
            )
        if self.agencies_added:
            lines.append(_("Cơ quan mới: {names}").format(names="; ".join(self.agencies_added)))
        if self.indicators_added:
            lines.append(
                _("Chỉ tiêu định lượng mới: {codes}").format(codes=", ".join(self.indicators_added))
            )
        return lines


async def plan_for_import(session: AsyncSession, key: str | None) -> Plan | None:
    """The plan ``key`` names, or the only plan when ``key`` is None; None when there is none
    (or several and no key)."""
    if key is not None:
        return await session.scalar(select(Plan).where(Plan.key == key))
    plans = (await session.scalars(select(Plan).limit(2))).all()
    return plans[0] if len(plans) == 1 else None


async def import_file(
    session_factory: async_sessionmaker[AsyncSession],
    path: Path,
    *,
    key: str | None,
    now: datetime,
    campaign: dict[str, Any] | None = None,
) -> ImportResult:
    """Parse ``path`` (with the registry of the plan already stored, if any) and import it in one
    transaction. Raises ``PlanParseError`` with nothing written."""
    async with session_factory.begin() as session:
        existing = await plan_for_import(session, key)
        registry = await registry_for_plan(session, existing.id if existing else None)
        # Reading the file blocks: keep it off the event loop.
        doc = await asyncio.to_thread(parse_plan_file, path, registry=registry, **(campaign or {}))
        digest = hashlib.sha256(await asyncio.to_thread(path.read_bytes)).hexdigest()
        return await import_plan(
            session, doc, key=key, now=now, source_name=path.name, source_sha256=digest
        )


async def import_plan(
    session: AsyncSession,
    doc: PlanDocument,
    *,
    key: str | None,
    now: datetime,
    source_name: str = "",
    source_sha256: str = "",
) -> ImportResult:
    """Write ``doc`` into the plan ``key`` (default ``doc.default_key()``, e.g. ``ha-tinh-2026``).

    ``now`` (aware UTC) stamps ``imported_at`` and ``archived_at``. Does not commit; raises
    ``PlanParseError`` when no key can be derived or a name is unknown to the database.
    """
    key = key or doc.default_key()
    if not key:
        raise PlanParseError(_("Không suy ra được mã kế hoạch: hãy dùng --key."))
    plan = await session.scalar(select(Plan).where(Plan.key == key))
    result = ImportResult(plan_id=0, key=key)
    if plan is None:
        plan = Plan(key=key, title=doc.title, province=doc.province, imported_at=now)
        plan.source_name, plan.source_sha256 = source_name, source_sha256
        session.add(plan)
        await session.flush()
        result.created = True
    result.plan_id = plan.id
    agencies, groups = await _seed_registry(session, plan.id, doc, result)
    leaders = await _leader_positions(session, plan.id, doc)
    sections = await _sections(session, plan.id, doc, result)
    tasks = await _tasks(session, plan.id, doc, sections, leaders, agencies, groups, now, result)
    result.indicators_added = await seed_indicators(session, plan.id, tasks)
    if result.changed and not result.created:
        plan.imported_at = now
        for attr, value in (
            ("title", doc.title),
            ("province", doc.province),
            ("source_name", source_name),
            ("source_sha256", source_sha256),
        ):
            if value and getattr(plan, attr) != value:
                setattr(plan, attr, value)
    await session.flush()
    return result


async def _seed_registry(
    session: AsyncSession, plan_id: int, doc: PlanDocument, result: ImportResult
) -> tuple[dict[str, int], dict[str, int]]:
    """Agencies (DOMAIN.md's and the document's) and groups; returns match_key → id maps."""
    agencies: dict[str, int] = {}
    for name, aliases in DEFAULT_AGENCIES.items():
        before = await find_agency(session, plan_id, name)
        agency, _added = await add_agency(session, plan_id, name, aliases)
        if before is None:
            result.agencies_added.append(agency.name)
        if name == STANDING_OFFICE and not agency.is_standing_office:
            agency.is_standing_office = True
        agencies[match_key(name)] = agency.id
    group_rows = (
        await session.scalars(select(AgencyGroup).where(AgencyGroup.plan_id == plan_id))
    ).all()
    groups = {match_key(g.name): g.id for g in group_rows}
    group_names = list(DEFAULT_GROUPS) + [
        n for t in doc.tasks for n in (*t.lead_groups, *t.support_groups)
    ]
    for name in group_names:
        if match_key(name) not in groups:
            group = AgencyGroup(plan_id=plan_id, name=name, name_folded=fold(name))
            session.add(group)
            await session.flush()
            groups[match_key(name)] = group.id
    for task in doc.tasks:
        for name in (*task.lead, *task.support):
            if match_key(name) in agencies or match_key(name) in groups:
                continue
            found = await find_agency(session, plan_id, name)
            if found is None:
                raise PlanParseError(
                    _("Nhiệm vụ {code}: cơ quan “{name}” chưa có trong danh sách.").format(
                        code=task.code, name=name
                    )
                )
            agencies[match_key(name)] = found.id
    return agencies, groups


async def _leader_positions(
    session: AsyncSession, plan_id: int, doc: PlanDocument
) -> dict[str, int]:
    rows = (
        await session.scalars(select(LeaderPosition).where(LeaderPosition.plan_id == plan_id))
    ).all()
    positions = {row.title: row.id for row in rows}
    for task in doc.tasks:
        if task.leader and task.leader not in positions:
            row = LeaderPosition(plan_id=plan_id, title=task.leader)
            session.add(row)
            await session.flush()
            positions[task.leader] = row.id
    return positions


async def _sections(
    session: AsyncSession, plan_id: int, doc: PlanDocument, result: ImportResult
) -> dict[int, int]:
    rows = {
        s.number: s
        for s in (await session.scalars(select(Section).where(Section.plan_id == plan_id))).all()
    }
    for section in doc.sections:
        row = rows.get(section.number)
        if row is None:
            row = Section(plan_id=plan_id, number=section.number, title=section.title)
            session.add(row)
            rows[section.number] = row
            if not result.created:
                result.sections_changed.append(section.number)
        elif row.title != section.title:
            row.title = section.title
            result.sections_changed.append(section.number)
    await session.flush()
    return {number: row.id for number, row in rows.items()}


async def _tasks(
    session: AsyncSession,
    plan_id: int,
    doc: PlanDocument,
    sections: dict[int, int],
    leaders: dict[str, int],
    agencies: dict[str, int],
    groups: dict[str, int],
    now: datetime,
    result: ImportResult,
) -> dict[str, Task]:
    stored = {
        t.code: t
        for t in (
            await session.scalars(
                select(Task)
                .where(Task.plan_id == plan_id)
                .options(
                    selectinload(Task.assignments),
                    selectinload(Task.schedule),
                    selectinload(Task.deadlines),
                )
            )
        ).all()
    }
    for position, doc_task in enumerate(doc.tasks):
        task = stored.get(doc_task.code)
        if task is None:
            task = Task(plan_id=plan_id, code=doc_task.code, assignments=[], deadlines=[])
            session.add(task)
            stored[doc_task.code] = task
            if not result.created:
                result.added.append(doc_task.code)
            changes = _update_task(task, doc_task, position, sections, leaders, agencies, groups)
        else:
            changes = _update_task(task, doc_task, position, sections, leaders, agencies, groups)
            if task.archived_at is not None:
                task.archived_at = None
                result.restored.append(task.code)
            if changes:
                result.updated[task.code] = changes
    present = {t.code for t in doc.tasks}
    for code, task in stored.items():
        if code not in present and task.archived_at is None:
            task.archived_at = now
            result.archived.append(code)
    await session.flush()
    return {code: task for code, task in stored.items() if task.archived_at is None}


def _update_task(
    task: Task,
    doc: TaskDoc,
    position: int,
    sections: dict[int, int],
    leaders: dict[str, int],
    agencies: dict[str, int],
    groups: dict[str, int],
) -> list[str]:
    """Set ``task`` from ``doc`` in place; the names of the fields that changed."""
    changes: list[str] = []
    wanted = {
        "section_id": sections[doc.section],
        "position": position,
        "content": doc.content,
        "measures": doc.measures,
        "timeline_text": doc.timeline,
        "leader_text": doc.leader,
        "leader_position_id": leaders.get(doc.leader),
    }
    for attr, value in wanted.items():
        if getattr(task, attr, None) != value:
            setattr(task, attr, value)
            # The order shifts when a task before it disappears: kept, but not news.
            if attr != "position":
                changes.append(attr)
    if _set_assignments(task, doc, agencies, groups):
        changes.append("agencies")
    if _set_schedule(task, doc):
        changes.append("schedule")
    if _set_deadlines(task, doc):
        changes.append("deadlines")
    return changes


def _set_assignments(
    task: Task, doc: TaskDoc, agencies: dict[str, int], groups: dict[str, int]
) -> bool:
    wanted: dict[tuple[TaskRole, int], tuple[int | None, int | None]] = {}
    for role, names in ((TaskRole.LEAD, doc.lead), (TaskRole.SUPPORT, doc.support)):
        for index, name in enumerate(names):
            k = match_key(name)
            wanted[(role, index)] = (None, groups[k]) if k in groups else (agencies[k], None)
    changed = False
    existing = {(a.role, a.position): a for a in task.assignments}
    for slot, row in existing.items():
        if slot not in wanted:
            task.assignments.remove(row)  # delete-orphan: a slot the plan no longer has
            changed = True
        elif (row.agency_id, row.group_id) != wanted[slot]:
            row.agency_id, row.group_id = wanted[slot]
            changed = True
    for (role, index), (agency_id, group_id) in wanted.items():
        if (role, index) not in existing:
            task.assignments.append(
                TaskAssignment(role=role, position=index, agency_id=agency_id, group_id=group_id)
            )
            changed = True
    return changed


def _set_schedule(task: Task, doc: TaskDoc) -> bool:
    wanted = {
        "window_start": doc.window_start,
        "ongoing": doc.ongoing,
        "recurrence": doc.recurrence,
        "on_event": doc.on_event,
        "focus": list(doc.focus),
    }
    schedule = task.schedule if task.id is not None else None
    if schedule is None:
        task.schedule = TaskSchedule(**wanted)
        return True
    changed = False
    for attr, value in wanted.items():
        if getattr(schedule, attr) != value:
            setattr(schedule, attr, value)
            changed = True
    return changed


def _set_deadlines(task: Task, doc: TaskDoc) -> bool:
    changed = False
    existing = {d.occurrence: d for d in task.deadlines}
    for occurrence, due in enumerate(doc.deadlines, start=1):
        row = existing.get(occurrence)
        if row is None:
            task.deadlines.append(TaskDeadline(occurrence=occurrence, due=due))
            changed = True
        elif row.due != due:
            row.due = due
            changed = True
    for occurrence, row in existing.items():
        if occurrence > len(doc.deadlines):
            task.deadlines.remove(row)
            changed = True
    return changed


__all__ = ["ImportResult", "import_file", "import_plan", "plan_for_import"]
