"""The benchmark's baseline: the figures a period's report states, computed by SQL alone.

``reports.compile.compile_summary`` turns a period's replies into section I and the annex. This
module computes the *same figures* with two statements of GROUP BY and window queries, as one would
write them by hand for the database to do all the work (rules: ``reports.compile``'s docstring):

- per task, how many lead agencies stand at each status, from each task × lead agency's *latest*
  reply among the replies the period reads (latest cut-off, then latest first-confirmation date,
  then latest id), plus how many active lead agencies have not replied (status NULL);
- per agency: replied tasks, late ones (first confirmed, local date, after the due date of the
  period answered), the most days late, active tasks not replied; hence on time / late / missing;
- overdue deadlines (before ``as_of``, not reported done by a lead agency) with the days overdue
  and the number of agencies; on-event tasks not activated; deliverables; unreachable contacts;
- per indicator: the owners' figures summed over the period and cumulated from the campaign start
  (owner: ``task_indicators.owner_agency_id``, else the task's first lead agency), and the
  co-leads' notes of the period (how many, their sum).

``figures_of_summary`` reads the same figures off a compiled ``Summary`` so the benchmark (and
``tests/reports/test_baseline.py``) can assert that both sides agree. What is *not* SQL here is
the calendar: the periods read with their cut-offs and due dates are parameters (the due date is
the n-th working day after the cut-off, from the plan's working calendar).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from reports.activity import regular_ids_until
from reports.compile import LOCAL_TZ
from reports.replies import load_calendar, load_settings
from reports.summary import SETTING_DUE_WORKING_DAYS, Summary
from scheduler.periods import DEFAULT_DUE_WORKING_DAYS, ReportingPeriod, parse_period_id


@dataclass(frozen=True)
class Figures:
    """The figures of a report that both sides compute (see the module docstring)."""

    status_counts: dict[tuple[str, str | None], int]
    #: agency name → (kind, replied, late, missing, most days late); kind on_time|late|missing.
    standings: dict[str, tuple[str, int, int, int, int]]
    #: (task code, due date, days overdue, agencies) in the report's order.
    overdue: list[tuple[str, date, int, int]]
    #: indicator code → (period total, cumulative, notes, sum of notes).
    indicators: dict[str, tuple[Decimal, Decimal, int, Decimal]]
    not_activated: int
    deliverables: int
    unreachable: int


@dataclass(frozen=True)
class Dialect:
    """The few SQL fragments that differ between SQLite and PostgreSQL."""

    name: str

    def local_day(self, column: str) -> str:
        """A UTC timestamp's calendar date in Asia/Ho_Chi_Minh (UTC+7, no DST since 1975)."""
        if self.name == "sqlite":
            return f"date({column}, '+7 hours')"
        return f"(({column}) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"

    def utc_day(self, column: str) -> str:
        if self.name == "sqlite":
            return f"date({column})"
        return f"(({column}) AT TIME ZONE 'UTC')::date"

    def days(self, later: str, earlier: str) -> str:
        if self.name == "sqlite":
            return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
        return f"({later} - {earlier})"

    def positive(self, expr: str) -> str:
        return f"max(0, {expr})" if self.name == "sqlite" else f"greatest(0, {expr})"

    def month_start(self, day: str) -> str:
        """The 1st of the month when ``day`` is its month's last day (a month deadline)."""
        if self.name == "sqlite":
            return (
                f"CASE WHEN strftime('%d', {day}, '+1 day') = '01' "
                f"THEN date({day}, 'start of month') ELSE {day} END"
            )
        return (
            f"CASE WHEN extract(day FROM {day} + 1) = 1 "
            f"THEN date_trunc('month', {day})::date ELSE {day} END"
        )

    def day(self, param: str) -> str:
        """A date parameter (SQLite stores ISO text; PostgreSQL needs the type)."""
        return f":{param}" if self.name == "sqlite" else f"CAST(:{param} AS DATE)"

    def bind_day(self, value: date) -> Any:
        return value.isoformat() if self.name == "sqlite" else value


