"""Test factories: a small plan inserted straight through the models.

The rows copy a few real rows of the plan's appendix (``data/plan/ke_hoach_chien_dich_500_ngay_dem.txt``)
so tests read like the document: task 5a (Bộ CHQS tỉnh leads, Sở Nội vụ supports, due 7/2027), 5b
(Sở Nội vụ leads, two deadlines 5/2026 and 5/2027), 6b (Sở Y tế leads, Bộ CHQS tỉnh supports, due
5/2026).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.plan import (
    Agency,
    AgencyAlias,
    LeaderPosition,
    Plan,
    Section,
    Task,
    TaskAssignment,
    TaskDeadline,
    TaskRole,
)
from models.text import fold


@dataclass
class SmallPlan:
    """Ids of what ``make_small_plan`` inserted."""

    plan: Plan
    agencies: dict[str, Agency] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    leaders: dict[str, LeaderPosition] = field(default_factory=dict)


def make_agency(
    plan: Plan, name: str, *aliases: str, kind: str = "agency", standing: bool = False
) -> Agency:
    """An agency with its folded name and aliases (not yet added to a session)."""
    return Agency(
        plan_id=plan.id,
        name=name,
        name_folded=fold(name),
        kind=kind,
        is_standing_office=standing,
        aliases=[AgencyAlias(alias=a, alias_folded=fold(a)) for a in aliases],
    )


async def make_small_plan(session: AsyncSession, key: str = "test-plan") -> SmallPlan:
    """Insert a plan with three agencies, two leader positions and three tasks; flushes."""
    plan = Plan(key=key, title="Kế hoạch thử", province="Hà Tĩnh")
    session.add(plan)
    await session.flush()
    out = SmallPlan(plan=plan)
    for agency in (
        make_agency(plan, "Bộ Chỉ huy Quân sự tỉnh", "Bộ CHQS tỉnh", "BCHQS tỉnh", standing=True),
        make_agency(plan, "Sở Nội vụ"),
        make_agency(plan, "Sở Y tế"),
    ):
        session.add(agency)
        out.agencies[agency.name] = agency
    for title in ("Trưởng Ban Chỉ đạo tỉnh", "Phó Trưởng ban Thường trực"):
        out.leaders[title] = LeaderPosition(plan_id=plan.id, title=title)
        session.add(out.leaders[title])
    section5 = Section(plan_id=plan.id, number=5, title="Tìm kiếm, quy tập hài cốt liệt sĩ")
    section6 = Section(plan_id=plan.id, number=6, title="Xác định danh tính hài cốt liệt sĩ")
    session.add_all([section5, section6])
    await session.flush()
    bchqs, noi_vu, y_te = (
        out.agencies[n] for n in ("Bộ Chỉ huy Quân sự tỉnh", "Sở Nội vụ", "Sở Y tế")
    )
    rows = [
        (
            "5a",
            section5,
            "Tìm kiếm, quy tập 10–12 bộ hài cốt liệt sĩ",
            "Đến tháng 7/2027",
            [bchqs],
            [noi_vu],
            [date(2027, 7, 31)],
            "Phó Trưởng ban Thường trực",
        ),
        (
            "5b",
            section5,
            "Rà soát, tổng hợp thông tin mộ liệt sĩ",
            "Tháng 5/2026, tháng 5/2027",
            [noi_vu],
            [bchqs],
            [date(2026, 5, 31), date(2027, 5, 31)],
            "Trưởng Ban Chỉ đạo tỉnh",
        ),
        (
            "6b",
            section6,
            "Thí điểm lấy mẫu hài cốt tại nghĩa trang liệt sĩ xã Can Lộc",
            "Tháng 5/2026",
            [y_te],
            [bchqs],
            [date(2026, 5, 31)],
            "Trưởng Ban Chỉ đạo tỉnh",
        ),
    ]
    for position, (code, section, content, timeline, leads, supports, dues, leader) in enumerate(
        rows
    ):
        task = Task(
            plan_id=plan.id,
            section_id=section.id,
            code=code,
            position=position,
            content=content,
            timeline_text=timeline,
            leader_text=leader,
            leader_position_id=out.leaders[leader].id,
            assignments=[
                TaskAssignment(role=TaskRole.LEAD, position=i, agency_id=a.id)
                for i, a in enumerate(leads)
            ]
            + [
                TaskAssignment(role=TaskRole.SUPPORT, position=i, agency_id=a.id)
                for i, a in enumerate(supports)
            ],
            deadlines=[TaskDeadline(occurrence=i + 1, due=d) for i, d in enumerate(dues)],
        )
        session.add(task)
        out.tasks[code] = task
    await session.flush()
    return out
