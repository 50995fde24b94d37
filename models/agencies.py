"""Agencies in bulk (``python -m bot agency import FILE``): insert or update, never duplicate."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from locales import _
from models.plan import Agency, AgencyAlias
from models.text import fold, match_key

#: Kinds an agency row may have (``Agency.kind``).
KINDS = ("agency", "commune", "ward", "other")


@dataclass(frozen=True)
class AgencyRow:
    """One row of an agency file: canonical name, other spellings, kind (``KINDS``)."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "agency"


@dataclass
class AgencyImport:
    """What an import did: names created, updated (kind or new aliases), left unchanged."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


async def upsert_agencies(
    session: AsyncSession, plan_id: int, rows: list[AgencyRow]
) -> AgencyImport:
    """Insert the agencies of ``rows`` not yet in the plan and update the others.

    A row matches an existing agency by folded name or alias, so "So Noi vu" updates Sở Nội vụ.
    Aliases are only added (an alias the importer found in the plan is never dropped); the kind is
    overwritten. Raises ``ValueError`` naming the row for an empty name or an unknown kind.
    """
    existing = list(
        (
            await session.scalars(
                select(Agency)
                .where(Agency.plan_id == plan_id)
                .options(selectinload(Agency.aliases))
            )
        ).all()
    )
    by_key: dict[str, Agency] = {}
    # Keyed like the importer compares names (no diacritics, case or punctuation).
    for agency in existing:
        by_key[match_key(agency.name)] = agency
        for alias in agency.aliases:
            by_key.setdefault(match_key(alias.alias), agency)
    result = AgencyImport()
    for number, row in enumerate(rows, start=1):
        name = " ".join(row.name.split())
        if not name:
            raise ValueError(_("dòng {number}: tên trống").format(number=number))
        if row.kind not in KINDS:
            raise ValueError(
                _("dòng {number} ({name}): loại “{kind}” không rõ; dùng một trong: {kinds}").format(
                    number=number, name=name, kind=row.kind, kinds=", ".join(KINDS)
                )
            )
        found = by_key.get(match_key(name))
        changed = False
        if found is None:
            agency = Agency(
                plan_id=plan_id, name=name, name_folded=fold(name), kind=row.kind, aliases=[]
            )
            session.add(agency)
            result.created.append(name)
            by_key[match_key(name)] = agency
        else:
            agency = found
            if agency.kind != row.kind:
                agency.kind = row.kind
                changed = True
        known = {match_key(agency.name), *(match_key(a.alias) for a in agency.aliases)}
        for raw in row.aliases:
            spelling = " ".join(raw.split())
            if spelling and match_key(spelling) not in known:
                agency.aliases.append(AgencyAlias(alias=spelling, alias_folded=fold(spelling)))
                known.add(match_key(spelling))
                by_key.setdefault(match_key(spelling), agency)
                changed = True
        if name not in result.created:
            (result.updated if changed else result.unchanged).append(agency.name)
    await session.flush()
    return result
