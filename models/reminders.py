"""Reminder inputs and outputs: calendar overrides, ad-hoc requests, snoozes, and the outbox."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class CalendarOverride(TimestampMixin, Base):
    """A day the standing office made a holiday or a working day, overriding the VN calendar."""

    __tablename__ = "calendar_overrides"
    __table_args__ = (UniqueConstraint("plan_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    is_working_day: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")


class AdhocRequest(TimestampMixin, Base):
    """Báo cáo đột xuất — the standing office asks chosen agencies (or all) for a report by a date.

    ``cancelled_at`` (aware UTC) is set when the standing office withdraws it (``adhoc cancel``,
    ``/huydotxuat``; ``cancelled_by_contact_id`` is None from the CLI): no more reminders, no longer
    offered; the replies already given are kept and its report still compiles.
    """

    __tablename__ = "adhoc_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date)
    all_agencies: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime]
    requested_by_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), default=None
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(default=None)
    cancelled_by_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id"), default=None
    )


class AdhocRequestAgency(Base):
    """An agency an ad-hoc request is addressed to."""

    __tablename__ = "adhoc_request_agencies"
    __table_args__ = (UniqueConstraint("request_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("adhoc_requests.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))


class Snooze(TimestampMixin, Base):
    """ "Nhắc lại sau": a contact's reminder item moved to ``until`` (aware UTC)."""

    __tablename__ = "snoozes"
    __table_args__ = (UniqueConstraint("contact_id", "reminder_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    reminder_key: Mapped[str] = mapped_column(String(255))
    until: Mapped[datetime]


class OutboxStatus(enum.StrEnum):
    """Lifecycle of an outbox row (DESIGN.md decision 1)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    RETRY = "retry"


class OutboxMessage(TimestampMixin, Base):
    """Nhắc việc — one reminder item due to one recipient, written by the planner run that decided it.

    ``key`` is deterministic (kind, task or period, agency, occurrence, scheduled day); the UNIQUE
    (plan, key, recipient) constraint makes a second planner run a no-op. The sender merges a
    recipient's pending rows into one message per sending time.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("plan_id", "key", "recipient_chat_id"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), default=None)
    recipient_chat_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    scheduled_at: Mapped[datetime]
    status: Mapped[OutboxStatus] = mapped_column(
        Enum(OutboxStatus, native_enum=False, length=16), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    telegram_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
