"""Access rules: invites, binding a Telegram account to a contact, roles, revoke, transfer.

Plain functions over a session (they flush, never commit) and an explicit ``now`` (aware UTC), so
the CLI, the handlers and the tests share one implementation. Rules come from DESIGN.md decision 5
and issue 4: a code is single-use and expires; a person belongs to at most one agency; an agency may
have several contacts; revoked rows are kept because replies point at them.
"""

from __future__ import annotations

import enum
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models.people import BoundChat, Contact, ContactRole, Invite, Role
from models.plan import Agency, AgencyAlias, LeaderPosition

#: Purpose of the standing office's bound group chat (``BoundChat.purpose``).
STANDING_OFFICE_CHAT = "standing_office"
#: Telegram deep-link payloads allow ``A-Za-z0-9_-`` and up to 64 characters; 12 random bytes give
#: a 16-character code that is short enough to type and impossible to guess.
CODE_BYTES = 12


class InviteRefusal(enum.StrEnum):
    """Why a code cannot be redeemed."""

    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    OTHER_AGENCY = "other_agency"  # the person already acts for another agency
    NOT_FOR_GROUP = "not_for_group"  # only a standing-office code binds a group chat
    NOT_A_MEMBER = "not_a_member"  # a group is bound only by a standing-office member


