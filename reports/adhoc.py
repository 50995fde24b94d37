"""Compile the report of one ad hoc request (báo cáo đột xuất): the replies to ``adhoc:<id>``.

Rules (DOMAIN.md, "Replies and periods"; ``scheduler.adhoc`` for the request itself):

- The report reads only the replies whose period is the request's ``adhoc:<id>``; for each task and
  agency the latest confirmed one (any role: a request asks agencies, not lead agencies of tasks),
  its latest version shown, its texts attributed in II–IV.
- A reply is late when first confirmed (local date) after the request's due date. The annex lists
  every addressed agency: on time, late, or not answered (the ones that have not answered by the
  due date are the late and the silent ones).
- Figures: the indicator lines are those of the request's data range (request day → due date),
  computed as for any non-regular period (``reports.indicators``: totals from regular replies
  only); each figure given in reply to the request is a note beside them, never added to a total
  (it repeats what the regular replies count).
- Overdue deadlines and on-event tasks not activated are listed as in every report, counting what
  was reported done in any reply up to the compile date.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.plan import Indicator, Plan
from models.progress import (
    LATEST_VERSION,
    IndicatorFigure,
    ProgressReport,
    ProgressReportVersion,
    ProgressStatus,
)
from reports import activity
from reports.activity import TaskFacts
from reports.compile import LOCAL_TZ, Collected, _unreachable
from reports.indicators import indicator_lines
from reports.replies import Reply, load_agencies, load_replies, load_settings, load_tasks
from reports.summary import (
    SETTING_HEADER,
    AgencyStanding,
    FigureNote,
    IndicatorLine,
    ReportHeader,
    Summary,
    nfc,
)
from scheduler.adhoc import AdhocRequestRef


async def compile_request_summary(
    session: AsyncSession,
    plan: Plan,
    request: AdhocRequestRef,
    *,
    now: datetime,
    campaign_start: date,
    tz: ZoneInfo = LOCAL_TZ,
) -> Summary:
    """The report of ``request`` (of ``plan``) from the replies stored in ``session``.

    ``now`` (aware) gives the compile date (local to ``tz``). Read-only: nothing is written.
    """
    period = request.period
    compiled_on = now.astimezone(tz).date()
    settings = await load_settings(session, plan.id)
    tasks, sections = await load_tasks(session, plan.id)
    agencies = dict(sorted((await load_agencies(session, plan.id)).items()))

    def due_of(period_id: str) -> date | None:
        return request.due if period_id == period.id else None

    # Only the request's own replies (no regular periods); the latest per task × agency.
    latest, _done = await load_replies(session, plan.id, period, {}, tz, due_of, ())

    collected = Collected()
    order = {agency_id: index for index, agency_id in enumerate(agencies)}
    for task in tasks:
        leads = task.leads
        repliers = sorted(
            (a for t, a in latest if t == task.id),
            key=lambda a: (a not in leads, leads.index(a) if a in leads else order.get(a, 0)),
        )
        if not repliers:
            continue
        lines = [
            collected.line(task.code, agencies[agency_id], latest[(task.id, agency_id)])
            for agency_id in repliers
        ]
        collected.add_task(task, lines, period)

    regular_ids = activity.regular_ids_until(min(campaign_start, period.start), period.end)
    indicators = await indicator_lines(
        session,
        plan.id,
        period,
        regular_ids,
        settings,
        tasks_by_id={t.id: t for t in tasks},
        agencies=agencies,
        campaign_start=campaign_start,
    )
    indicators = await _with_request_notes(session, plan.id, period.id, indicators, tasks, agencies)
    done = activity.done_occurrences(await _done_rows(session, plan.id))
    return collected.summary(
        plan_key=plan.key,
        header=ReportHeader.from_setting(settings.get(SETTING_HEADER)),
        period=period,
        due=request.due,
        compiled_on=compiled_on,
        sections=sections,
        indicators=indicators,
        standings=_standings(request, latest, tasks, agencies),
        unreachable=await _unreachable(session, plan.id, agencies, tz),
        tasks=tasks,
        done=done,
        agencies=agencies,
        subject=nfc(request.subject),
        cancelled_on=request.cancelled_on,
    )


def _standings(
    request: AdhocRequestRef,
    latest: dict[tuple[int, int], Reply],
    tasks: list[TaskFacts],
    agencies: dict[int, str],
) -> tuple[list[AgencyStanding], list[AgencyStanding], list[AgencyStanding]]:
    """The addressed agencies (and any other that answered), on time / late / not answered."""
    position = {t.id: (t.position, t.code) for t in tasks}
    replies_of: dict[int, list[Reply]] = defaultdict(list)
    for (_task, agency_id), reply in latest.items():
        replies_of[agency_id].append(reply)
    on_time, late, missing = [], [], []
    for agency_id in sorted(set(request.agency_ids) | set(replies_of)):
        if agency_id not in agencies:
            continue
        own = sorted(replies_of[agency_id], key=lambda r: position[r.task_id])
        standing = AgencyStanding(
            agency=agencies[agency_id],
            replied=[position[r.task_id][1] for r in own],
            late=[position[r.task_id][1] for r in own if r.days_late],
            missing=[],
            last_confirmed_on=max((r.confirmed_on for r in own), default=None),
            days_late=max((r.days_late for r in own), default=0),
        )
        if not own:
            missing.append(standing)
        elif all(r.days_late for r in own):  # late when no reply came by the due date
            late.append(standing)
        else:
            on_time.append(standing)
    return on_time, late, missing


async def _with_request_notes(
    session: AsyncSession,
    plan_id: int,
    period_id: str,
    lines: list[IndicatorLine],
    tasks: list[TaskFacts],
    agencies: dict[int, str],
) -> list[IndicatorLine]:
    """``lines`` with each figure of the request's replies (latest versions) as a note; an
    indicator without a line yet gets one with zero totals."""
    code_of = {t.id: t.code for t in tasks}
    rows = (
        await session.execute(
            select(
                Indicator.code,
                Indicator.name,
                Indicator.unit,
                ProgressReport.task_id,
                ProgressReport.agency_id,
                IndicatorFigure.value,
            )
            .join(ProgressReportVersion, LATEST_VERSION)
            .join(IndicatorFigure, IndicatorFigure.version_id == ProgressReportVersion.id)
            .join(Indicator, Indicator.id == IndicatorFigure.indicator_id)
            .where(ProgressReport.plan_id == plan_id, ProgressReport.period == period_id)
            .order_by(Indicator.id)
        )
    ).all()
    by_code = {line.code: line for line in lines}
    result = list(lines)
    for code, name, unit, task_id, agency_id, value in rows:
        if task_id not in code_of or agency_id not in agencies:
            continue
        line = by_code.get(code)
        if line is None:
            line = IndicatorLine(code, nfc(name), nfc(unit), Decimal(0), Decimal(0), None, None)
            by_code[code] = line
            result.append(line)
        line.notes.append(FigureNote(agencies[agency_id], code_of[task_id], Decimal(value)))
    for line in result:
        line.notes.sort(key=lambda n: (n.task_code, n.agency))
    return result


async def _done_rows(
    session: AsyncSession, plan_id: int
) -> list[tuple[int, int, int, ProgressStatus]]:
    """(task, agency, occurrence, DONE) of every reply reported done, whatever its period."""
    rows = await session.execute(
        select(ProgressReport.task_id, ProgressReport.agency_id, ProgressReport.occurrence)
        .where(ProgressReport.plan_id == plan_id, ProgressReport.status == ProgressStatus.DONE)
        .distinct()
    )
    return [(t, a, o, ProgressStatus.DONE) for t, a, o in rows]
