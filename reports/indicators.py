"""Indicator totals: per period and cumulated from the campaign start, against the plan's targets.

Only a task's owner agency's figure counts (``task_indicators.owner_agency_id``, by default the first
lead agency); co-leads' figures become notes and are never summed twice (DOMAIN.md, "Indicators").
A figure is what happened in the stretch ending at its reply's cut-off, so totals are plain sums.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.plan import Indicator, Task, TaskIndicator
from models.progress import IndicatorFigure, ProgressReport, ProgressReportVersion
from reports import activity
from reports.summary import (
    DEFAULT_UNIDENTIFIED_GRAVES,
    SETTING_UNIDENTIFIED_GRAVES,
    FigureNote,
    IndicatorLine,
    nfc,
)
from scheduler.periods import ReportingPeriod

if TYPE_CHECKING:
    from reports.compile import Reply


async def indicator_lines(
    session: AsyncSession,
    plan_id: int,
    period: ReportingPeriod,
    replies: Sequence[Reply],
    settings: dict[str, Any],
    *,
    tasks_by_id: dict[int, Task],
    agencies: dict[int, str],
) -> list[IndicatorLine]:
    """Period and cumulative totals of every indicator of the plan, in the order they were stored.

    ``replies`` are the compiler's replies up to the period's end; the figures of their latest
    versions are read here. The denominator of a target set as a plan setting (unidentified graves)
    defaults to ``DEFAULT_UNIDENTIFIED_GRAVES``, flagged as a default.
    """
    indicators = (
        await session.scalars(
            select(Indicator).where(Indicator.plan_id == plan_id).order_by(Indicator.id)
        )
    ).all()
    if not indicators:
        return []
    owners = {
        (row.task_id, row.indicator_id): row.owner_agency_id
        for row in await session.scalars(
            select(TaskIndicator).join(Task).where(Task.plan_id == plan_id)
        )
    }
    regular = {r.id: r for r in replies if r.regular}
    connection = await session.connection()  # Core rows: thousands of figures, no ORM objects
    rows = await connection.execute(
        select(ProgressReport.id, IndicatorFigure.indicator_id, IndicatorFigure.value)
        .join(
            ProgressReportVersion,
            and_(
                ProgressReportVersion.report_id == ProgressReport.id,
                ProgressReportVersion.version == ProgressReport.latest_version,
            ),
        )
        .join(IndicatorFigure, IndicatorFigure.version_id == ProgressReportVersion.id)
        .where(
            ProgressReport.plan_id == plan_id,
            ProgressReport.period.in_({r.period for r in regular.values()}),
        )
    )
    period_total: dict[int, Decimal] = defaultdict(Decimal)
    cumulative: dict[int, Decimal] = defaultdict(Decimal)
    by_cutoff: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    notes: dict[int, list[FigureNote]] = defaultdict(list)
    owned: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    for report_id, indicator_id, value in rows:
        reply = regular.get(report_id)
        if reply is None:
            continue
        value = Decimal(value)
        task = tasks_by_id.get(reply.task_id)
        owner = owners.get((reply.task_id, indicator_id))
        if owner is None and task is not None:
            leads = activity.lead_agency_ids(task)
            owner = leads[0] if leads else None
        in_period = period.start <= reply.cutoff <= period.end
        if reply.agency_id != owner:
            if in_period and task is not None:
                notes[indicator_id].append(FigureNote(agencies[reply.agency_id], task.code, value))
            continue
        cumulative[indicator_id] += value
        by_cutoff[indicator_id][reply.cutoff] += value
        if in_period:
            period_total[indicator_id] += value
            if task is not None:
                owned[indicator_id].append((task.code, agencies[reply.agency_id], value))
    lines = []
    for ind in indicators:
        if (
            not by_cutoff[ind.id]
            and not notes[ind.id]
            and ind.target_min is None
            and not ind.target_setting
        ):
            continue  # nothing reported yet and no target: not worth a line
        denominator = None
        is_default = False
        if ind.target_setting:
            raw = settings.get(ind.target_setting)
            if raw is None and ind.target_setting == SETTING_UNIDENTIFIED_GRAVES:
                raw, is_default = DEFAULT_UNIDENTIFIED_GRAVES, True
            denominator = int(raw) if raw is not None else None
        running = Decimal(0)
        series = []
        for cutoff in sorted(by_cutoff[ind.id]):
            running += by_cutoff[ind.id][cutoff]
            series.append((cutoff, running))
        total = cumulative[ind.id]
        lines.append(
            IndicatorLine(
                code=ind.code,
                name=nfc(ind.name),
                unit=nfc(ind.unit),
                period_total=period_total[ind.id],
                cumulative=total,
                target_min=Decimal(ind.target_min) if ind.target_min is not None else None,
                target_max=Decimal(ind.target_max) if ind.target_max is not None else None,
                denominator=denominator,
                denominator_is_default=is_default,
                percent=(total * 100 / denominator).quantize(Decimal("0.1"))
                if denominator
                else None,
                notes=sorted(notes[ind.id], key=lambda n: (n.task_code, n.agency)),
                owner_figures=owned[ind.id],
                by_cutoff=series,
            )
        )
    return lines
