"""The agency registry: canonical names, aliases and groups (DOMAIN.md, "Agency registry"), the
splitting of an agency cell into names, and the database lookup ``find_agency``.

Matching is NFC-, case- and diacritic-insensitive (đ → d), and ignores commas and semicolons
inside a name, so "Sở Văn hóa Thể thao và Du lịch" and "so van hoa, the thao va du lich" both find
"Sở Văn hóa, Thể thao và Du lịch". An unknown name is an error, never silently created.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from locales import _
from models.plan import Agency, AgencyAlias, AgencyGroup
from models.repositories import find_agency
from models.text import match_key
from plan.errors import UnknownAgencyError
from plan.text import fold, squash

STANDING_OFFICE = "Bộ Chỉ huy Quân sự tỉnh"

#: Canonical agency → aliases (DOMAIN.md). The communes and wards are entered by the standing office.
DEFAULT_AGENCIES: dict[str, tuple[str, ...]] = {
    STANDING_OFFICE: ("Bộ CHQS tỉnh", "BCHQS tỉnh"),
    "Sở Nội vụ": (),
    "Sở Y tế": (),
    "Sở Văn hóa, Thể thao và Du lịch": ("Sở VHTTDL", "Sở Văn hóa Thể thao và Du lịch"),
    "Sở Ngoại vụ": (),
    "Ban Tuyên giáo và Dân vận Tỉnh ủy": (),
    "Báo và Phát thanh, Truyền hình Hà Tĩnh": ("Báo và phát thanh truyền hình Hà Tĩnh",),
}

#: Catch-all groups (not agencies) → other spellings seen in the document.
DEFAULT_GROUPS: dict[str, tuple[str, ...]] = {
    # The document also writes "… có liên quan liên quan" (a typing slip, same group).
    "Các sở, ban, ngành, đơn vị, địa phương có liên quan": (
        "Các sở, ban, ngành, đơn vị, địa phương có liên quan liên quan",
    ),
    "Các sở, ban, ngành, đơn vị có liên quan": (),
    "Các xã, phường trong toàn tỉnh": (),
}

_SEPARATORS = re.compile(r"[,;]")


@dataclass(frozen=True)
class Entry:
    """A known name: its canonical form and whether it is a group."""

    canonical: str
    is_group: bool


@dataclass
class Registry:
    """In-memory registry used by the parser (defaults plus what the database adds)."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def add(
        self, canonical: str, aliases: tuple[str, ...] | list[str] = (), *, group: bool = False
    ) -> None:
        """Register ``canonical`` (NFC) and its aliases."""
        entry = Entry(squash(canonical), group)
        for name in (canonical, *aliases):
            self.entries[match_key(name)] = entry

    def lookup(self, name: str) -> Entry | None:
        """The entry matching ``name`` without diacritics/case/punctuation, or None."""
        return self.entries.get(match_key(name))

    def split(self, cell: str, *, where: str) -> list[Entry]:
        """Split an agency cell on commas and semicolons into known names, in the document's
        order, without breaking a name that contains a comma (longest match first).

        Raises ``UnknownAgencyError`` naming ``where`` (the row) and the unreadable name.
        """
        pieces = [squash(p) for p in _SEPARATORS.split(squash(cell))]
        pieces = [p for p in pieces if p]
        result: list[Entry] = []
        i = 0
        while i < len(pieces):
            for j in range(len(pieces), i, -1):
                entry = self.lookup(" ".join(pieces[i:j]))
                if entry is not None:
                    if entry not in result:
                        result.append(entry)
                    i = j
                    break
            else:
                name = pieces[i]
                raise UnknownAgencyError(
                    _(
                        "{where}: không biết cơ quan “{name}”. Thêm cơ quan hoặc tên gọi khác bằng "
                        "lệnh: python -m bot agency add TÊN [--alias TÊN_KHÁC]"
                    ).format(where=where, name=name),
                    name,
                )
        return result


def default_registry() -> Registry:
    """The registry of DOMAIN.md: the plan's agencies and groups with their aliases."""
    registry = Registry()
    for name, aliases in DEFAULT_AGENCIES.items():
        registry.add(name, aliases)
    for name, aliases in DEFAULT_GROUPS.items():
        registry.add(name, aliases, group=True)
    return registry


async def registry_for_plan(session: AsyncSession, plan_id: int | None) -> Registry:
    """The default registry plus the agencies, aliases and groups stored for ``plan_id``."""
    registry = default_registry()
    if plan_id is None:
        return registry
    agencies = (await session.scalars(select(Agency).where(Agency.plan_id == plan_id))).all()
    for agency in agencies:
        aliases = (
            await session.scalars(
                select(AgencyAlias.alias).where(AgencyAlias.agency_id == agency.id)
            )
        ).all()
        registry.add(agency.name, list(aliases))
    groups = (
        await session.scalars(select(AgencyGroup).where(AgencyGroup.plan_id == plan_id))
    ).all()
    for group in groups:
        if registry.lookup(group.name) is None:
            registry.add(group.name, group=True)
    return registry


async def add_agency(
    session: AsyncSession,
    plan_id: int,
    name: str,
    aliases: Sequence[str] = (),
    *,
    kind: str = "agency",
) -> tuple[Agency, list[str]]:
    """Create the agency ``name`` (NFC) in ``plan_id`` if no agency matches it, and add the aliases
    it does not have yet. Returns the agency and the aliases added. Does not commit."""
    agency = await find_agency(session, plan_id, name)
    if agency is None:
        agency = Agency(plan_id=plan_id, name=squash(name), name_folded=fold(name), kind=kind)
        session.add(agency)
        await session.flush()
    existing = set(
        (
            await session.scalars(
                select(AgencyAlias.alias_folded).where(AgencyAlias.agency_id == agency.id)
            )
        ).all()
    )
    added: list[str] = []
    for alias in aliases:
        folded = fold(alias)
        if folded in existing or folded == agency.name_folded:
            continue
        session.add(AgencyAlias(agency_id=agency.id, alias=squash(alias), alias_folded=folded))
        existing.add(folded)
        added.append(squash(alias))
    await session.flush()
    return agency, added


async def add_group(session: AsyncSession, plan_id: int, name: str) -> tuple[AgencyGroup, bool]:
    """Create the catch-all group ``name`` (not an agency: nobody is reminded for it) unless one
    matches it already. Returns (group, created). Does not commit."""
    wanted = match_key(name)
    for group in (
        await session.scalars(select(AgencyGroup).where(AgencyGroup.plan_id == plan_id))
    ).all():
        if match_key(group.name) == wanted:
            return group, False
    group = AgencyGroup(plan_id=plan_id, name=squash(name), name_folded=fold(name))
    session.add(group)
    await session.flush()
    return group, True
