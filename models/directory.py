"""The directory of people and agencies: find an agency or leader position by name, list bound
contacts, revoke a person, hand an agency over (``/lienhe``, ``python -m bot contacts …``).

Plain functions over a session (they flush, never commit) and an explicit ``now`` (aware UTC).
Revoked rows are kept because replies point at them (DESIGN.md decision 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from locales import _
from models.access import AccessError, create_invite, get_contact, grant_role
from models.people import Contact, Invite, Role
from models.plan import Agency, LeaderPosition
from models.repositories import find_agency
from models.text import fold


async def list_contacts(
    session: AsyncSession,
    plan_id: int,
    *,
    agency_id: int | None = None,
    include_revoked: bool = False,
) -> list[Contact]:
    """Contacts of the plan (optionally of one agency), ordered by agency name then person name;
    roles, agency and leader position loaded."""
    stmt = (
        select(Contact)
        .outerjoin(Agency, Contact.agency_id == Agency.id)
        .where(Contact.plan_id == plan_id)
        .options(
            selectinload(Contact.roles),
            selectinload(Contact.agency),
            selectinload(Contact.leader_position),
        )
        .order_by(Agency.name.nulls_first(), Contact.full_name, Contact.id)
    )
    if agency_id is not None:
        stmt = stmt.where(Contact.agency_id == agency_id)
    if not include_revoked:
        stmt = stmt.where(Contact.revoked_at.is_(None))
    return list((await session.scalars(stmt)).all())


async def _active_contact(session: AsyncSession, plan_id: int, telegram_user_id: int) -> Contact:
    """The active contact of ``telegram_user_id``; raises ``AccessError`` when there is none."""
    contact = await get_contact(session, plan_id, telegram_user_id)
    if contact is None:
        raise AccessError(
            _("không có cán bộ đang hoạt động nào có mã Telegram {id}").format(id=telegram_user_id)
        )
    return contact


async def revoke_contact(
    session: AsyncSession, plan_id: int, telegram_user_id: int, *, now: datetime
) -> Contact:
    """Revoke a person: they lose every role at once (the row stays for history).

    Raises ``AccessError`` when no active contact has that Telegram id.
    """
    contact = await _active_contact(session, plan_id, telegram_user_id)
    contact.revoked_at = now
    await session.flush()
    return contact


@dataclass(frozen=True)
class Transfer:
    """Outcome of handing an agency over: who lost it, and the new person's way in."""

    revoked: list[Contact]
    invite: Invite | None
    new_contact: Contact | None


async def transfer_agency(
    session: AsyncSession,
    plan_id: int,
    agency_id: int,
    *,
    now: datetime,
    ttl: timedelta,
    to_telegram_user_id: int | None = None,
    created_by_contact_id: int | None = None,
) -> Transfer:
    """Hand ``agency_id`` over to a new person: its current contacts are revoked; the new person is
    either an already-bound account without an agency (``to_telegram_user_id``), who becomes the
    agency's contact at once, or, without one, gets a fresh contact invite.

    Raises ``AccessError`` when ``to_telegram_user_id`` is not an active contact, or acts for
    another agency.
    """
    new_contact: Contact | None = None
    if to_telegram_user_id is not None:
        new_contact = await _active_contact(session, plan_id, to_telegram_user_id)
        if new_contact.agency_id not in (None, agency_id):
            raise AccessError(_("người này đang là đầu mối của một cơ quan khác"))
    revoked = [
        c
        for c in await list_contacts(session, plan_id, agency_id=agency_id)
        if new_contact is None or c.id != new_contact.id
    ]
    for contact in revoked:
        contact.revoked_at = now
    invite: Invite | None = None
    if new_contact is not None:
        new_contact.agency_id = agency_id
        grant_role(new_contact, Role.CONTACT)
    else:
        invite = await create_invite(
            session,
            plan_id,
            Role.CONTACT,
            now=now,
            ttl=ttl,
            agency_id=agency_id,
            created_by_contact_id=created_by_contact_id,
        )
    await session.flush()
    return Transfer(revoked=revoked, invite=invite, new_contact=new_contact)


