"""Indicator totals: per period and cumulated from the campaign start, against the plan's targets.

Only a task's owner agency's figure counts (``task_indicators.owner_agency_id``, by default the first
lead agency); co-leads' figures become notes and are never summed twice (DOMAIN.md, "Indicators").
A figure is what happened in the stretch ending at its reply's cut-off, so totals are plain sums.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from models.plan import Indicator, Task, TaskIndicator
from models.progress import (
    LATEST_VERSION,
    IndicatorFigure,
    ProgressReport,
    ProgressReportVersion,
)
from reports.activity import TaskFacts
from reports.summary import (
    DEFAULT_UNIDENTIFIED_GRAVES,
    SETTING_UNIDENTIFIED_GRAVES,
    FigureNote,
    IndicatorLine,
    nfc,
)
from scheduler.periods import ReportingPeriod


async def indicator_lines(
    session: AsyncSession,
    plan_id: int,
    period: ReportingPeriod,
    regular_ids: dict[str, date],
    settings: dict[str, Any],
    *,
    tasks_by_id: dict[int, TaskFacts],
    agencies: dict[int, str],
    campaign_start: date,
) -> list[IndicatorLine]:
    """Period and cumulative totals of every indicator of the plan, in the order they were stored.

    ``regular_ids`` maps the regular period ids up to the period's end to their cut-offs (figures
    of ad hoc and milestone replies are not added: they repeat what the regular replies count).
    The sums are done by the database (GROUP BY), over the latest version of each reply. The
    denominator of a target set as a plan setting (unidentified graves) defaults to
    ``DEFAULT_UNIDENTIFIED_GRAVES``, flagged as a default. ``by_cutoff`` has one point per monthly
    cut-off after ``campaign_start`` up to the period's end.
    """
    connection = await session.connection()  # Core rows, sums done by the database
    indicators = (
        await connection.execute(
            select(
                Indicator.id,
                Indicator.code,
                Indicator.name,
                Indicator.unit,
                Indicator.target_min,
                Indicator.target_max,
                Indicator.target_setting,
            )
            .where(Indicator.plan_id == plan_id)
            .order_by(Indicator.id)
        )
    ).all()
    if not indicators:
        return []
    owners: dict[tuple[int, int], int] = {}
    carried = await connection.execute(
        select(TaskIndicator.task_id, TaskIndicator.indicator_id, TaskIndicator.owner_agency_id)
        .join(Task, Task.id == TaskIndicator.task_id)
        .where(Task.plan_id == plan_id)
    )
    for task_id, indicator_id, owner in carried:
        if owner is None and task_id in tasks_by_id:  # default: the first lead agency
            leads = tasks_by_id[task_id].leads
            owner = leads[0] if leads else None
        if owner is not None:
            owners[(task_id, indicator_id)] = owner
    is_owner = or_(
        false(),
        *(
            and_(
                ProgressReport.task_id == task_id,
                IndicatorFigure.indicator_id == indicator_id,
                ProgressReport.agency_id == agency_id,
            )
            for (task_id, indicator_id), agency_id in owners.items()
        ),
    )
    inside = {pid for pid, cutoff in regular_ids.items() if period.start <= cutoff <= period.end}
    period_total: dict[int, Decimal] = defaultdict(Decimal)
    cumulative: dict[int, Decimal] = defaultdict(Decimal)
    by_cutoff: dict[int, dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    noted: dict[tuple[int, int, int], Decimal] = defaultdict(Decimal)
    owned: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    # One statement, two GROUP BYs: the owners' figures of every regular period up to the
    # period's end (totals), and the co-leads' figures of the period itself (notes).
    columns = (
        ProgressReport.period,
        ProgressReport.task_id,
        ProgressReport.agency_id,
        IndicatorFigure.indicator_id,
    )

    def figures(periods: list[str], owner: ColumnElement[bool]) -> Any:
        return (
            select(*columns, func.sum(IndicatorFigure.value))
            .join(ProgressReportVersion, LATEST_VERSION)
            .join(IndicatorFigure, IndicatorFigure.version_id == ProgressReportVersion.id)
            .where(ProgressReport.plan_id == plan_id, ProgressReport.period.in_(periods), owner)
            .group_by(*columns)
        )

    statement: Any = figures(list(regular_ids), is_owner)
    if inside:
        statement = union_all(statement, figures(sorted(inside), ~is_owner))
    rows = await connection.execute(statement)
    for period_id, task_id, agency_id, indicator_id, value in rows.all():
        value = value if isinstance(value, Decimal) else Decimal(value)
        if owners.get((task_id, indicator_id)) != agency_id:
            if task_id in tasks_by_id:
                noted[(indicator_id, task_id, agency_id)] += value
            continue
        cutoff = regular_ids[period_id]
        cumulative[indicator_id] += value
        by_cutoff[indicator_id][cutoff] += value
        if period_id in inside:
            period_total[indicator_id] += value
            if task_id in tasks_by_id:
                owned[indicator_id].append((tasks_by_id[task_id].code, agencies[agency_id], value))
    notes: dict[int, list[FigureNote]] = defaultdict(list)
    for (indicator_id, task_id, agency_id), value in noted.items():
        notes[indicator_id].append(
            FigureNote(agencies[agency_id], tasks_by_id[task_id].code, value)
        )
    months = sorted({c for c in regular_ids.values() if c > campaign_start})
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
        for cutoff in months:  # every month of the campaign so far, flat where nothing happened
            running += by_cutoff[ind.id].get(cutoff, Decimal(0))
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