def standing_sql(d: Dialect, asked: int) -> str:
    """Section I's status counts, the annex's standings, overdue and the small annex counts.

    ``asked``: how many (period, cut-off, due) rows the ``asked`` CTE has (parameters ``p0``,
    ``c0``, ``d0``…).
    """
    values = ", ".join(f"(:p{i}, {d.day(f'c{i}')}, {d.day(f'd{i}')})" for i in range(asked))
    confirmed = d.local_day("f.confirmed_at")
    start, end, as_of = d.day("start"), d.day("end"), d.day("as_of")
    return f"""
WITH asked(period, cutoff, due) AS (VALUES {values}),
leads AS MATERIALIZED (  -- lead agencies of the plan's current tasks
  SELECT a.task_id, a.agency_id FROM task_assignments a JOIN tasks t ON t.id = a.task_id
  WHERE t.plan_id = :plan AND t.archived_at IS NULL AND a.role = 'LEAD'
    AND a.agency_id IS NOT NULL
),
sched AS MATERIALIZED (
  SELECT t.id AS task_id, t.code, s.ongoing, s.window_start, s.activated_at, s.activated_due,
         (s.on_event IS NOT NULL AND s.on_event <> '') AS on_event
  FROM tasks t LEFT JOIN task_schedules s ON s.task_id = t.id
  WHERE t.plan_id = :plan AND t.archived_at IS NULL
),
dl AS MATERIALIZED (  -- (task, occurrence as replies number it, due date)
  SELECT d.task_id, d.due,
         CASE WHEN count(*) OVER (PARTITION BY d.task_id) > 1 THEN d.occurrence ELSE 0 END AS occ
  FROM task_deadlines d JOIN sched s ON s.task_id = d.task_id
  UNION ALL
  SELECT s.task_id, s.activated_due, 0 FROM sched s
  WHERE s.on_event AND s.activated_due IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM task_deadlines x WHERE x.task_id = s.task_id)
),
rule AS MATERIALIZED (  -- per task: 0 not asked, 1 every lead asked, 2 leads with a deadline
                        -- before the period not reported done
  SELECT s.task_id, CASE
    WHEN s.on_event AND (s.activated_at IS NULL OR {d.utc_day("s.activated_at")} > {end}) THEN 0
    WHEN s.ongoing THEN
      CASE WHEN s.window_start IS NULL OR s.window_start <= {end} THEN 1 ELSE 0 END
    WHEN s.window_start IS NOT NULL AND s.window_start <= {end}
      AND (SELECT max(due) FROM dl WHERE dl.task_id = s.task_id) >= {start} THEN 1
    WHEN EXISTS (SELECT 1 FROM dl WHERE dl.task_id = s.task_id
                 AND {d.month_start("dl.due")} <= {end} AND dl.due >= {start}) THEN 1
    WHEN s.on_event AND NOT EXISTS (SELECT 1 FROM dl WHERE dl.task_id = s.task_id) THEN 1
    ELSE 2 END AS rule
  FROM sched s
),
done AS MATERIALIZED (  -- reported done up to the period's end
  SELECT DISTINCT r.task_id, r.agency_id, r.occurrence FROM progress_reports r
  WHERE r.plan_id = :plan AND r.period IN :done_periods AND r.status = 'DONE'
    AND r.task_id IN (SELECT task_id FROM dl WHERE due < {as_of})
),
undone AS MATERIALIZED (  -- (lead, deadline) before as_of not reported done
  SELECT l.task_id, l.agency_id, dl.occ, dl.due FROM leads l JOIN dl ON dl.task_id = l.task_id
  WHERE dl.due < {as_of} AND NOT EXISTS (SELECT 1 FROM done WHERE done.task_id = l.task_id
                                       AND done.agency_id = l.agency_id AND done.occurrence = dl.occ)
),
active AS MATERIALIZED (
  SELECT l.task_id, l.agency_id FROM leads l JOIN rule ON rule.task_id = l.task_id
  WHERE rule.rule = 1
  UNION
  SELECT u.task_id, u.agency_id FROM undone u JOIN rule ON rule.task_id = u.task_id
  WHERE rule.rule = 2 AND u.due < {start}
),
latest AS MATERIALIZED (  -- each task × agency's latest reply among those the period reads
  SELECT task_id, agency_id, status, days_late, attached, is_lead FROM (
    SELECT r.task_id, r.agency_id, r.status,
           (r.task_id, r.agency_id) IN (SELECT task_id, agency_id FROM leads) AS is_lead,
           {d.positive(d.days(confirmed, "a.due"))} AS days_late,
           (coalesce(v.attachment_file_id, '') <> '' OR coalesce(v.attachment_name, '') <> '')
             AS attached,
           row_number() OVER (PARTITION BY r.task_id, r.agency_id
                              ORDER BY a.cutoff DESC, {confirmed} DESC, r.id DESC) AS rn
    FROM progress_reports r
    JOIN asked a ON a.period = r.period
    JOIN progress_report_versions f ON f.report_id = r.id AND f.version = 1
    JOIN progress_report_versions v ON v.report_id = r.id AND v.version = r.latest_version
    WHERE r.plan_id = :plan AND r.period IN :asked_ids
  ) ranked WHERE rn = 1
),
silent AS MATERIALIZED (  -- asked, no reply
  SELECT task_id, agency_id FROM active
  EXCEPT
  SELECT task_id, agency_id FROM latest
)
SELECT 'status' AS kind, s.code AS name, l.status, count(*) AS n1, 0 AS n2, 0 AS n3, 0 AS n4,
       CAST(NULL AS DATE) AS due
FROM latest l JOIN sched s ON s.task_id = l.task_id WHERE l.is_lead GROUP BY s.code, l.status
UNION ALL
SELECT 'status', s.code, NULL, count(*), 0, 0, 0, NULL FROM silent x
JOIN sched s ON s.task_id = x.task_id GROUP BY s.code
UNION ALL
SELECT 'agency', g.name, NULL, sum(replied), sum(late), sum(missing), max(days_late), NULL FROM (
  SELECT agency_id, count(*) AS replied, sum(CASE WHEN days_late > 0 THEN 1 ELSE 0 END) AS late,
         0 AS missing, max(days_late) AS days_late FROM latest GROUP BY agency_id
  UNION ALL
  SELECT agency_id, 0, 0, count(*), 0 FROM silent GROUP BY agency_id
) per JOIN agencies g ON g.id = per.agency_id GROUP BY g.name
UNION ALL
SELECT 'overdue', s.code, NULL, {d.days(as_of, "u.due")}, count(*), u.occ, 0, u.due
FROM undone u JOIN sched s ON s.task_id = u.task_id
WHERE NOT (s.on_event AND s.activated_at IS NULL)
GROUP BY s.code, u.occ, u.due
UNION ALL
SELECT 'counts', NULL, NULL,
  (SELECT count(*) FROM sched WHERE on_event AND activated_at IS NULL),
  (SELECT count(*) FROM latest WHERE attached AND is_lead),
  (SELECT count(*) FROM contacts c WHERE c.plan_id = :plan AND c.unreachable_at IS NOT NULL
     AND c.revoked_at IS NULL),
  0, NULL
"""


