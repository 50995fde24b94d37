"""People and access: contacts (Telegram accounts), their roles, invites, bound group chats."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin
from models.plan import Agency, LeaderPosition


class Role(enum.StrEnum):
    """What a person may do (DESIGN.md decision 5); a person may hold several."""

    STANDING_OFFICE = "standing_office"
    CONTACT = "contact"
    LEADER = "leader"
    ADMIN = "admin"


class Contact(TimestampMixin, Base):
    """Cán bộ đầu mối — a Telegram account bound to a plan, acting for at most one agency.

    ``telegram_user_id`` is Telegram's user id (also the private chat id). ``revoked_at`` set means
    the binding was revoked (rows are kept: replies point at them).
    """

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("plan_id", "telegram_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    username: Mapped[str | None] = mapped_column(String(64), default=None)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    leader_position_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_positions.id"), default=None
    )
    last_active_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    #: Set when Telegram refused delivery (blocked the bot, chat not found); cleared on activity.
    unreachable_at: Mapped[datetime | None] = mapped_column(default=None)
    unreachable_reason: Mapped[str | None] = mapped_column(Text, default=None)

    agency: Mapped[Agency | None] = relationship()
    leader_position: Mapped[LeaderPosition | None] = relationship()
    roles: Mapped[list[ContactRole]] = relationship(
        back_populates="contact", cascade="all, delete-orphan"
    )


class ContactRole(Base):
    """One role held by a contact."""

    __tablename__ = "contact_roles"
    __table_args__ = (UniqueConstraint("contact_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32))

    contact: Mapped[Contact] = relationship(back_populates="roles")


class Invite(TimestampMixin, Base):
    """A single-use invite code (deep link ``/start <code>``) for a role, an agency or a leader."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=32))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    leader_position_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_positions.id"), default=None
    )
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    used_by_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), default=None)
    created_by_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), default=None
    )


class BoundChat(TimestampMixin, Base):
    """A group chat bound to receive notices (the standing office's group)."""

    __tablename__ = "bound_chats"
    __table_args__ = (UniqueConstraint("plan_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(255), default="")
    #: "standing_office" for now.
    purpose: Mapped[str] = mapped_column(String(32))
    unreachable_at: Mapped[datetime | None] = mapped_column(default=None)
