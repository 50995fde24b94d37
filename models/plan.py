"""The committee's plan as stored: plan, sections, tasks, agencies, groups, leaders, schedules.

Every row belongs to one plan (one province's committee), so several provinces share a database.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin


class Plan(TimestampMixin, Base):
    """Kế hoạch — one province committee's campaign plan (key e.g. ``ha-tinh-2026``)."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    province: Mapped[str] = mapped_column(String(128), default="")
    source_name: Mapped[str] = mapped_column(String(255), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    imported_at: Mapped[datetime | None] = mapped_column(default=None)

    sections: Mapped[list[Section]] = relationship(
        back_populates="plan", order_by="Section.number", cascade="all, delete-orphan"
    )


class PlanSetting(Base):
    """A per-plan setting (campaign dates, report header texts, reminder offsets…), JSON-encoded."""

    __tablename__ = "plan_settings"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON)


class Section(Base):
    """Mục — a numbered group of tasks in the appendix (1–10)."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="sections")
    tasks: Mapped[list[Task]] = relationship(back_populates="section", order_by="Task.position")


class LeaderPosition(Base):
    """Thủ trưởng phụ trách — a committee leader position as the document writes it."""

    __tablename__ = "leader_positions"
    __table_args__ = (UniqueConstraint("plan_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(255))


class Agency(TimestampMixin, Base):
    """Cơ quan, đơn vị — an organization that can be responsible for tasks (canonical name)."""

    __tablename__ = "agencies"
    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    #: Diacritic-free, case-folded name (đ → d) for lookups.
    name_folded: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(32), default="agency")
    is_standing_office: Mapped[bool] = mapped_column(Boolean, default=False)

    aliases: Mapped[list[AgencyAlias]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", order_by="AgencyAlias.id"
    )


class AgencyAlias(Base):
    """Another spelling of an agency's name ("Bộ CHQS tỉnh" for "Bộ Chỉ huy Quân sự tỉnh")."""

    __tablename__ = "agency_aliases"
    __table_args__ = (UniqueConstraint("agency_id", "alias_folded"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(255))
    alias_folded: Mapped[str] = mapped_column(String(255), index=True)

    agency: Mapped[Agency] = relationship(back_populates="aliases")


class AgencyGroup(Base):
    """A catch-all group ("Các sở, ban, ngành… có liên quan"): names coordinators, not an agency.

    Nobody is reminded for a group unless the standing office binds agencies to it (members).
    """

    __tablename__ = "agency_groups"
    __table_args__ = (UniqueConstraint("plan_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    name_folded: Mapped[str] = mapped_column(String(255), index=True)


class AgencyGroupMember(Base):
    """An agency the standing office bound to a group."""

    __tablename__ = "agency_group_members"
    __table_args__ = (UniqueConstraint("group_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("agency_groups.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))


class TaskRole(enum.StrEnum):
    """Chủ trì (lead) / phối hợp (support)."""

    LEAD = "lead"
    SUPPORT = "support"


class Task(TimestampMixin, Base):
    """Nội dung / nhiệm vụ — one row of the appendix, keyed by code ("1a", "2", "10c")."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    #: Order in the document (0-based), for "plan order" listings.
    position: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text, default="")
    timeline_text: Mapped[str] = mapped_column(Text)
    leader_text: Mapped[str] = mapped_column(Text, default="")
    leader_position_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_positions.id"), default=None
    )
    #: Set when a re-import no longer has the task (never deleted: replies may point at it).
    archived_at: Mapped[datetime | None] = mapped_column(default=None)

    section: Mapped[Section] = relationship(back_populates="tasks")
    leader_position: Mapped[LeaderPosition | None] = relationship()
    assignments: Mapped[list[TaskAssignment]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskAssignment.position"
    )
    schedule: Mapped[TaskSchedule | None] = relationship(
        back_populates="task", cascade="all, delete-orphan", uselist=False
    )
    deadlines: Mapped[list[TaskDeadline]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskDeadline.occurrence"
    )


class TaskAssignment(Base):
    """An agency's (or a group's) role on a task, in the document's order."""

    __tablename__ = "task_assignments"
    __table_args__ = (
        CheckConstraint("(agency_id IS NULL) <> (group_id IS NULL)", name="agency_xor_group"),
        UniqueConstraint("task_id", "role", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    role: Mapped[TaskRole] = mapped_column(Enum(TaskRole, native_enum=False, length=16))
    position: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("agency_groups.id"))

    task: Mapped[Task] = relationship(back_populates="assignments")
    agency: Mapped[Agency | None] = relationship()
    group: Mapped[AgencyGroup | None] = relationship()


class TaskSchedule(Base):
    """Thời gian — the task's timeline parsed: window, ongoing rhythm, on-event trigger, focus.

    ``window_start`` is null for a single month/date; deadlines are in ``task_deadlines``.
    ``activated_due`` is the date the standing office set for an on-event task.
    """

    __tablename__ = "task_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), unique=True)
    window_start: Mapped[date | None] = mapped_column(Date, default=None)
    ongoing: Mapped[bool] = mapped_column(Boolean, default=False)
    #: "monthly" | "quarterly" | "yearly" | None (hằng tháng / hằng quý / hằng năm).
    recurrence: Mapped[str | None] = mapped_column(String(16), default=None)
    on_event: Mapped[str | None] = mapped_column(Text, default=None)
    #: Focus dates as ISO strings ("2026-07-27") or yearly "--07-27" (trọng tâm … hằng năm).
    focus: Mapped[list[str]] = mapped_column(JSON, default=list)
    activated_due: Mapped[date | None] = mapped_column(Date, default=None)
    activated_at: Mapped[datetime | None] = mapped_column(default=None)

    task: Mapped[Task] = relationship(back_populates="schedule")


class TaskDeadline(Base):
    """One deadline occurrence of a task (5b has two: 5/2026 and 5/2027), numbered from 1."""

    __tablename__ = "task_deadlines"
    __table_args__ = (UniqueConstraint("task_id", "occurrence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    occurrence: Mapped[int] = mapped_column(Integer)
    due: Mapped[date] = mapped_column(Date)

    task: Mapped[Task] = relationship(back_populates="deadlines")


class Indicator(Base):
    """Chỉ tiêu định lượng — a counted figure (remains recovered, graves sampled…)."""

    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    unit: Mapped[str] = mapped_column(String(32))
    target_min: Mapped[float | None] = mapped_column(Numeric(14, 2), default=None)
    target_max: Mapped[float | None] = mapped_column(Numeric(14, 2), default=None)
    #: Name of the plan setting holding the target's denominator (e.g. unidentified graves).
    target_setting: Mapped[str | None] = mapped_column(String(64), default=None)


class TaskIndicator(Base):
    """An indicator a task carries, and the one agency whose figure counts in totals (the owner)."""

    __tablename__ = "task_indicators"
    __table_args__ = (UniqueConstraint("task_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), default=None)

    indicator: Mapped[Indicator] = relationship()


__all__ = [
    "Agency",
    "AgencyAlias",
    "AgencyGroup",
    "AgencyGroupMember",
    "Indicator",
    "LeaderPosition",
    "Plan",
    "PlanSetting",
    "Section",
    "Task",
    "TaskAssignment",
    "TaskDeadline",
    "TaskIndicator",
    "TaskRole",
    "TaskSchedule",
]