async def get_agency(session: AsyncSession, plan_id: int, agency_id: int) -> Agency:
    """The agency ``agency_id`` of the plan; raises ``AccessError`` when absent."""
    agency = await session.get(Agency, agency_id)
    if agency is None or agency.plan_id != plan_id:
        raise AccessError(
            _("không có cơ quan {agency} trong kế hoạch {plan}").format(
                agency=agency_id, plan=plan_id
            )
        )
    return agency


async def list_leader_positions(session: AsyncSession, plan_id: int) -> list[LeaderPosition]:
    """The plan's leader positions in the order the importer met them."""
    return list(
        (
            await session.scalars(
                select(LeaderPosition)
                .where(LeaderPosition.plan_id == plan_id)
                .order_by(LeaderPosition.id)
            )
        ).all()
    )


async def find_leader_position(session: AsyncSession, plan_id: int, title: str) -> LeaderPosition:
    """The leader position whose title matches ``title`` ignoring case, spacing and diacritics.

    Raises ``AccessError`` listing the positions the plan has when none matches.
    """
    positions = await list_leader_positions(session, plan_id)
    wanted = fold(title)
    for position in positions:
        if fold(position.title) == wanted:
            return position
    known = "; ".join(p.title for p in positions) or _("không có")
    raise AccessError(
        _("không có chức danh lãnh đạo “{title}” (Kế hoạch có: {known})").format(
            title=title, known=known
        )
    )


async def find_agency_by_name(session: AsyncSession, plan_id: int, name: str) -> Agency:
    """The agency whose name or an alias equals ``name`` once folded ("so noi vu" → Sở Nội vụ),
    the way the importer stores ``name_folded``/``alias_folded``.

    Raises ``AccessError`` naming up to five agencies that contain the words when none matches.
    """
    agency = await find_agency(session, plan_id, name)
    if agency is not None:
        return agency
    wanted = fold(name)
    near = (
        await session.scalars(
            select(Agency.name)
            .where(Agency.plan_id == plan_id, Agency.name_folded.contains(wanted))
            .order_by(Agency.name)
            .limit(5)
        )
    ).all()
    hint = _(" (có phải: {names}?)").format(names="; ".join(near)) if near else ""
    raise AccessError(_("không có cơ quan tên “{name}”").format(name=name) + hint)


#: Keywords of ``/moi`` (folded) for a standing-office invite and, followed by a title, a leader's.
OFFICE_WORDS = frozenset({"thuongtruc", "thuong truc", "co quan thuong truc"})
LEADER_WORDS = ("lanhdao ", "lanh dao ")


def leader_title(folded: str) -> str | None:
    """The position named after ``lanhdao`` in a folded ``/moi`` argument ("" for ``lanhdao``
    alone), else None."""
    for word in LEADER_WORDS:
        if folded == word.strip():
            return ""
        if folded.startswith(word):
            return folded[len(word) :]
    return None


class UnknownLeaderPosition(AccessError):
    """``/moi lanhdao TITLE`` names no leader position of the plan: ``title`` as typed, folded
    ("" when none was typed); ``titles`` the plan's positions, in plan order."""

    def __init__(self, title: str, titles: list[str]) -> None:
        super().__init__(title)
        self.title = title
        self.titles = titles


@dataclass(frozen=True)
class InviteTarget:
    """Whom an invite is for: the role, and the agency or leader position with its name (both
    None for a standing-office invite)."""

    role: Role
    name: str | None = None
    agency_id: int | None = None
    leader_position_id: int | None = None


async def invite_target(session: AsyncSession, plan_id: int, text: str) -> InviteTarget:
    """The target ``/moi TEXT`` names: the standing office (``thuongtruc``), a leader position
    (``lanhdao CHỨC DANH``) or an agency (its name or alias, diacritics optional).

    Raises ``UnknownLeaderPosition`` for a title the plan lacks, ``AccessError`` for an unknown
    agency."""
    words = fold(text)
    if words in OFFICE_WORDS:
        return InviteTarget(Role.STANDING_OFFICE)
    title = leader_title(words)
    if title is not None:
        try:
            position = await find_leader_position(session, plan_id, title)
        except AccessError:
            positions = await list_leader_positions(session, plan_id)
            raise UnknownLeaderPosition(title, [p.title for p in positions]) from None
        return InviteTarget(Role.LEADER, position.title, leader_position_id=position.id)
    agency = await find_agency_by_name(session, plan_id, text)
    return InviteTarget(Role.CONTACT, agency.name, agency_id=agency.id)
