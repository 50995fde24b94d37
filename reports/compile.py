"""Compile a period's summary (Báo cáo tổng hợp) from the stored, confirmed replies.

Rules (DOMAIN.md, "Replies and periods" and "Indicators"; issue 8):

- A reply carries the period it answers. A report for period P reads the replies to every regular
  period whose cut-off lies in P's data range (the November report reads ``2026-11``; the Q4 report
  ``2026-10``, ``2026-11`` and ``2026``/``2026-12``/``2026-Q4``/``2026-H2`` — the periods sharing the
  14/12 cut-off are asked once), plus replies to P's own identifier (ad hoc, milestones).
- Per task × lead agency the *latest* of those replies (latest cut-off, then latest confirmation)
  gives the status and texts; its latest version is the one shown.
- A reply is late when first confirmed (local date) after the due date of the period it answers.
- Figures are what happened in the stretch ending at the reply's cut-off; cumulative totals add the
  figures of every regular reply with a cut-off up to P's end. Only the owner agency's figure of a
  task counts; co-leads' figures become notes.
- A task is active in P when it is ongoing, its window overlaps P, it has a deadline in P, or a
  deadline before P that the agency has not reported done; an on-event task only once activated.
- Overdue: a deadline before P's cut-off that a lead agency has not reported done by then; days
  overdue are counted to the cut-off (so a report is the same whenever it is compiled), or to the
  compile date for a period not yet closed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.people import Contact
from models.plan import Plan
from reports import activity
from reports.activity import TaskFacts
from reports.indicators import indicator_lines
from reports.replies import (
    Reply,
    load_agencies,
    load_calendar,
    load_replies,
    load_settings,
    load_tasks,
    local_date,
)
from reports.summary import (
    SETTING_DUE_WORKING_DAYS,
    SETTING_HEADER,
    AgencyStanding,
    Attributed,
    Deliverable,
    LeadReply,
    ReportHeader,
    SectionBlock,
    Summary,
    TaskLine,
    UnreachableContact,
    nfc,
)
from scheduler.controls import LOCAL_TZ  # Asia/Ho_Chi_Minh: reports speak local dates
from scheduler.periods import (
    DEFAULT_DUE_WORKING_DAYS,
    PeriodError,
    ReportingPeriod,
    parse_period_id,
)


async def compile_summary(
    session: AsyncSession,
    plan: Plan,
    period: ReportingPeriod,
    *,
    now: datetime,
    campaign_start: date,
    campaign_end: date,
    tz: ZoneInfo = LOCAL_TZ,
) -> Summary:
    """The summary of ``plan`` for ``period`` from the replies stored in ``session``.

    ``now`` (aware) gives the compile date (local to ``tz``). Read-only: nothing is written.
    """
    compiled_on = now.astimezone(tz).date()
    settings = await load_settings(session, plan.id)
    calendar = await load_calendar(session, plan.id)
    due_days = int(settings.get(SETTING_DUE_WORKING_DAYS, DEFAULT_DUE_WORKING_DAYS))
    header = ReportHeader.from_setting(settings.get(SETTING_HEADER))
    tasks, sections = await load_tasks(session, plan.id)
    agencies = await load_agencies(session, plan.id)

    def due_of(period_id: str) -> date | None:
        try:
            answered = parse_period_id(
                period_id, campaign_start=campaign_start, campaign_end=campaign_end
            )
        except PeriodError:
            return None
        return answered.due(calendar, due_days)

    regular_ids = activity.regular_ids_until(min(campaign_start, period.start), period.end)
    # "Done" matters only for deadlines before the period's end (asked again, overdue).
    done_tasks = {t.id for t in tasks if any(due < period.end for _o, due in t.deadlines)}
    latest, done = await load_replies(session, plan.id, period, regular_ids, tz, due_of, done_tasks)

    collected = Collected()
    expected: dict[int, list[str]] = defaultdict(list)  # agency → task codes it should answer
    for task in tasks:
        rule = activity.task_rule(task, period)
        lines = []
        for agency_id in task.leads:
            found = latest.get((task.id, agency_id))
            active = rule == activity.ALL_LEADS or (
                rule == activity.UNDONE_LEADS
                and activity.is_active(task, agency_id, period, done, rule)
            )
            if active:
                expected[agency_id].append(task.code)
            if found is None:
                if active:
                    lines.append(LeadReply(agencies[agency_id], None))
                continue
            lines.append(collected.line(task.code, agencies[agency_id], found))
        if lines:  # else neither asked nor answered in the period
            collected.add_task(task, lines, period)

    on_time, late, missing = _standings(expected, latest, tasks, agencies)
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
    return collected.summary(
        plan_key=plan.key,
        header=header,
        period=period,
        due=period.due(calendar, due_days),
        compiled_on=compiled_on,
        sections=sections,
        indicators=indicators,
        standings=(on_time, late, missing),
        unreachable=await _unreachable(session, plan.id, agencies, tz),
        tasks=tasks,
        done=done,
        agencies=agencies,
    )


@dataclass
class Collected:
    """What a report gathers from the replies it shows, in document order: section I's task lines
    per section id, sections II–IV (each text attributed to its agency and task) and the
    deliverables. Shared by the periodic report and an ad hoc request's (``reports.adhoc``)."""

    blocks: dict[int, list[TaskLine]] = field(default_factory=lambda: defaultdict(list))
    difficulties: list[Attributed] = field(default_factory=list)
    next_steps: list[Attributed] = field(default_factory=list)
    proposals: list[Attributed] = field(default_factory=list)
    deliverables: list[Deliverable] = field(default_factory=list)

    def line(self, task_code: str, name: str, reply: Reply) -> LeadReply:
        """The line of ``reply`` by the agency named ``name``; its texts and deliverable kept."""
        for text, bucket in (
            (reply.difficulties, self.difficulties),
            (reply.next_steps, self.next_steps),
            (reply.proposals, self.proposals),
        ):
            if text:
                bucket.append(Attributed(name, task_code, text))
        if reply.attachment:
            self.deliverables.append(Deliverable(task_code, name, *reply.attachment))
        return LeadReply(
            name,
            reply.status,
            reply.result,
            reply.confirmed_on,
            reply.days_late > 0,
            reply.period,
            reply.days_late,
        )

    def add_task(self, task: TaskFacts, lines: list[LeadReply], period: ReportingPeriod) -> None:
        """Section I's entry of ``task`` with its agencies' ``lines``."""
        self.blocks[task.section_id].append(
            TaskLine(
                task.code,
                nfc(task.content),
                nfc(task.timeline),
                lines,
                activity.due_for(task, period),
            )
        )

    def summary(
        self,
        *,
        sections: dict[int, tuple[int, str]],
        standings: tuple[list[AgencyStanding], list[AgencyStanding], list[AgencyStanding]],
        tasks: list[TaskFacts],
        done: activity.Done,
        agencies: dict[int, str],
        **fields: Any,
    ) -> Summary:
        """The ``Summary``: ``sections`` (id → (number, title)) that have lines, in number order;
        the overdue deadlines (to the period's end or the compile date, whichever is first) and
        the on-event tasks not activated, from ``tasks``; ``fields``: the rest of ``Summary``'s."""
        period: ReportingPeriod = fields["period"]
        compiled_on: date = fields["compiled_on"]
        on_time, late, missing = standings
        return Summary(
            sections=[
                SectionBlock(number, nfc(title), self.blocks[section_id])
                for section_id, (number, title) in sorted(sections.items(), key=lambda s: s[1][0])
                if self.blocks[section_id]
            ],
            difficulties=self.difficulties,
            next_steps=self.next_steps,
            proposals=self.proposals,
            deliverables=self.deliverables,
            on_time=on_time,
            late=late,
            missing=missing,
            overdue=activity.overdue(tasks, min(period.end, compiled_on), done, agencies),
            not_activated=[(t.code, nfc(t.on_event)) for t in tasks if t.not_activated],
            **fields,
        )