INDICATOR_SQL = """
WITH owners AS (
  SELECT ti.task_id, ti.indicator_id,
         coalesce(ti.owner_agency_id, CASE WHEN t.archived_at IS NULL THEN (
           SELECT a.agency_id FROM task_assignments a WHERE a.task_id = ti.task_id
             AND a.role = 'LEAD' AND a.agency_id IS NOT NULL ORDER BY a.position LIMIT 1) END)
           AS agency_id
  FROM task_indicators ti JOIN tasks t ON t.id = ti.task_id WHERE t.plan_id = :plan
)
SELECT 'owner' AS kind, i.code, sum(CASE WHEN r.period IN :inside THEN f.value ELSE 0 END),
       sum(CASE WHEN r.period IN :regular THEN f.value ELSE 0 END), count(*)
FROM owners o
JOIN indicators i ON i.id = o.indicator_id
JOIN progress_reports r ON r.task_id = o.task_id AND r.agency_id = o.agency_id
JOIN progress_report_versions v ON v.report_id = r.id AND v.version = r.latest_version
JOIN indicator_figures f ON f.version_id = v.id AND f.indicator_id = o.indicator_id
GROUP BY i.code
UNION ALL
SELECT 'notes', i.code, 0, sum(total), count(*) FROM (
  SELECT f.indicator_id, r.task_id, r.agency_id, sum(f.value) AS total
  FROM progress_reports r
  JOIN tasks t ON t.id = r.task_id AND t.archived_at IS NULL
  JOIN progress_report_versions v ON v.report_id = r.id AND v.version = r.latest_version
  JOIN indicator_figures f ON f.version_id = v.id
  LEFT JOIN owners o ON o.task_id = r.task_id AND o.indicator_id = f.indicator_id
  WHERE r.plan_id = :plan AND r.period IN :inside
    AND (o.agency_id IS NULL OR o.agency_id <> r.agency_id)
  GROUP BY f.indicator_id, r.task_id, r.agency_id
) co_leads JOIN indicators i ON i.id = co_leads.indicator_id GROUP BY i.code
"""


