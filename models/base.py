"""Declarative base with a constraint naming convention (so Alembic migrations are deterministic)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table. Datetimes are stored timezone-aware, in UTC."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=True)}


def utcnow() -> datetime:
    """Aware UTC now — only for column defaults (``created_at``); logic takes an injected clock."""
    return datetime.now(UTC)


class TimestampMixin:
    """``created_at`` (aware UTC) on rows that need an audit trail."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