class InviteError(Exception):
    """A code was refused; ``reason`` says why (shown to the person in Vietnamese)."""

    def __init__(self, reason: InviteRefusal, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason


class AccessError(LookupError):
    """A contact, agency or leader position named by the caller does not exist in the plan."""


@dataclass(frozen=True)
class Redeemed:
    """Result of redeeming a code: the contact and the roles it gained."""

    contact: Contact
    role: Role


def fold(text: str) -> str:
    """Case-, spacing- and diacritic-insensitive form ("Trưởng Ban" → "truong ban"); đ → d, which
    Unicode decomposition leaves alone (DOMAIN.md, "Vietnamese text")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def match_key(text: str) -> str:
    """``fold`` without commas, semicolons and dots: "Sở Văn hóa Thể thao và Du lịch" and
    "Sở Văn hóa, Thể thao và Du lịch" compare equal, as the plan importer compares names."""
    return " ".join(re.sub(r"[,;.]", " ", fold(text)).split())


def new_code() -> str:
    """A fresh random invite code (URL-safe, 16 characters)."""
    return secrets.token_urlsafe(CODE_BYTES)


async def create_invite(
    session: AsyncSession,
    plan_id: int,
    role: Role,
    *,
    now: datetime,
    ttl: timedelta,
    agency_id: int | None = None,
    leader_position_id: int | None = None,
    created_by_contact_id: int | None = None,
) -> Invite:
    """A single-use invite for ``role``, expiring at ``now + ttl``.

    A ``contact`` invite needs ``agency_id``; a ``leader`` invite needs ``leader_position_id``; a
    ``standing_office`` or ``admin`` invite may carry an agency, which then also makes the person a
    contact of it (the standing office's staff are usually the contacts of Bộ CHQS tỉnh).
    Raises ``ValueError`` when a required target is missing.
    """
    if role is Role.CONTACT and agency_id is None:
        raise ValueError("a contact invite needs an agency")
    if role is Role.LEADER and leader_position_id is None:
        raise ValueError("a leader invite needs a leader position")
    invite = Invite(
        plan_id=plan_id,
        code=new_code(),
        role=role,
        agency_id=agency_id,
        leader_position_id=leader_position_id,
        expires_at=now + ttl,
        created_by_contact_id=created_by_contact_id,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    return invite


async def _usable_invite(session: AsyncSession, plan_id: int, code: str, now: datetime) -> Invite:
    invite = await session.scalar(
        select(Invite).where(Invite.plan_id == plan_id, Invite.code == code.strip())
    )
    if invite is None:
        raise InviteError(InviteRefusal.UNKNOWN)
    if invite.used_at is not None:
        raise InviteError(InviteRefusal.USED)
    if _aware(invite.expires_at) <= now:
        raise InviteError(InviteRefusal.EXPIRED)
    return invite


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they were stored as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def get_contact(
    session: AsyncSession, plan_id: int, telegram_user_id: int, *, active_only: bool = True
) -> Contact | None:
    """The contact of ``telegram_user_id`` in the plan (roles, agency and leader position loaded);
    ``None`` when unknown or (with ``active_only``) revoked."""
    stmt = (
        select(Contact)
        .where(Contact.plan_id == plan_id, Contact.telegram_user_id == telegram_user_id)
        .options(
            selectinload(Contact.roles),
            selectinload(Contact.agency),
            selectinload(Contact.leader_position),
        )
    )
    contact = await session.scalar(stmt)
    if contact is None or (active_only and contact.revoked_at is not None):
        return None
    return contact


def roles_of(contact: Contact) -> frozenset[Role]:
    """The roles a contact holds (empty once revoked)."""
    if contact.revoked_at is not None:
        return frozenset()
    return frozenset(r.role for r in contact.roles)


def _grant(contact: Contact, role: Role) -> None:
    if role not in {r.role for r in contact.roles}:
        contact.roles.append(ContactRole(role=role))


async def redeem_invite(
    session: AsyncSession,
    plan_id: int,
    code: str,
    *,
    telegram_user_id: int,
    full_name: str,
    username: str | None,
    now: datetime,
) -> Redeemed:
    """Bind ``telegram_user_id`` through ``code`` and mark the code used.

    Creates the contact, or re-activates a revoked one (its old roles and agency are dropped, so a
    revoked person starts afresh). Raises ``InviteError`` for an unknown, used or expired code, or
    when the person already acts for another agency than the code's (one agency per person).
    """
    invite = await _usable_invite(session, plan_id, code, now)
    contact = await get_contact(session, plan_id, telegram_user_id, active_only=False)
    if contact is not None and contact.revoked_at is not None:
        contact.revoked_at = None
        contact.roles.clear()
        contact.agency_id = None
        contact.leader_position_id = None
        await session.flush()
    if (
        contact is not None
        and invite.agency_id is not None
        and contact.agency_id is not None
        and contact.agency_id != invite.agency_id
    ):
        raise InviteError(InviteRefusal.OTHER_AGENCY)
    if contact is None:
        contact = Contact(plan_id=plan_id, telegram_user_id=telegram_user_id, roles=[])
        session.add(contact)
    contact.full_name = full_name
    contact.username = username
    contact.last_active_at = now
    contact.unreachable_at = None
    contact.unreachable_reason = None
    if invite.agency_id is not None:
        contact.agency_id = invite.agency_id
        _grant(contact, Role.CONTACT)
    if invite.leader_position_id is not None:
        contact.leader_position_id = invite.leader_position_id
    _grant(contact, invite.role)
    await session.flush()
    invite.used_at = now
    invite.used_by_contact_id = contact.id
    await session.flush()
    reloaded = await get_contact(session, plan_id, telegram_user_id)
    assert reloaded is not None
    return Redeemed(contact=reloaded, role=invite.role)


async def bind_group_chat(
    session: AsyncSession,
    plan_id: int,
    code: str,
    *,
    chat_id: int,
    title: str,
    telegram_user_id: int,
    now: datetime,
) -> BoundChat:
    """Bind the standing office's group chat through a standing-office ``code`` sent in it.

    The sender must already be a standing-office member (so a stray code cannot bind a stranger's
    group); a later binding replaces the earlier chat. Raises ``InviteError``.
    """
    sender = await get_contact(session, plan_id, telegram_user_id)
    if sender is None or Role.STANDING_OFFICE not in roles_of(sender):
        raise InviteError(InviteRefusal.NOT_A_MEMBER)
    invite = await _usable_invite(session, plan_id, code, now)
    if invite.role is not Role.STANDING_OFFICE:
        raise InviteError(InviteRefusal.NOT_FOR_GROUP)
    chat = await session.scalar(
        select(BoundChat).where(
            BoundChat.plan_id == plan_id, BoundChat.purpose == STANDING_OFFICE_CHAT
        )
    )
    if chat is None:
        chat = BoundChat(plan_id=plan_id, purpose=STANDING_OFFICE_CHAT, chat_id=chat_id)
        session.add(chat)
    chat.chat_id = chat_id
    chat.title = title
    chat.unreachable_at = None
    invite.used_at = now
    invite.used_by_contact_id = sender.id
    await session.flush()
    return chat


async def touch(session: AsyncSession, contact: Contact, now: datetime) -> None:
    """Record activity (for ``/lienhe``'s "last active") and clear an unreachable mark."""
    contact.last_active_at = now
    contact.unreachable_at = None
    contact.unreachable_reason = None
    await session.flush()


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


async def revoke_contact(
    session: AsyncSession, plan_id: int, telegram_user_id: int, *, now: datetime
) -> Contact:
    """Revoke a person: they lose every role at once (the row stays for history).

    Raises ``AccessError`` when no active contact has that Telegram id.
    """
    contact = await get_contact(session, plan_id, telegram_user_id)
    if contact is None:
        raise AccessError(f"no active contact with Telegram id {telegram_user_id}")
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
        new_contact = await get_contact(session, plan_id, to_telegram_user_id)
        if new_contact is None:
            raise AccessError(f"no active contact with Telegram id {to_telegram_user_id}")
        if new_contact.agency_id not in (None, agency_id):
            raise AccessError("that person already acts for another agency")
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
        _grant(new_contact, Role.CONTACT)
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
        raise AccessError(f"no agency {agency_id} in plan {plan_id}")
    return agency


async def find_leader_position(session: AsyncSession, plan_id: int, title: str) -> LeaderPosition:
    """The leader position whose title matches ``title`` ignoring case, spacing and diacritics.

    Raises ``AccessError`` listing the positions the plan has when none matches.
    """
    positions = list(
        (
            await session.scalars(
                select(LeaderPosition)
                .where(LeaderPosition.plan_id == plan_id)
                .order_by(LeaderPosition.id)
            )
        ).all()
    )
    wanted = fold(title)
    for position in positions:
        if fold(position.title) == wanted:
            return position
    known = "; ".join(p.title for p in positions) or "none"
    raise AccessError(f"no leader position {title!r} (the plan has: {known})")


async def standing_office_chat(session: AsyncSession, plan_id: int) -> BoundChat | None:
    """The standing office's bound group chat, if one was bound."""
    return await session.scalar(
        select(BoundChat).where(
            BoundChat.plan_id == plan_id, BoundChat.purpose == STANDING_OFFICE_CHAT
        )
    )


async def find_agency_by_name(session: AsyncSession, plan_id: int, name: str) -> Agency:
    """The agency whose name or an alias equals ``name`` once folded ("so noi vu" → Sở Nội vụ),
    the way the importer stores ``name_folded``/``alias_folded``.

    Raises ``AccessError`` naming up to five agencies that contain the words when none matches.
    """
    wanted = fold(name)
    agency = await session.scalar(
        select(Agency).where(Agency.plan_id == plan_id, Agency.name_folded == wanted)
    )
    if agency is None:
        agency = await session.scalar(
            select(Agency)
            .join(AgencyAlias, AgencyAlias.agency_id == Agency.id)
            .where(Agency.plan_id == plan_id, AgencyAlias.alias_folded == wanted)
        )
    if agency is not None:
        return agency
    # Slower path for punctuation differences, over the plan's few hundred names at most.
    key = match_key(name)
    for candidate in (
        await session.scalars(
            select(Agency).where(Agency.plan_id == plan_id).options(selectinload(Agency.aliases))
        )
    ).all():
        if key in {match_key(candidate.name), *(match_key(a.alias) for a in candidate.aliases)}:
            return candidate
    near = (
        await session.scalars(
            select(Agency.name)
            .where(Agency.plan_id == plan_id, Agency.name_folded.contains(wanted))
            .order_by(Agency.name)
            .limit(5)
        )
    ).all()
    hint = f" (did you mean: {'; '.join(near)}?)" if near else ""
    raise AccessError(f"no agency named {name!r}{hint}")