@dataclass(frozen=True)
class Asked:
    """What the report of a period reads, from the calendar (parameters of the baseline)."""

    plan_id: int
    start: date
    end: date
    as_of: date
    #: period id → (cut-off, due date) of every period whose replies the report reads.
    asked: dict[str, tuple[date, date]]
    #: Regular period ids with a cut-off inside the period (their figures are the period's).
    inside: list[str]
    #: Every regular period id up to the period's end (cumulative figures, "done" history).
    regular: list[str]
    #: Periods whose DONE replies count as done: ``regular`` and the period's own id.
    done_periods: list[str]


async def baseline_figures(connection: AsyncConnection, asked: Asked) -> Figures:
    """The report's figures (module docstring) by two SQL statements on ``connection``."""
    d = Dialect(connection.dialect.name)
    params: dict[str, Any] = {
        "plan": asked.plan_id,
        "start": d.bind_day(asked.start),
        "end": d.bind_day(asked.end),
        "as_of": d.bind_day(asked.as_of),
        "asked_ids": list(asked.asked),
        "done_periods": asked.done_periods,
    }
    for i, (period_id, (cutoff, due)) in enumerate(asked.asked.items()):
        params |= {f"p{i}": period_id, f"c{i}": d.bind_day(cutoff), f"d{i}": d.bind_day(due)}
    standing = text(standing_sql(d, len(asked.asked))).bindparams(
        bindparam("asked_ids", expanding=True), bindparam("done_periods", expanding=True)
    )
    status_counts: dict[tuple[str, str | None], int] = {}
    standings: dict[str, tuple[str, int, int, int, int]] = {}
    overdue: list[tuple[str, date, int, int]] = []
    counts = (0, 0, 0)
    for kind, name, status, n1, n2, n3, n4, due in await connection.execute(standing, params):
        if kind == "status":
            status_counts[(name, status.lower() if status else None)] = n1
        elif kind == "agency":
            category = "missing" if not n1 else "late" if n2 else "on_time"
            standings[_nfc(name)] = (category, n1, n2, n3, n4)
        elif kind == "overdue":
            overdue.append((name, _day(due), n1, n2))
        else:
            counts = (n1, n2, n3)
    overdue.sort(key=lambda o: (-o[2], o[0]))
    indicators: dict[str, tuple[Decimal, Decimal, int, Decimal]] = {}
    if asked.regular:
        figures = text(INDICATOR_SQL).bindparams(
            bindparam("inside", expanding=True), bindparam("regular", expanding=True)
        )
        rows = await connection.execute(
            figures, {"plan": asked.plan_id, "inside": asked.inside, "regular": asked.regular}
        )
        for kind, code, period_total, total, n in rows:
            own = indicators.get(code, (Decimal(0), Decimal(0), 0, Decimal(0)))
            if kind == "owner":
                own = (_dec(period_total), _dec(total), own[2], own[3])
            else:
                own = (own[0], own[1], n, _dec(total))
            indicators[code] = own
    return Figures(status_counts, standings, overdue, indicators, *counts)


