"""A month of realistic replies on the real plan (imported by ``plan.importer`` from the .txt): the November 2026 report (period ``2026-11``).

Data range 15/10–14/11/2026; due Tue 17/11/2026 (2nd working day after Sat 14/11, DOMAIN.md).
Everything expected below is worked out by hand from this script and the plan's deadlines:

- Earlier months: every lead agency reported done the deadlines before 15/10/2026 (ongoing tasks
  included), except Sở Y tế on
  3b (due 31/7/2026) and Sở Nội vụ on 5b's first occurrence (due 31/5/2026) → overdue at the
  cut-off by 106 and 167 days.
- Bộ CHQS tỉnh answers all 8 of its active tasks on Mon 16/11 (on time); its 5a reply is corrected
  on 20/11 (v2: 2 sets instead of 1; still on time — the first confirmation counts).
- Sở VHTTDL answers task 2 on 17/11 at 23:30 local (16:30 UTC): on time, on the due date.
- Sở Nội vụ answers 6a, 9b, 10b on Thu 19/11 (2 days late), in NFD, and skips 5b and 6c.
- Sở Y tế answers nothing (3b, 6a, 6c); its contact blocked the bot on 10/11.
- Figures: remains recovered 1 (2026-09) + 3 (2026-10) + 2 (2026-11) = 6 cumulative; graves sampled
  2.000 (2026-10) + 1.234 (6a) + 800 (6c) = 4.034 cumulative, 2.034 in the period; Sở Nội vụ's
  1.300 on 6a is a co-lead note, never summed. A 2026-12 reply (5 sets) must not count.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from models.people import Contact
from models.plan import Agency, Indicator, Plan, Task, TaskRole
from models.progress import (
    IndicatorFigure,
    ProgressReport,
    ProgressReportVersion,
    ProgressStatus,
)
from plan.importer import import_plan
from plan.parser import parse_plan_file
from tests.conftest import PLAN_TXT

BCHQS = "Bộ Chỉ huy Quân sự tỉnh"
NV = "Sở Nội vụ"
YT = "Sở Y tế"
VH = "Sở Văn hóa, Thể thao và Du lịch"
NGV = "Sở Ngoại vụ"

HANOI = timezone(timedelta(hours=7))
DONE = ProgressStatus.DONE
WORKING = ProgressStatus.IN_PROGRESS


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """An aware UTC moment given as Hà Tĩnh wall-clock time."""
    return datetime(y, m, d, hh, mm, tzinfo=HANOI).astimezone(UTC)


def nfd(text: str) -> str:
    """The decomposed form some keyboards send."""
    return unicodedata.normalize("NFD", text)


@dataclass
class Version:
    """One confirmed version of a reply."""

    at: datetime
    status: ProgressStatus = WORKING
    result: str | None = None
    difficulties: str | None = None
    next_steps: str | None = None
    proposals: str | None = None
    figures: dict[str, Decimal] = field(default_factory=dict)
    attachment: str | None = None


@dataclass
class Ids:
    """What the scenario inserted, by name."""

    plan: Plan
    agencies: dict[str, Agency]
    tasks: dict[str, Task]
    indicators: dict[str, Indicator]


async def add_reply(
    session: AsyncSession,
    ids: Ids,
    code: str,
    agency: str,
    period: str,
    *versions: Version,
    occurrence: int = 0,
) -> None:
    """A reply with its versions, as the dialog stores them (report row mirrors the latest)."""
    last = versions[-1]
    report = ProgressReport(
        plan_id=ids.plan.id,
        task_id=ids.tasks[code].id,
        agency_id=ids.agencies[agency].id,
        occurrence=occurrence,
        period=period,
        status=last.status,
        latest_version=len(versions),
        confirmed_at=last.at,
    )
    for number, v in enumerate(versions, start=1):
        version = ProgressReportVersion(
            version=number,
            status=v.status,
            result=v.result,
            difficulties=v.difficulties,
            next_steps=v.next_steps,
            proposals=v.proposals,
            attachment_file_id=f"file-{code}-{number}" if v.attachment else None,
            attachment_kind="document" if v.attachment else None,
            attachment_name=v.attachment,
            confirmed_at=v.at,
        )
        version.figures = [
            IndicatorFigure(indicator_id=ids.indicators[k].id, value=val)
            for k, val in v.figures.items()
        ]
        report.versions.append(version)
    session.add(report)


async def build_november(session: AsyncSession) -> Ids:
    """Import the real plan and insert the replies described in the module docstring; flushes."""
    doc = parse_plan_file(PLAN_TXT)
    result = await import_plan(session, doc, key=None, now=local(2026, 3, 1))
    plan = await session.get_one(Plan, result.plan_id)
    tasks = (
        await session.scalars(
            select(Task).options(selectinload(Task.assignments), selectinload(Task.deadlines))
        )
    ).all()
    ids = Ids(
        plan=plan,
        agencies={a.name: a for a in await session.scalars(select(Agency))},
        tasks={t.code: t for t in tasks},
        indicators={i.code: i for i in await session.scalars(select(Indicator))},
    )
    names = {a.id: a.name for a in ids.agencies.values()}
    # Earlier months: every deadline before 15/10/2026 reported done by every lead agency, except
    # Sở Y tế on 3b and Sở Nội vụ on 5b's first occurrence.
    for task in sorted(tasks, key=lambda t: t.position):
        for deadline in task.deadlines:
            if deadline.due >= date(2026, 10, 15):
                continue
            for assignment in task.assignments:
                if assignment.role != TaskRole.LEAD or assignment.agency_id is None:
                    continue
                name = names[assignment.agency_id]
                if (task.code, name) in {("3b", YT), ("5b", NV)}:
                    continue
                occurrence = deadline.occurrence if len(task.deadlines) > 1 else 0
                await add_reply(
                    session,
                    ids,
                    task.code,
                    name,
                    "2026-09",
                    Version(local(2026, 9, 15), DONE),
                    occurrence=occurrence,
                )
    bchqs_nov = local(2026, 11, 16, 9, 30)
    # Figures reported in September and October.
    sep15, oct15 = local(2026, 9, 15), local(2026, 10, 15)
    for code, agency, period, at, figures in (
        ("5a", BCHQS, "2026-09", sep15, {"remains_recovered": Decimal(1)}),
        ("5a", BCHQS, "2026-10", oct15, {"remains_recovered": Decimal(3)}),
        ("6a", BCHQS, "2026-10", oct15, {"graves_sampled": Decimal(2000)}),
        ("6a", NV, "2026-10", oct15, {"graves_sampled": Decimal(500)}),
    ):
        await add_reply(session, ids, code, agency, period, Version(at, figures=figures))
    await add_reply(
        session,
        ids,
        "5a",
        BCHQS,
        "2026-11",
        Version(bchqs_nov, result="Quy tập 1 hài cốt", figures={"remains_recovered": Decimal(1)}),
        Version(
            local(2026, 11, 20),
            result="Quy tập 2 hài cốt tại xã Hương Sơn & Vũ Quang; độ sâu < 1 m",
            difficulties="Mưa lũ kéo dài, địa hình chia cắt",
            next_steps="Tiếp tục khảo sát 3 điểm tại Lào",
            figures={"remains_recovered": Decimal(2)},
        ),
    )
    await add_reply(
        session,
        ids,
        "6a",
        BCHQS,
        "2026-11",
        Version(bchqs_nov, result="Lấy mẫu 1.234 mộ", figures={"graves_sampled": Decimal(1234)}),
    )
    await add_reply(
        session,
        ids,
        "6c",
        BCHQS,
        "2026-11",
        Version(bchqs_nov, figures={"graves_sampled": Decimal(800)}),
    )
    for code in ("1a", "1c", "8a", "9b"):
        await add_reply(
            session, ids, code, BCHQS, "2026-11", Version(bchqs_nov, result="Duy trì thường xuyên")
        )
    await add_reply(
        session,
        ids,
        "10b",
        BCHQS,
        "2026-11",
        Version(
            bchqs_nov,
            result="Đã xây dựng kế hoạch sơ kết",
            attachment="Ke hoach so ket.pdf",
            proposals="Đề nghị UBND tỉnh khen thưởng các tập thể <tiêu biểu>",
        ),
    )
    await add_reply(
        session,
        ids,
        "2",
        VH,
        "2026-11",
        Version(
            local(2026, 11, 17, 23, 30),
            result="Đăng 12 tin, bài",
            proposals="Đề nghị bổ sung kinh phí tuyên truyền",
        ),
    )
    nv_late = local(2026, 11, 19, 15, 0)
    await add_reply(
        session,
        ids,
        "6a",
        NV,
        "2026-11",
        Version(
            nv_late,
            result=nfd("Phối hợp lấy mẫu tại Can Lộc"),
            difficulties=nfd("Thiếu kinh phí giám định ADN"),
            figures={"graves_sampled": Decimal(1300)},
        ),
    )
    await add_reply(
        session, ids, "9b", NV, "2026-11", Version(nv_late, result=nfd("Đã kiểm tra 5 đơn vị"))
    )
    await add_reply(
        session,
        ids,
        "10b",
        NV,
        "2026-11",
        Version(nv_late, status=DONE, result="Hoàn thành báo cáo"),
    )
    # A reply to the next period must not count in November.
    await add_reply(
        session,
        ids,
        "5a",
        BCHQS,
        "2026-12",
        Version(local(2026, 12, 15), figures={"remains_recovered": Decimal(5)}),
    )
    session.add(
        Contact(
            plan_id=plan.id,
            telegram_user_id=777001,
            full_name="Trần Thị Bích",
            agency_id=ids.agencies[YT].id,
            unreachable_at=local(2026, 11, 10, 8, 0),
            unreachable_reason="Forbidden: bot was blocked by the user",
        )
    )
    assert NGV in ids.agencies
    await session.flush()
    return ids
