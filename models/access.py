"""Access rules: invites, binding a Telegram account to a contact, roles, revoke, transfer.

Plain functions over a session (they flush, never commit) and an explicit ``now`` (aware UTC), so
the CLI, the handlers and the tests share one implementation. Rules come from DESIGN.md decision 5
and issue 4: a code is single-use and expires; a person belongs to at most one agency; an agency may
have several contacts; revoked rows are kept because replies point at them.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from models.db import unit_connection
from models.people import BoundChat, Contact, ContactRole, Invite, Role
from models.plan import Agency, LeaderPosition

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


async def _claim(session: AsyncSession, invite: Invite, now: datetime) -> None:
    # A conditional UPDATE, not a read-then-write: two people tapping the same link at once must
    # not both get in (PostgreSQL runs READ COMMITTED; the loser sees 0 rows and is refused).
    result = await session.execute(
        update(Invite)
        .where(Invite.id == invite.id, Invite.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) != 1:
        raise InviteError(InviteRefusal.USED)
    invite.used_at = now


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone-aware columns; they were stored as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def get_contact(
    session: AsyncSession, plan_id: int, telegram_user_id: int, *, active_only: bool = True
) -> Contact | None:
    """The contact of ``telegram_user_id`` in the plan (roles, agency and leader position loaded);
    ``None`` when unknown or (with ``active_only``) revoked.

    One query (joined eager loading): this runs on every update (the role check), so it must not
    cost a round trip per relationship.
    """
    stmt = (
        select(Contact)
        .where(Contact.plan_id == plan_id, Contact.telegram_user_id == telegram_user_id)
        .options(
            joinedload(Contact.roles),
            joinedload(Contact.agency),
            joinedload(Contact.leader_position),
        )
    )
    # A joined collection repeats the contact once per role: ``unique()`` folds them back.
    contact = (await session.execute(stmt)).unique().scalar_one_or_none()
    if contact is None or (active_only and contact.revoked_at is not None):
        return None
    return contact


@dataclass(frozen=True)
class ContactSnapshot:
    """What the role check needs of an active contact, read without loading ORM objects:
    ids, name, roles, agency and leader position (with their names), and the activity marks
    ``touch`` looks at (as stored: SQLite hands datetimes back naive, meaning UTC)."""

    id: int
    plan_id: int
    telegram_user_id: int
    full_name: str
    roles: frozenset[Role]
    agency_id: int | None
    agency_name: str | None
    leader_position_id: int | None
    leader_title: str | None
    last_active_at: datetime | None
    unreachable_at: datetime | None


#: The role check's one statement, built once (this runs on every update; building the statement
#: cost more than SQLite running it): one row per role, agency and leader position joined.
_SNAPSHOT = (
    select(
        Contact.id,
        Contact.full_name,
        Contact.agency_id,
        Contact.leader_position_id,
        Contact.revoked_at,
        Contact.last_active_at,
        Contact.unreachable_at,
        Agency.name,
        LeaderPosition.title,
        ContactRole.role,
    )
    .outerjoin(Agency, Agency.id == Contact.agency_id)
    .outerjoin(LeaderPosition, LeaderPosition.id == Contact.leader_position_id)
    .outerjoin(ContactRole, ContactRole.contact_id == Contact.id)
    .where(
        Contact.plan_id == bindparam("plan_id"),
        Contact.telegram_user_id == bindparam("telegram_user_id"),
    )
)
_TOUCH = (
    update(Contact)
    .where(Contact.id == bindparam("contact_id"))
    .values(last_active_at=bindparam("now"), unreachable_at=None, unreachable_reason=None)
)


@dataclass(frozen=True)
class RevokedContact:
    """A Telegram account whose link to its agency was revoked (thu hồi liên kết):
    ``revoked_at`` as stored (aware UTC; SQLite hands it back naive, meaning UTC)."""

    revoked_at: datetime


async def contact_lookup(
    session: AsyncSession, plan_id: int, telegram_user_id: int
) -> ContactSnapshot | RevokedContact | None:
    """The contact of ``telegram_user_id`` in the plan: a ``ContactSnapshot`` when active, a
    ``RevokedContact`` when its link was revoked, None when the account was never bound. Read
    from the database on every call (nothing cached, so a revoke or a role taken away holds from
    the next update).

    One Core SELECT, built once and run on the session's connection (no ORM objects, no ORM
    execution path): this runs on every update. Same answer as ``get_contact`` + ``roles_of``.
    """
    connection = await unit_connection(session)
    rows = (
        await connection.execute(
            _SNAPSHOT, {"plan_id": plan_id, "telegram_user_id": telegram_user_id}
        )
    ).all()
    if not rows:
        return None
    first = rows[0]
    if first.revoked_at is not None:
        return RevokedContact(revoked_at=first.revoked_at)
    return ContactSnapshot(
        id=first.id,
        plan_id=plan_id,
        telegram_user_id=telegram_user_id,
        full_name=first.full_name,
        roles=frozenset(Role(r.role) for r in rows if r.role is not None),
        agency_id=first.agency_id,
        agency_name=first.name,
        leader_position_id=first.leader_position_id,
        leader_title=first.title,
        last_active_at=first.last_active_at,
        unreachable_at=first.unreachable_at,
    )


async def contact_snapshot(
    session: AsyncSession, plan_id: int, telegram_user_id: int
) -> ContactSnapshot | None:
    """``contact_lookup`` for callers that only need the active contact: None when unknown or
    revoked."""
    found = await contact_lookup(session, plan_id, telegram_user_id)
    return found if isinstance(found, ContactSnapshot) else None


async def touch_snapshot(session: AsyncSession, contact: ContactSnapshot, now: datetime) -> bool:
    """``touch`` for a ``ContactSnapshot``: the same rule (``needs_touch``), one Core UPDATE when
    it applies. Returns whether it wrote.

    The UPDATE goes straight to the session's connection: a loaded ``Contact`` of the same person
    in this session would not see it (the role check runs first in its unit of work, before any).
    """
    if not needs_touch(contact, now):
        return False
    connection = await unit_connection(session)
    await connection.execute(_TOUCH, {"contact_id": contact.id, "now": now})
    return True


def roles_of(contact: Contact) -> frozenset[Role]:
    """The roles a contact holds (empty once revoked)."""
    if contact.revoked_at is not None:
        return frozenset()
    return frozenset(r.role for r in contact.roles)


def grant_role(contact: Contact, role: Role) -> None:
    """Give ``contact`` ``role`` unless it holds it already (roles loaded)."""
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
    await _claim(session, invite, now)
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
        grant_role(contact, Role.CONTACT)
    if invite.leader_position_id is not None:
        contact.leader_position_id = invite.leader_position_id
    grant_role(contact, invite.role)
    await session.flush()
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
    await _claim(session, invite, now)
    invite.used_by_contact_id = sender.id
    await session.flush()
    return chat


#: ``last_active_at`` is rewritten at most this often per contact: ``/lienhe`` shows it to the
#: minute, and a write on every update would make each dialog step a write transaction more.
TOUCH_INTERVAL = timedelta(minutes=1)


def needs_touch(contact: Contact | ContactSnapshot, now: datetime) -> bool:
    """Whether ``touch`` would write: the contact is marked unreachable, has no recorded
    activity, or its last activity is ``TOUCH_INTERVAL`` or more before ``now`` (aware UTC)."""
    if contact.unreachable_at is not None or contact.last_active_at is None:
        return True
    return now - _aware(contact.last_active_at) >= TOUCH_INTERVAL


async def touch(session: AsyncSession, contact: Contact, now: datetime) -> bool:
    """Record activity (for ``/lienhe``'s "last active") and clear an unreachable mark.

    Throttled (``needs_touch``): within ``TOUCH_INTERVAL`` of the recorded activity, with no
    unreachable mark to clear, nothing is written. Returns whether it wrote.
    """
    if not needs_touch(contact, now):
        return False
    contact.last_active_at = now
    contact.unreachable_at = None
    contact.unreachable_reason = None
    await session.flush()
    return True


async def standing_office_chat(session: AsyncSession, plan_id: int) -> BoundChat | None:
    """The standing office's bound group chat, if one was bound."""
    return await session.scalar(
        select(BoundChat).where(
            BoundChat.plan_id == plan_id, BoundChat.purpose == STANDING_OFFICE_CHAT
        )
    )
