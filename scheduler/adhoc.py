"""Ad hoc requests (báo cáo đột xuất) as the dialog and the reports see them: which are open to an
agency's answer, which ``/baocao`` offers, their period and their label.

A request made by the standing office (``/dotxuat``, ``python -m bot adhoc create``) is answered
with replies whose period is ``adhoc:<request id>`` (``scheduler.inputs.adhoc_period_id``); the
planner stops reminding an agency once it has one (``scheduler.items``).

Openness (our rule, the plan sets none): a request is *open* to an addressed agency from the local
day it was made until ``OPEN_DAYS_AFTER_DUE`` calendar days after its due date — answered or not,
so that a reply can be corrected or another task added, and a late agency can still answer (the
report marks it late). ``/baocao`` offers the same requests, to every reader. Dates are calendar
dates in the plan's time zone (Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from locales import _
from models.plan import Agency
from models.reminders import AdhocRequest, AdhocRequestAgency
from scheduler.inputs import adhoc_period_id, as_utc
from scheduler.periods import ReportingPeriod, adhoc_request

#: Calendar days after the due date during which a request is still offered (answer or correct).
OPEN_DAYS_AFTER_DUE = 30


@dataclass(frozen=True)
class AdhocRequestRef:
    """A request: id, subject (as typed, NFC, not escaped), due date, the local day it was made,
    and the agencies asked (every agency of the plan when it was sent to all)."""

    id: int
    subject: str
    due: date
    requested_on: date
    agency_ids: tuple[int, ...]

    @property
    def period_id(self) -> str:
        """``adhoc:<id>``: the period its replies carry."""
        return adhoc_period_id(self.id)

    @property
    def period(self) -> ReportingPeriod:
        """Its reporting period: the request day → the due date."""
        return adhoc_request(self.id, self.requested_on, self.due)

    def is_open(self, day: date) -> bool:
        """Whether it may be answered on local ``day`` (module docstring)."""
        return self.requested_on <= day <= self.due + timedelta(days=OPEN_DAYS_AFTER_DUE)


def period_label(subject: str, due: date, max_subject: int | None = None) -> str:
    """ "Đột xuất: Kết quả lấy mẫu ADN (hạn 04/12/2026)" — plain text (escape it for HTML);
    ``max_subject`` cuts a long subject at a word, with "…" (for a button)."""
    subject = " ".join(subject.split())
    if max_subject is not None and len(subject) > max_subject:
        subject = subject[: max_subject - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return _("Đột xuất: {subject} (hạn {due})").format(
        subject=subject, due=due.strftime("%d/%m/%Y")
    )


async def load_requests(
    session: AsyncSession,
    plan_id: int,
    tz: ZoneInfo,
    *,
    request_id: int | None = None,
    agency_id: int | None = None,
) -> list[AdhocRequestRef]:
    """The plan's requests (one when ``request_id``; only those addressed to ``agency_id`` when
    given), latest due date first, then latest request. Never commits."""
    stmt = select(AdhocRequest).where(AdhocRequest.plan_id == plan_id)
    if request_id is not None:
        stmt = stmt.where(AdhocRequest.id == request_id)
    if agency_id is not None:
        addressed = select(AdhocRequestAgency.request_id).where(
            AdhocRequestAgency.agency_id == agency_id
        )
        stmt = stmt.where(or_(AdhocRequest.all_agencies, AdhocRequest.id.in_(addressed)))
    requests = (
        await session.scalars(stmt.order_by(AdhocRequest.due.desc(), AdhocRequest.id.desc()))
    ).all()
    if not requests:
        return []
    chosen: dict[int, list[int]] = {r.id: [] for r in requests}
    rows = await session.execute(
        select(AdhocRequestAgency.request_id, AdhocRequestAgency.agency_id)
        .where(AdhocRequestAgency.request_id.in_(list(chosen)))
        .order_by(AdhocRequestAgency.id)
    )
    for rid, aid in rows:
        chosen[rid].append(aid)
    everyone: tuple[int, ...] = ()
    if any(r.all_agencies for r in requests):
        everyone = tuple(
            await session.scalars(
                select(Agency.id).where(Agency.plan_id == plan_id).order_by(Agency.id)
            )
        )
    return [
        AdhocRequestRef(
            id=r.id,
            subject=r.subject,
            due=r.due,
            requested_on=as_utc(r.requested_at).astimezone(tz).date(),
            agency_ids=everyone if r.all_agencies else tuple(chosen[r.id]),
        )
        for r in requests
    ]


async def open_requests(
    session: AsyncSession, plan_id: int, day: date, tz: ZoneInfo, *, agency_id: int | None = None
) -> list[AdhocRequestRef]:
    """The requests open on local ``day`` (to ``agency_id`` when given), latest due first."""
    found = await load_requests(session, plan_id, tz, agency_id=agency_id)
    return [r for r in found if r.is_open(day)]


async def get_request(
    session: AsyncSession, plan_id: int, request_id: int, tz: ZoneInfo
) -> AdhocRequestRef | None:
    """Request ``request_id`` of ``plan_id``, or None when the plan has no such request."""
    found = await load_requests(session, plan_id, tz, request_id=request_id)
    return found[0] if found else None
