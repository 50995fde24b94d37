"""A small plan for the dialog tests, inserted straight through the models.

The rows copy real rows of the plan's appendix (``data/plan/ke_hoach_chien_dich_500_ngay_dem.txt``):
5a "Chỉ đạo đẩy mạnh tìm kiếm, quy tập…" (lead Bộ Chỉ huy Quân sự tỉnh, "Theo thời gian của Chiến
dịch"), 5b "Tổ chức Lễ đón Đội tìm kiếm…" (leads Bộ CHQS tỉnh and Sở Nội vụ; "Tháng 5/2026 và tháng
5/2027": two deadlines), 6b "Xác định 01 nghĩa trang liệt sĩ…" (leads Bộ CHQS tỉnh, Sở Nội vụ, Sở Y tế;
"Tháng 5/2026"). Indicators from DOMAIN.md: remains recovered (bộ) on 5a, graves sampled (mộ) on 6b,
owned by the first lead agency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.people import Contact, ContactRole, Role
from models.plan import (
    Agency,
    Indicator,
    Plan,
    Section,
    Task,
    TaskAssignment,
    TaskDeadline,
    TaskIndicator,
    TaskRole,
)

TASK_5A = "Chỉ đạo đẩy mạnh tìm kiếm, quy tập hài cốt liệt sĩ ở trong nước và tại nước Cộng hòa Dân chủ nhân dân Lào"
TASK_5B = (
    "Tổ chức Lễ đón Đội tìm kiếm, quy tập hài cốt liệt sĩ tại Lào về nước; tổ chức Lễ truy điệu và "
    "an táng hài cốt liệt sĩ trang trọng, chu đáo, đúng nghi lễ theo quy định"
)
TASK_6B = (
    "Xác định 01 nghĩa trang liệt sĩ trên địa bàn tỉnh để tổ chức làm trước lấy mẫu hài cốt liệt sĩ "
    "(Nghĩa trang liệt sĩ xã Can Lộc)"
)
BCHQS, NOI_VU, Y_TE = "Bộ Chỉ huy Quân sự tỉnh", "Sở Nội vụ", "Sở Y tế"


@dataclass
class DialogPlan:
    """What ``make_plan`` inserted, by name."""

    plan: Plan
    agencies: dict[str, Agency] = field(default_factory=dict)
    tasks: dict[str, Task] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)


async def make_plan(session: AsyncSession, key: str = "test-plan") -> DialogPlan:
    """Insert the small plan above; flushes, does not commit."""
    plan = Plan(key=key, title="Kế hoạch thử", province="Hà Tĩnh")
    session.add(plan)
    await session.flush()
    out = DialogPlan(plan=plan)
    for name in (BCHQS, NOI_VU, Y_TE):
        out.agencies[name] = Agency(plan_id=plan.id, name=name, name_folded=name.lower())
        session.add(out.agencies[name])
    s5 = Section(plan_id=plan.id, number=5, title="Công tác tìm kiếm, quy tập hài cốt liệt sĩ")
    s6 = Section(plan_id=plan.id, number=6, title="Xác định danh tính hài cốt liệt sĩ")
    session.add_all([s5, s6])
    await session.flush()
    rows = [
        ("5a", s5, TASK_5A, "Theo thời gian của Chiến dịch", [BCHQS], []),
        (
            "5b",
            s5,
            TASK_5B,
            "Tháng 5/2026 và tháng 5/2027",
            [BCHQS, NOI_VU],
            [date(2026, 5, 31), date(2027, 5, 31)],
        ),
        ("6b", s6, TASK_6B, "Tháng 5/2026", [BCHQS, NOI_VU, Y_TE], [date(2026, 5, 31)]),
    ]
    for position, (code, section, content, timeline, leads, deadlines) in enumerate(rows):
        task = Task(
            plan_id=plan.id,
            section_id=section.id,
            code=code,
            position=position,
            content=content,
            timeline_text=timeline,
        )
        task.assignments = [
            TaskAssignment(role=TaskRole.LEAD, position=i, agency_id=out.agencies[a].id)
            for i, a in enumerate(leads)
        ]
        task.deadlines = [TaskDeadline(occurrence=i, due=d) for i, d in enumerate(deadlines, 1)]
        session.add(task)
        out.tasks[code] = task
    out.indicators["recovered"] = Indicator(
        plan_id=plan.id, code="remains_recovered", name="Hài cốt quy tập", unit="bộ"
    )
    out.indicators["sampled"] = Indicator(
        plan_id=plan.id, code="graves_sampled", name="Mộ đã lấy mẫu", unit="mộ"
    )
    session.add_all(out.indicators.values())
    await session.flush()
    for code, key_ in (("5a", "recovered"), ("6b", "sampled")):
        session.add(
            TaskIndicator(
                task_id=out.tasks[code].id,
                indicator_id=out.indicators[key_].id,
                owner_agency_id=out.agencies[BCHQS].id,
            )
        )
    await session.flush()
    return out


async def make_contact(
    session: AsyncSession,
    plan: DialogPlan,
    agency: str,
    telegram_user_id: int,
    *,
    full_name: str = "Nguyễn Văn An",
    username: str | None = None,
) -> Contact:
    """An agency contact (role ``contact``) bound to ``agency``; flushes."""
    contact = Contact(
        plan_id=plan.plan.id,
        telegram_user_id=telegram_user_id,
        full_name=full_name,
        username=username,
        agency_id=plan.agencies[agency].id,
        roles=[ContactRole(role=Role.CONTACT)],
    )
    session.add(contact)
    await session.flush()
    return contact
