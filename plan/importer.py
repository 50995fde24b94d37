"""Import a parsed plan into the database, idempotently.

One import is one transaction: the caller's ``session_factory.begin()``. Re-importing the same
plan changes nothing (same row ids). A changed plan updates tasks in place, keyed by code, and
archives tasks that disappeared (never deletes them: replies may point at them). Assignments and
deadlines are updated in place by (role, position) and occurrence. Task–indicator links are never
rebuilt: an indicator's owner (``plan owner``) is kept while the agency still leads the task, else it
goes back to the task's first lead agency (``plan.owners.reset_lost_owners``).
"""

from __future__ import annotations

import asyncio
import hashlib
import re
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
)
from plan.errors import PlanParseError
from plan.indicators import seed_indicators
from plan.owners import reset_lost_owners
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
from plan.result import ImportResult
from plan.schema import PlanDocument
from plan.settings_store import stored_campaign
from plan.sync import update_task
from plan.text import fold

_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


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
        # The plan's own campaign dates (`plan set campaign_start …`) win over the bot's.
        campaign = dict(campaign or {}) | (
            await stored_campaign(session, existing.id) if existing else {}
        )
        # Reading the file blocks: keep it off the event loop.
        doc = await asyncio.to_thread(parse_plan_file, path, registry=registry, **campaign)
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
    # A key is typed after --plan in every command: keep it a short slug ("ha-tinh-2026").
    if not _KEY.fullmatch(key):
        raise PlanParseError(
            _(
                "Mã kế hoạch “{key}” không hợp lệ: chỉ gồm chữ thường không dấu, chữ số và dấu "
                "gạch ngang, tối đa 64 ký tự (ví dụ ha-tinh-2026)."
            ).format(key=key)
        )
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
    # An owner set by hand (`plan owner`) stays while the agency still leads the task.
    result.owners_reset = await reset_lost_owners(session, plan.id)
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
            changes = update_task(task, doc_task, position, sections, leaders, agencies, groups)
        else:
            changes = update_task(task, doc_task, position, sections, leaders, agencies, groups)
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


__all__ = ["ImportResult", "import_file", "import_plan", "plan_for_import"]
