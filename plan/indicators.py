"""The indicators of DOMAIN.md ("Indicators"): which task carries which counted figure, and whose
figure counts (the owner: by default the task's first lead agency)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.plan import Indicator, Task, TaskAssignment, TaskIndicator, TaskRole


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator to seed: ``target_setting`` names the plan setting holding the denominator;
    ``whole``: its figure counts whole things, so the dialog refuses a fraction ("12,5")."""

    code: str
    name: str
    unit: str
    tasks: tuple[str, ...]
    target_min: float | None = None
    target_max: float | None = None
    target_setting: str | None = None
    whole: bool = True


#: DOMAIN.md's table. Every figure counts things (pieces of information, sets of remains, graves,
#: samples), so all are whole; the one percentage of the plan (graves sampled against the
#: unidentified graves, 6a) is computed by the reports from two counts, never typed. Task 5a: "Phấn đấu đến tháng 7/2027 … quy tập được từ 10 đến 12 hài cốt";
#: 6a: "lấy 100% mẫu hài cốt liệt sĩ chưa xác định được thông tin" (denominator: a setting).
INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("info_received", "Thông tin tiếp nhận", "thông tin", ("5c",)),
    IndicatorSpec("info_verified", "Thông tin đã xác minh", "thông tin", ("5c",)),
    IndicatorSpec("remains_recovered", "Hài cốt liệt sĩ quy tập", "hài cốt", ("5a",), 10, 12),
    IndicatorSpec(
        "graves_sampled",
        "Mộ đã lấy mẫu",
        "mộ",
        ("6a", "6b", "6c"),
        target_setting="unidentified_graves",
    ),
    IndicatorSpec("samples_dna", "Mẫu bàn giao giám định ADN", "mẫu", ("6a", "6c")),
    IndicatorSpec("remains_identified", "Hài cốt xác định được danh tính", "hài cốt", ("6a",)),
)


def counts_whole(code: str) -> bool:
    """Whether the indicator ``code`` takes whole numbers only: its spec's ``whole``; True for a code
    not in ``INDICATORS`` (an indicator is a counted figure, ``models.plan.Indicator``)."""
    return next((spec.whole for spec in INDICATORS if spec.code == code), True)


async def seed_indicators(
    session: AsyncSession,
    plan_id: int,
    tasks: dict[str, Task],
) -> list[str]:
    """Create the missing indicators and task links of ``INDICATORS`` for the tasks present.

    A new link's owner is the task's first lead agency; existing rows are left as they are (the
    standing office may have changed an owner). Returns the codes of the indicators created.
    Does not commit.
    """
    stored = {
        i.code: i
        for i in (
            await session.scalars(select(Indicator).where(Indicator.plan_id == plan_id))
        ).all()
    }
    created: list[str] = []
    for spec in INDICATORS:
        indicator = stored.get(spec.code)
        if indicator is None:
            indicator = Indicator(
                plan_id=plan_id,
                code=spec.code,
                name=spec.name,
                unit=spec.unit,
                target_min=spec.target_min,
                target_max=spec.target_max,
                target_setting=spec.target_setting,
            )
            session.add(indicator)
            await session.flush()
            created.append(spec.code)
        for code in spec.tasks:
            task = tasks.get(code)
            if task is None:
                continue
            link = await session.scalar(
                select(TaskIndicator).where(
                    TaskIndicator.task_id == task.id, TaskIndicator.indicator_id == indicator.id
                )
            )
            if link is not None:
                continue
            owner = await session.scalar(
                select(TaskAssignment.agency_id)
                .where(
                    TaskAssignment.task_id == task.id,
                    TaskAssignment.role == TaskRole.LEAD,
                    TaskAssignment.agency_id.is_not(None),
                )
                .order_by(TaskAssignment.position)
                .limit(1)
            )
            session.add(
                TaskIndicator(task_id=task.id, indicator_id=indicator.id, owner_agency_id=owner)
            )
    await session.flush()
    return created
