"""Replies: progress reports (every version kept), indicator figures, and dialog state/drafts."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from locales import N_, _
from models.base import Base, TimestampMixin


class ProgressStatus(enum.StrEnum):
    """Status an agency reports for a task."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"

    @property
    def label(self) -> str:
        """The status's Vietnamese name ("Đang thực hiện"), as dialogs and reports show it."""
        return _(_STATUS_NAMES[self])


_STATUS_NAMES = {
    ProgressStatus.NOT_STARTED: N_("Chưa triển khai"),
    ProgressStatus.IN_PROGRESS: N_("Đang thực hiện"),
    ProgressStatus.DONE: N_("Hoàn thành"),
    ProgressStatus.BLOCKED: N_("Gặp khó khăn, vướng mắc"),
}


class ProgressReport(TimestampMixin, Base):
    """Báo cáo tiến độ — one agency's reply for (task, occurrence, period); versions below.

    ``occurrence`` is 0 for a task with a single deadline (or none), else the deadline number.
    ``period`` is the period identifier it answers (``2026-11``, ``2026-Q4``, ``adhoc:<id>``…), chosen
    by the contact, never inferred from the timestamp (DOMAIN.md, "Replies and periods").
    """

    __tablename__ = "progress_reports"
    __table_args__ = (
        UniqueConstraint("task_id", "agency_id", "occurrence", "period"),
        # A plan's replies to given periods, and "done?" from the index alone (migration 0002).
        Index(
            "ix_progress_reports_plan_period_status",
            "plan_id",
            "period",
            "status",
            "task_id",
            "agency_id",
            "occurrence",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by ix_progress_reports_plan_period_status, which leads with it (migration 0004).
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    occurrence: Mapped[int] = mapped_column(Integer, default=0)
    period: Mapped[str] = mapped_column(String(32), index=True)
    #: Denormalized from the latest version, for fast "done?" and report queries.
    status: Mapped[ProgressStatus] = mapped_column(
        Enum(ProgressStatus, native_enum=False, length=16)
    )
    latest_version: Mapped[int] = mapped_column(Integer, default=1)
    confirmed_at: Mapped[datetime]

    versions: Mapped[list[ProgressReportVersion]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        order_by="ProgressReportVersion.version",
    )


class ProgressReportVersion(TimestampMixin, Base):
    """One confirmed version of a reply, with who confirmed it and when (aware UTC)."""

    __tablename__ = "progress_report_versions"
    __table_args__ = (UniqueConstraint("report_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[ProgressStatus] = mapped_column(
        Enum(ProgressStatus, native_enum=False, length=16)
    )
    result: Mapped[str | None] = mapped_column(Text, default=None)
    difficulties: Mapped[str | None] = mapped_column(Text, default=None)
    next_steps: Mapped[str | None] = mapped_column(Text, default=None)
    proposals: Mapped[str | None] = mapped_column(Text, default=None)
    attachment_file_id: Mapped[str | None] = mapped_column(String(255), default=None)
    attachment_kind: Mapped[str | None] = mapped_column(String(16), default=None)
    attachment_name: Mapped[str | None] = mapped_column(String(255), default=None)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), default=None)
    confirmed_at: Mapped[datetime]

    report: Mapped[ProgressReport] = relationship(back_populates="versions")
    figures: Mapped[list[IndicatorFigure]] = relationship(
        back_populates="version", cascade="all, delete-orphan"
    )


#: Join condition of a reply (``ProgressReport``) to its latest version, the one reports read.
LATEST_VERSION = and_(
    ProgressReportVersion.report_id == ProgressReport.id,
    ProgressReportVersion.version == ProgressReport.latest_version,
)


class IndicatorFigure(Base):
    """A figure reported in one version for one indicator (what happened in the period)."""

    __tablename__ = "indicator_figures"
    __table_args__ = (UniqueConstraint("version_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("progress_report_versions.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    version: Mapped[ProgressReportVersion] = relationship(back_populates="figures")


class DialogState(Base):
    """The progress dialog's state and draft for one contact, written at every step.

    Survives restarts and SIGKILL (DESIGN.md decision 4). ``token`` increments whenever the dialog
    starts anew, so buttons of an older dialog can be recognised and refused.
    """

    __tablename__ = "dialog_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[str] = mapped_column(String(32))
    draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    token: Mapped[int] = mapped_column(Integer, default=1)
    #: Increments at every step; a button carries (token, step) and is honoured only while both
    #: match, through one compare-and-set UPDATE (so a double tap is applied once, even across
    #: processes).
    step: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[int | None] = mapped_column(Integer, default=None)
    started_at: Mapped[datetime]
    last_activity_at: Mapped[datetime]
    #: "active" | "timed_out" | "cancelled" | "done"; a timed-out draft is offered on return.
    outcome: Mapped[str] = mapped_column(String(16), default="active")
