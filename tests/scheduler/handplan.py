"""The real plan (data/plan/ke_hoach_chien_dich_500_ngay_dem.txt, PHỤ LỤC) written out by hand:
codes, lead/support agencies in the document's order, leaders in charge, and the deadlines its
"Thời gian" column gives ("Tháng 11/2026" → the month's last day, 30/11/2026; "Tháng 4-5/2026" →
31/5/2026 with a window from 1/4; "Theo thời gian của Chiến dịch" → the campaign window to
27/7/2027; "… và thường xuyên" → also ongoing; "Khi có hướng dẫn của Trung ương" → on-event).

Used by the planner tests as a snapshot (``snapshot()``) and as database rows (``insert_plan``),
so that the planner is tested on the real plan's shape independently of the importer.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from models.people import Contact
from models.plan import (
    Agency,
    AgencyGroup,
    LeaderPosition,
    Plan,
    Section,
    Task,
    TaskAssignment,
    TaskDeadline,
    TaskRole,
    TaskSchedule,
)
from scheduler.snapshot import AgencyRef, ContactRef, PlanSnapshot, TaskPlan

BCHQS, NOI_VU, Y_TE, VHTTDL, NGOAI_VU, TUYEN_GIAO, BAO = 1, 2, 3, 4, 5, 6, 7
AGENCIES = {
    BCHQS: "Bộ Chỉ huy Quân sự tỉnh",
    NOI_VU: "Sở Nội vụ",
    Y_TE: "Sở Y tế",
    VHTTDL: "Sở Văn hóa, Thể thao và Du lịch",
    NGOAI_VU: "Sở Ngoại vụ",
    TUYEN_GIAO: "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    BAO: "Báo và Phát thanh, Truyền hình Hà Tĩnh",
}
TRUONG_BAN, PHO_THUONG_TRUC, PHO_TRUONG_BAN = 1, 2, 3
LEADERS = {
    TRUONG_BAN: "Trưởng Ban Chỉ đạo tỉnh",
    PHO_THUONG_TRUC: "Phó Trưởng ban Thường trực Ban Chỉ đạo tỉnh",
    PHO_TRUONG_BAN: "Phó Trưởng Ban Chỉ đạo tỉnh",
}
GROUP = "Các sở, ban, ngành, đơn vị, địa phương có liên quan"

D = date
# code, title (start), leads, supports (agencies only), leader, deadlines, window start, ongoing, on-event
ROWS: list[tuple[str, str, tuple[int, ...], tuple[int, ...], int, tuple[date, ...], date | None, bool, bool]] = [
    ("1a", "Kiến toàn Ban Chỉ đạo tỉnh", (BCHQS,), (), TRUONG_BAN, (D(2026, 6, 30),), None, True, False),
    ("1b", "Triển khai thành lập các tổ công tác", (BCHQS,), (), TRUONG_BAN, (D(2026, 5, 31),), None, False, False),
    ("1c", "Chỉ đạo tăng cường lực lượng", (BCHQS,), (), TRUONG_BAN, (), None, True, False),
    ("2", "Đẩy mạnh công tác thông tin, tuyên truyền", (VHTTDL,), (TUYEN_GIAO, BAO), TRUONG_BAN, (), None, True, False),
    ("3a", "Tham gia tập huấn về quy trình lấy mẫu", (BCHQS, NOI_VU), (), PHO_THUONG_TRUC, (D(2026, 5, 31),), D(2026, 4, 1), False, False),
    ("3b", "Tập huấn phần mềm quản lý cơ sở dữ liệu", (NOI_VU, Y_TE, BCHQS), (), PHO_THUONG_TRUC, (D(2026, 7, 31),), None, False, False),
    ("3c", "Lập bản đồ tìm kiếm, quy tập (đợt 2)", (BCHQS, NOI_VU), (), PHO_THUONG_TRUC, (D(2026, 8, 31),), None, False, False),
    ("4a", "Đề xuất chế độ đặc thù", (BCHQS, NOI_VU), (), PHO_THUONG_TRUC, (D(2026, 5, 31),), None, False, False),
    ("4b", "Góp ý văn bản quy phạm pháp luật", (NOI_VU,), (), PHO_TRUONG_BAN, (), None, False, True),
    ("5a", "Đẩy mạnh tìm kiếm, quy tập", (BCHQS,), (), PHO_THUONG_TRUC, (D(2027, 7, 27),), D(2026, 3, 14), False, False),
    ("5b", "Lễ đón Đội tìm kiếm, quy tập tại Lào về nước", (BCHQS, NOI_VU), (), PHO_THUONG_TRUC, (D(2026, 5, 31), D(2027, 5, 31)), None, False, False),
    ("5c", "Tiếp nhận thông tin, xác minh kết luận địa bàn", (BCHQS, NOI_VU), (), TRUONG_BAN, (D(2026, 5, 31),), None, False, False),
    ("6a", "Lấy mẫu hài cốt liệt sĩ để giám định ADN", (BCHQS, NOI_VU, Y_TE), (), TRUONG_BAN, (D(2027, 7, 31),), D(2026, 5, 1), False, False),
    ("6b", "Làm trước tại Nghĩa trang liệt sĩ xã Can Lộc", (BCHQS, NOI_VU, Y_TE), (), TRUONG_BAN, (D(2026, 5, 31),), None, False, False),
    ("6c", "Triển khai đồng bộ lấy mẫu", (BCHQS, NOI_VU, Y_TE), (), TRUONG_BAN, (D(2027, 7, 31),), D(2026, 6, 1), False, False),
    ("7", "Hội đàm, ký biên bản ghi nhớ với các tỉnh của Lào", (BCHQS, NOI_VU, NGOAI_VU), (), TRUONG_BAN, (D(2026, 5, 31), D(2027, 5, 31)), None, False, False),
    ("8a", "Kinh phí thực hiện Chiến dịch", (BCHQS,), (), TRUONG_BAN, (D(2026, 5, 31),), None, True, False),
    ("8b", "Phương tiện, trang bị", (BCHQS,), (), TRUONG_BAN, (D(2026, 7, 31), D(2027, 7, 31)), None, False, False),
    ("9a", "Xây dựng và triển khai kế hoạch", (BCHQS,), (), TRUONG_BAN, (D(2026, 6, 30),), None, False, False),
    ("9b", "Kiểm tra thực hiện các chế độ, chính sách", (BCHQS, NOI_VU), (), TRUONG_BAN, (D(2026, 7, 31),), None, True, False),
    ("10a", "Chuẩn bị nội dung tổng kết mùa khô", (BCHQS,), (), TRUONG_BAN, (D(2026, 7, 31), D(2027, 7, 31)), None, False, False),
    ("10b", "Sơ kết “Chiến dịch 500 ngày đêm”", (BCHQS, NOI_VU), (), TRUONG_BAN, (D(2026, 11, 30),), None, False, False),
    ("10c", "Tổng kết “Chiến dịch 500 ngày đêm”", (BCHQS, NOI_VU), (), TRUONG_BAN, (D(2027, 7, 31),), None, False, False),
]  # fmt: skip

#: One contact per agency (telegram id 1000 + agency id), one per leader (2000 + position id).
CONTACTS = tuple(
    ContactRef(agency_id, 1000 + agency_id, f"Cán bộ {name}", agency_id, None)
    for agency_id, name in AGENCIES.items()
) + tuple(
    ContactRef(100 + leader, 2000 + leader, title, None, leader)
    for leader, title in LEADERS.items()
)


def tasks() -> tuple[TaskPlan, ...]:
    """The plan's tasks, ids 1…23 in document order."""
    return tuple(
        TaskPlan(
            id=position + 1,
            code=code,
            position=position,
            title=title,
            leads=leads,
            supports=supports,
            deadlines=tuple((n + 1, due) for n, due in enumerate(dues)),
            window_start=window,
            ongoing=ongoing,
            on_event=on_event,
            leader_position_id=leader,
        )
        for position, (code, title, leads, supports, leader, dues, window, ongoing, on_event) in enumerate(ROWS)
    )  # fmt: skip