def _standings(
    expected: dict[int, list[str]],
    latest: dict[tuple[int, int], Reply],
    tasks: list[TaskFacts],
    agencies: dict[int, str],
) -> tuple[list[AgencyStanding], list[AgencyStanding], list[AgencyStanding]]:
    """Agencies asked in the period, split on time / late / not at all, in agency order."""
    code_of = {t.id: t.code for t in tasks}
    position = {t.id: t.position for t in tasks}
    replies_of: dict[int, list[Reply]] = defaultdict(list)
    for (_task, agency_id), reply in latest.items():
        replies_of[agency_id].append(reply)
    on_time, late, missing = [], [], []
    for agency_id in sorted(set(expected) | set(replies_of)):
        own = sorted(replies_of.get(agency_id, ()), key=lambda r: position.get(r.task_id, 0))
        replied = [code_of[r.task_id] for r in own]
        answered = set(replied)
        standing = AgencyStanding(
            agency=agencies[agency_id],
            replied=replied,
            late=[code_of[r.task_id] for r in own if r.days_late],
            missing=[c for c in expected.get(agency_id, ()) if c not in answered],
            last_confirmed_on=max((r.confirmed_on for r in own), default=None),
            days_late=max((r.days_late for r in own), default=0),
        )
        if not own:
            missing.append(standing)
        elif standing.late:
            late.append(standing)
        else:
            on_time.append(standing)
    return on_time, late, missing


async def _unreachable(
    session: AsyncSession, plan_id: int, agencies: dict[int, str], tz: ZoneInfo
) -> list[UnreachableContact]:
    connection = await session.connection()
    contacts = await connection.execute(
        select(
            Contact.full_name,
            Contact.username,
            Contact.telegram_user_id,
            Contact.agency_id,
            Contact.unreachable_at,
            Contact.unreachable_reason,
        )
        .where(
            Contact.plan_id == plan_id,
            Contact.unreachable_at.is_not(None),
            Contact.revoked_at.is_(None),
        )
        .order_by(Contact.unreachable_at)
    )
    return [
        UnreachableContact(
            name=nfc(c.full_name) or (c.username or str(c.telegram_user_id)),
            agency=agencies.get(c.agency_id, "") if c.agency_id else "",
            since=local_date(c.unreachable_at, tz),
            reason=nfc(c.unreachable_reason),
        )
        for c in contacts
    ]
