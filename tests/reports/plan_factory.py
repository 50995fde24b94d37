"""A small factory putting the real plan's appendix rows into the database, until the importer lands.

Contents and section titles are read from ``data/plan/ke_hoach_chien_dich_500_ngay_dem.txt`` (the
appendix table, continuation rows rejoined); lead agencies, leaders and deadlines are transcribed by
hand from the same document ("Tháng 5/2026" → due 31/5/2026, the month's last day). Indicators follow
DOMAIN.md's table; each task's owner is its first lead agency.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

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
    TaskSchedule,
)
from tests.conftest import PLAN_TXT

BCHQS = "Bộ Chỉ huy Quân sự tỉnh"
NV = "Sở Nội vụ"
YT = "Sở Y tế"
VH = "Sở Văn hóa, Thể thao và Du lịch"
NGV = "Sở Ngoại vụ"
AGENCIES = [BCHQS, NV, YT, VH, NGV]


@dataclass(frozen=True)
class TaskSpec:
    """A task as transcribed: code, lead agencies in order, deadlines, ongoing, window, on-event."""

    code: str
    timeline: str
    leads: tuple[str, ...]
    deadlines: tuple[date, ...] = ()
    ongoing: bool = False
    window_start: date | None = None
    on_event: str | None = None


TASKS = [
    TaskSpec("1a", "Tháng 6/2026 và thường xuyên", (BCHQS,), (date(2026, 6, 30),), ongoing=True),
    TaskSpec("1b", "Tháng 5/2026", (BCHQS,), (date(2026, 5, 31),)),
    TaskSpec("1c", "Thường xuyên", (BCHQS,), ongoing=True),
    TaskSpec("2", "Thường xuyên (trọng tâm dịp 27/7 hằng năm)", (VH,), ongoing=True),
    TaskSpec(
        "3a", "Tháng 4-5/2026", (BCHQS, NV), (date(2026, 5, 31),), window_start=date(2026, 4, 1)
    ),
    TaskSpec("3b", "Tháng 7/2026", (NV, YT, BCHQS), (date(2026, 7, 31),)),
    TaskSpec("3c", "Tháng 8/2026", (BCHQS, NV), (date(2026, 8, 31),)),
    TaskSpec("4a", "Tháng 5/2026", (BCHQS, NV), (date(2026, 5, 31),)),
    TaskSpec(
        "4b", "Khi có hướng dẫn của Trung ương", (NV,), on_event="Khi có hướng dẫn của Trung ương"
    ),
    TaskSpec("5a", "Theo thời gian của Chiến dịch", (BCHQS,), ongoing=True),
    TaskSpec(
        "5b", "Tháng 5/2026 và tháng 5/2027", (BCHQS, NV), (date(2026, 5, 31), date(2027, 5, 31))
    ),
    TaskSpec("5c", "Tháng 5/2026", (BCHQS, NV), (date(2026, 5, 31),)),
    TaskSpec(
        "6a",
        "Tháng 5/2026 đến 7/2027",
        (BCHQS, NV, YT),
        (date(2027, 7, 31),),
        window_start=date(2026, 5, 1),
    ),
    TaskSpec("6b", "Tháng 5/2026", (BCHQS, NV, YT), (date(2026, 5, 31),)),
    TaskSpec(
        "6c",
        "Tháng 6/2026 đến tháng 7/2027",
        (BCHQS, NV, YT),
        (date(2027, 7, 31),),
        window_start=date(2026, 6, 1),
    ),
    TaskSpec(
        "7", "Tháng 5/2026; Tháng 5/2027", (BCHQS, NV, NGV), (date(2026, 5, 31), date(2027, 5, 31))
    ),
    TaskSpec("8a", "Tháng 5/2026 và thường xuyên", (BCHQS,), (date(2026, 5, 31),), ongoing=True),
    TaskSpec(
        "8b", "Tháng 7/2026 và tháng 7/2027", (BCHQS,), (date(2026, 7, 31), date(2027, 7, 31))
    ),
    TaskSpec("9a", "Tháng 6/2026", (BCHQS,), (date(2026, 6, 30),)),
    TaskSpec(
        "9b", "Tháng 7 năm 2026 và thường xuyên", (BCHQS, NV), (date(2026, 7, 31),), ongoing=True
    ),
    TaskSpec("10a", "Tháng 7/2026 và 7/2027", (BCHQS,), (date(2026, 7, 31), date(2027, 7, 31))),
    TaskSpec("10b", "Tháng 11/2026", (BCHQS, NV), (date(2026, 11, 30),)),
    TaskSpec("10c", "Tháng 7/2027", (BCHQS, NV), (date(2027, 7, 31),)),
]

#: (code, name, unit, target_min, target_max, target_setting, task codes) — DOMAIN.md "Indicators".
INDICATORS = [
    ("info_received", "Thông tin tiếp nhận", "thông tin", None, None, None, ("5c",)),
    ("info_verified", "Thông tin đã xác minh", "thông tin", None, None, None, ("5c",)),
    ("remains_recovered", "Hài cốt liệt sĩ quy tập", "hài cốt", 10, 12, None, ("5a",)),
    (
        "graves_sampled",
        "Mộ đã lấy mẫu",
        "mộ",
        None,
        None,
        "unidentified_graves",
        ("6a", "6b", "6c"),
    ),
    ("samples_dna", "Mẫu bàn giao giám định ADN", "mẫu", None, None, None, ("6a", "6c")),
    ("remains_identified", "Hài cốt xác định được danh tính", "hài cốt", None, None, None, ("6a",)),
]


def read_appendix() -> tuple[dict[int, str], dict[str, str]]:
    """Section titles by number and task contents by code, read from the text export.

    A row with an empty TT continues the row above (cells joined with a space), except the single
    unlettered item right under sections 2 and 7.
    """
    sections: dict[int, str] = {}
    contents: dict[str, str] = {}
    section = 0
    last: str | None = None
    in_table = False
    for raw in PLAN_TXT.read_text(encoding="utf-8").splitlines():
        if "\t" not in raw:
            continue
        cells = (raw.split("\t") + [""] * 7)[:7]
        if cells[0] == "TT":
            in_table = True
            continue
        if not in_table:
            continue
        tt, content, lead = cells[0].strip(), cells[1].strip(), cells[4].strip()
        if tt.isdigit():
            section = int(tt)
            sections[section] = content
            last = None
        elif tt.endswith(")"):
            last = f"{section}{tt[:-1]}"
            contents[last] = content
        elif last is None and lead:
            last = str(section)
            contents[last] = content
        elif last is not None and content:
            contents[last] = f"{contents[last]} {content}"
    return sections, contents


async def add_real_plan(session: AsyncSession, key: str = "ha-tinh-2026") -> Plan:
    """Insert the real plan's sections, tasks, lead agencies, schedules and indicators; flushes."""
    titles, contents = read_appendix()
    plan = Plan(key=key, title="Chiến dịch 500 ngày đêm", province="Hà Tĩnh")
    session.add(plan)
    await session.flush()
    agencies = {}
    for name in AGENCIES:
        agency = Agency(
            plan_id=plan.id,
            name=name,
            name_folded=name.lower(),
            is_standing_office=name == BCHQS,
        )
        session.add(agency)
        agencies[name] = agency
    sections = {n: Section(plan_id=plan.id, number=n, title=t) for n, t in titles.items()}
    session.add_all(sections.values())
    await session.flush()
    tasks: dict[str, Task] = {}
    for position, spec in enumerate(TASKS):
        number = int("".join(ch for ch in spec.code if ch.isdigit()))
        task = Task(
            plan_id=plan.id,
            section_id=sections[number].id,
            code=spec.code,
            position=position,
            content=contents[spec.code],
            timeline_text=spec.timeline,
        )
        task.assignments = [
            TaskAssignment(role=TaskRole.LEAD, position=i, agency_id=agencies[name].id)
            for i, name in enumerate(spec.leads)
        ]
        task.schedule = TaskSchedule(
            window_start=spec.window_start, ongoing=spec.ongoing, on_event=spec.on_event
        )
        task.deadlines = [
            TaskDeadline(occurrence=i + 1, due=due) for i, due in enumerate(spec.deadlines)
        ]
        session.add(task)
        tasks[spec.code] = task
    await session.flush()
    for code, name, unit, tmin, tmax, setting, task_codes in INDICATORS:
        indicator = Indicator(
            plan_id=plan.id,
            code=code,
            name=name,
            unit=unit,
            target_min=tmin,
            target_max=tmax,
            target_setting=setting,
        )
        session.add(indicator)
        await session.flush()
        for task_code in task_codes:
            owner = agencies[TASKS_BY_CODE[task_code].leads[0]]
            session.add(
                TaskIndicator(
                    task_id=tasks[task_code].id, indicator_id=indicator.id, owner_agency_id=owner.id
                )
            )
    await session.flush()
    return plan


TASKS_BY_CODE = {spec.code: spec for spec in TASKS}