def figures_of_summary(summary: Summary) -> Figures:
    """The same figures read off a compiled report."""
    status_counts: Counter[tuple[str, str | None]] = Counter(
        (task.code, str(lead.status) if lead.status else None)
        for section in summary.sections
        for task in section.tasks
        for lead in task.leads
    )
    standings = {
        s.agency: (kind, len(s.replied), len(s.late), len(s.missing), s.days_late)
        for kind, group in (
            ("on_time", summary.on_time),
            ("late", summary.late),
            ("missing", summary.missing),
        )
        for s in group
    }
    indicators = {
        line.code: (
            line.period_total,
            line.cumulative,
            len(line.notes),
            sum((n.value for n in line.notes), Decimal(0)),
        )
        for line in summary.indicators
    }
    return Figures(
        dict(status_counts),
        standings,
        [(o.code, o.due, o.days_overdue, len(o.agencies)) for o in summary.overdue],
        indicators,
        len(summary.not_activated),
        len(summary.deliverables),
        len(summary.unreachable),
    )


def differences(report: Figures, baseline: Figures) -> list[str]:
    """What differs (empty when the figures agree). Indicators the report shows without any
    figure (a target but nothing reported) are zeros on the baseline's side."""
    found = []
    zero = (Decimal(0), Decimal(0), 0, Decimal(0))
    for name in ("status_counts", "standings", "overdue", "not_activated", "deliverables"):
        mine, theirs = getattr(report, name), getattr(baseline, name)
        if mine != theirs:
            found.append(f"{name}: report {_show(mine)} ≠ baseline {_show(theirs)}")
    if report.unreachable != baseline.unreachable:
        found.append(f"unreachable: {report.unreachable} ≠ {baseline.unreachable}")
    for code in sorted(set(report.indicators) | set(baseline.indicators)):
        mine_line = report.indicators.get(code)
        theirs_line = baseline.indicators.get(code, zero)
        if mine_line != theirs_line:
            found.append(f"indicator {code}: report {mine_line} ≠ baseline {theirs_line}")
    return found


def _show(value: object) -> str:
    if isinstance(value, dict):
        return repr(sorted(value.items(), key=repr)[:20])
    return repr(value)[:2000]


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip()


def _dec(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def asked_for(
    session: AsyncSession,
    plan_id: int,
    period: ReportingPeriod,
    *,
    now: datetime,
    campaign_start: date,
    campaign_end: date,
    tz: ZoneInfo = LOCAL_TZ,
) -> Asked:
    """The baseline's parameters for ``period``: the periods read with their cut-offs and due dates
    (the plan's working calendar and due-date setting), as ``compile_summary`` derives them."""
    settings = await load_settings(session, plan_id)
    calendar = await load_calendar(session, plan_id)
    due_days = int(settings.get(SETTING_DUE_WORKING_DAYS, DEFAULT_DUE_WORKING_DAYS))
    regular_ids = regular_ids_until(min(campaign_start, period.start), period.end)

    def due_of(period_id: str) -> date:
        answered = parse_period_id(
            period_id, campaign_start=campaign_start, campaign_end=campaign_end
        )
        return answered.due(calendar, due_days)

    inside = [p for p, cutoff in regular_ids.items() if period.start <= cutoff <= period.end]
    asked = {p: (regular_ids[p], due_of(p)) for p in inside}
    asked[period.id] = (regular_ids.get(period.id, period.end), due_of(period.id))
    return Asked(
        plan_id=plan_id,
        start=period.start,
        end=period.end,
        as_of=min(period.end, now.astimezone(tz).date()),
        asked=asked,
        inside=inside,
        regular=list(regular_ids),
        done_periods=[*regular_ids, period.id],
    )