TASK_ID = {code: position + 1 for position, (code, *_rest) in enumerate(ROWS)}


#: Which plan ``snapshot()`` starts from: "hand" (this module) or "imported" (realplan.py, the
#: document through the importer). The planner tests run on both (``plan_source`` fixture).
SOURCE = {"name": "hand"}


def snapshot(*, contacts: bool = True, **changes: object) -> PlanSnapshot:
    """A fresh import of the plan (nothing sent, no replies), with one contact per agency and per
    leader unless ``contacts`` is False; ``changes`` replace snapshot fields."""
    if SOURCE["name"] == "imported":
        from tests.scheduler.realplan import imported_snapshot

        base = imported_snapshot()
    else:
        base = PlanSnapshot(
            plan_id=1,
            agencies={i: AgencyRef(i, name, i == BCHQS) for i, name in AGENCIES.items()},
            tasks=tasks(),
            contacts=CONTACTS,
            leaders=dict(LEADERS),
        )
    if not contacts:
        base = replace(base, contacts=())
    return replace(base, **changes)  # type: ignore[arg-type]


async def insert_plan(session: AsyncSession, *, with_contacts: bool = False) -> Plan:
    """Write the hand plan as database rows (what the importer will store) and return the plan."""
    plan = Plan(key="ha-tinh-2026", title="Kế hoạch Chiến dịch 500 ngày đêm", province="Hà Tĩnh")
    session.add(plan)
    await session.flush()
    agencies = {
        i: Agency(
            plan_id=plan.id, name=name, name_folded=name.lower(), is_standing_office=i == BCHQS
        )
        for i, name in AGENCIES.items()
    }
    leaders = {i: LeaderPosition(plan_id=plan.id, title=t) for i, t in LEADERS.items()}
    group = AgencyGroup(plan_id=plan.id, name=GROUP, name_folded=GROUP.lower())
    session.add_all([*agencies.values(), *leaders.values(), group])
    await session.flush()
    sections: dict[str, Section] = {}
    for position, (
        code,
        title,
        leads,
        supports,
        leader,
        dues,
        window,
        ongoing,
        on_event,
    ) in enumerate(ROWS):
        number = code.rstrip("abc")
        if number not in sections:
            sections[number] = Section(plan_id=plan.id, number=int(number), title=f"Mục {number}")
            session.add(sections[number])
            await session.flush()
        task = Task(
            plan_id=plan.id, section_id=sections[number].id, code=code, position=position,
            content=title, timeline_text="", leader_position_id=leaders[leader].id,
        )  # fmt: skip
        task.assignments = [
            TaskAssignment(role=TaskRole.LEAD, position=n, agency_id=agencies[a].id)
            for n, a in enumerate(leads)
        ] + [
            TaskAssignment(role=TaskRole.SUPPORT, position=n, agency_id=agencies[a].id)
            for n, a in enumerate(supports)
        ]
        if not supports:
            task.assignments.append(
                TaskAssignment(role=TaskRole.SUPPORT, position=0, group_id=group.id)
            )
        task.schedule = TaskSchedule(
            window_start=window,
            ongoing=ongoing,
            on_event="Khi có hướng dẫn của Trung ương" if on_event else None,
        )
        task.deadlines = [TaskDeadline(occurrence=n + 1, due=due) for n, due in enumerate(dues)]
        session.add(task)
    if with_contacts:
        for contact in CONTACTS:
            session.add(
                Contact(
                    plan_id=plan.id,
                    telegram_user_id=contact.telegram_id,
                    full_name=contact.name,
                    agency_id=agencies[contact.agency_id].id if contact.agency_id else None,
                    leader_position_id=leaders[contact.leader_position_id].id
                    if contact.leader_position_id
                    else None,
                )
            )
    await session.flush()
    return plan
