"""Whose figure counts: the owner agency of each indicator a task carries (DOMAIN.md, "Indicators").

An indicator has one owner agency per task, by default the task's first lead agency
(``plan.indicators.seed_indicators``); only the owner's figure counts in totals, other co-leads'
figures are shown as their notes. The standing office changes the owner with
``python -m bot plan owner`` (``set_owner``); a re-import keeps it while the agency still leads the
task (``reset_lost_owners``). Names are matched like the agency lookup: case-, spacing- and
diacritic-insensitive (``models.text.fold``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from locales import _
from models.access import AccessError
from models.directory import find_agency_by_name
from models.plan import Agency, Indicator, Task, TaskAssignment, TaskIndicator, TaskRole
from models.text import fold
from plan.errors import PlanError


class OwnerError(PlanError):
    """An owner change the plan cannot take (unknown task, indicator or agency, or an agency that
    does not lead the task); the message is Vietnamese and lists the valid choices."""


@dataclass(frozen=True)
class OwnerLine:
    """One indicator of one live task: ``owner`` is the agency whose figure counts (the stored
    owner, else the first lead agency; "" when the task has no lead agency); ``leads`` the task's
    lead agencies in the document's order."""

    task_code: str
    indicator_code: str
    indicator: str
    unit: str
    owner: str
    leads: tuple[str, ...]

    def text(self) -> str:
        """ "6a · Mộ đã lấy mẫu (mộ) · tính số của: … · các cơ quan chủ trì: …; …" """
        return _(
            "{task} · {indicator} ({unit}) · tính số của: {owner} · các cơ quan chủ trì: {leads}"
        ).format(
            task=self.task_code,
            indicator=self.indicator,
            unit=self.unit,
            owner=self.owner or "—",
            leads="; ".join(self.leads) or "—",
        )


@dataclass
class _Link:
    row: TaskIndicator
    task: Task
    indicator: Indicator


async def _links(session: AsyncSession, plan_id: int) -> list[_Link]:
    """The task–indicator links of the plan's live tasks, in plan order then indicator order."""
    rows = (
        await session.execute(
            select(TaskIndicator, Task, Indicator)
            .join(Task, Task.id == TaskIndicator.task_id)
            .join(Indicator, Indicator.id == TaskIndicator.indicator_id)
            .where(Task.plan_id == plan_id, Task.archived_at.is_(None))
            .order_by(Task.position, Task.id, Indicator.id)
        )
    ).all()
    return [_Link(link, task, indicator) for link, task, indicator in rows]


async def _leads(session: AsyncSession, task_ids: list[int]) -> dict[int, list[Agency]]:
    """Each task's lead agencies (groups left out), in the document's order."""
    rows = (
        await session.execute(
            select(TaskAssignment.task_id, Agency)
            .join(Agency, Agency.id == TaskAssignment.agency_id)
            .where(TaskAssignment.task_id.in_(task_ids), TaskAssignment.role == TaskRole.LEAD)
            .order_by(TaskAssignment.task_id, TaskAssignment.position)
        )
    ).all()
    leads: dict[int, list[Agency]] = {}
    for task_id, agency in rows:
        leads.setdefault(task_id, []).append(agency)
    return leads


def _line(link: _Link, leads: list[Agency]) -> OwnerLine:
    by_id = {a.id: a.name for a in leads}
    owner_id = link.row.owner_agency_id
    owner = by_id.get(owner_id, "") if owner_id is not None else (leads[0].name if leads else "")
    return OwnerLine(
        task_code=link.task.code,
        indicator_code=link.indicator.code,
        indicator=link.indicator.name,
        unit=link.indicator.unit,
        owner=owner,
        leads=tuple(a.name for a in leads),
    )


async def list_owners(session: AsyncSession, plan_id: int) -> list[OwnerLine]:
    """Every indicator of every live task with its owner, in plan order then indicator order."""
    links = await _links(session, plan_id)
    leads = await _leads(session, sorted({link.task.id for link in links}))
    return [_line(link, leads.get(link.task.id, [])) for link in links]


async def set_owner(
    session: AsyncSession,
    plan_id: int,
    task_code: str,
    indicator: str | None,
    agency_name: str,
) -> list[OwnerLine]:
    """Make ``agency_name`` (name or alias) the owner of ``indicator`` (Vietnamese name or code,
    diacritics optional) on task ``task_code`` ("6a"); ``indicator`` None: of every indicator of
    the task. Returns the lines as they now read. Does not commit.

    Raises ``OwnerError`` for a task that carries no indicator (listing those that do), an
    indicator the task does not carry (listing its indicators), an unknown agency, or an agency
    that does not lead the task (naming the task's lead agencies).
    """
    links = await _links(session, plan_id)
    code = task_code.strip().casefold()
    mine = [link for link in links if link.task.code.casefold() == code]
    if not mine:
        codes = ", ".join(dict.fromkeys(link.task.code for link in links))
        raise OwnerError(
            _("nhiệm vụ “{code}” không có chỉ tiêu định lượng (các nhiệm vụ có: {codes})").format(
                code=task_code, codes=codes or _("không có")
            )
        )
    task = mine[0].task
    if indicator is not None:
        wanted = fold(indicator)
        chosen = [
            link
            for link in mine
            if wanted in (fold(link.indicator.name), fold(link.indicator.code))
        ]
        if not chosen:
            names = "; ".join(link.indicator.name for link in mine)
            raise OwnerError(
                _("nhiệm vụ {code} không có chỉ tiêu “{name}” (nhiệm vụ có: {names})").format(
                    code=task.code, name=indicator, names=names
                )
            )
        mine = chosen
    try:
        agency = await find_agency_by_name(session, plan_id, agency_name)
    except AccessError as exc:
        raise OwnerError(str(exc)) from None
    leads = (await _leads(session, [task.id])).get(task.id, [])
    if agency.id not in {a.id for a in leads}:
        raise OwnerError(
            _(
                "{agency} không chủ trì nhiệm vụ {code}; chỉ cơ quan chủ trì được tính số "
                "(cơ quan chủ trì: {leads})"
            ).format(agency=agency.name, code=task.code, leads="; ".join(a.name for a in leads))
        )
    for link in mine:
        link.row.owner_agency_id = agency.id
    await session.flush()
    return [_line(link, leads) for link in mine]


async def reset_lost_owners(session: AsyncSession, plan_id: int) -> list[str]:
    """After a re-import: an owner that no longer leads its task gives way to the task's first
    lead agency (None when it has none); an owner still leading is kept, whoever set it. Returns
    "6a · Mộ đã lấy mẫu" for each link reset, in plan order. Does not commit."""
    links = await _links(session, plan_id)
    leads = await _leads(session, sorted({link.task.id for link in links}))
    reset: list[str] = []
    for link in links:
        task_leads = leads.get(link.task.id, [])
        owner = link.row.owner_agency_id
        if owner is not None and owner in {a.id for a in task_leads}:
            continue
        first = task_leads[0].id if task_leads else None
        if owner != first:
            link.row.owner_agency_id = first
            reset.append(f"{link.task.code} · {link.indicator.name}")
    await session.flush()
    return reset


__all__ = ["OwnerError", "OwnerLine", "list_owners", "reset_lost_owners", "set_owner"]
