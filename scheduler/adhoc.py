"""Ad hoc requests (báo cáo đột xuất) as the dialog and the reports see them: which are open to an
agency's answer, which ``/baocao`` offers, their period and their label.

A request made by the standing office (``/dotxuat``, ``python -m bot adhoc create``) is answered
with replies whose period is ``adhoc:<request id>`` (``scheduler.inputs.adhoc_period_id``); the
planner stops reminding an agency once it has one (``scheduler.items``).

Openness (our rule, the plan sets none): a request is *open* to an addressed agency from the local
day it was made until ``OPEN_DAYS_AFTER_DUE`` calendar days after its due date — answered or not,
so that a reply can be corrected or another task added, and a late agency can still answer (the
report marks it late). ``/baocao`` offers the same requests, to every reader. A request the
standing office cancelled (``cancel_request``: ``adhoc cancel N``, ``/huydotxuat N``) is open to
nobody from then on and the planner forgets it (``scheduler.snapshot``); its replies are kept and
``/baocao dot xuat N`` still compiles it. Dates are calendar dates in the plan's time zone
(Asia/Ho_Chi_Minh).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from locales import _
from models.db import as_utc
from models.plan import Agency
from models.progress import ProgressReport
from models.reminders import AdhocRequest, AdhocRequestAgency, OutboxMessage, OutboxStatus
from models.text import fmt_date
from scheduler.inputs import adhoc_period_id
from scheduler.periods import ReportingPeriod, adhoc_request

#: Calendar days after the due date during which a request is still offered (answer or correct).
OPEN_DAYS_AFTER_DUE = 30
#: The ``error`` of an outbox row failed because its request was cancelled before it went out.
CANCELLED_ERROR = "cancelled: the ad hoc request was withdrawn"


@dataclass(frozen=True)
class AdhocRequestRef:
    """A request: id, subject (as typed, NFC, not escaped), due date, the local day it was made,
    the agencies asked (every agency of the plan when it was sent to all), whether it was sent to
    all, and the local day it was cancelled (None: not cancelled)."""

    id: int
    subject: str
    due: date
    requested_on: date
    agency_ids: tuple[int, ...]
    all_agencies: bool = False
    cancelled_on: date | None = None

    @property
    def period_id(self) -> str:
        """``adhoc:<id>``: the period its replies carry."""
        return adhoc_period_id(self.id)

    @property
    def period(self) -> ReportingPeriod:
        """Its reporting period: the request day → the due date."""
        return adhoc_request(self.id, self.requested_on, self.due)

    def is_open(self, day: date) -> bool:
        """Whether it may be answered on local ``day`` (module docstring): never once cancelled."""
        if self.cancelled_on is not None:
            return False
        return self.requested_on <= day <= self.due + timedelta(days=OPEN_DAYS_AFTER_DUE)


def period_label(subject: str, due: date, max_subject: int | None = None) -> str:
    """ "Đột xuất: Kết quả lấy mẫu ADN (hạn 04/12/2026)" — plain text (escape it for HTML);
    ``max_subject`` cuts a long subject at a word, with "…" (for a button)."""
    subject = " ".join(subject.split())
    if max_subject is not None and len(subject) > max_subject:
        subject = subject[: max_subject - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return _("Đột xuất: {subject} (hạn {due})").format(subject=subject, due=fmt_date(due))


@functools.cache
def _requests_statement(
    by_id: bool, by_agency: bool
) -> Select[int, str, date, datetime, bool, datetime | None]:
    """The requests SELECT of ``load_requests``, built once per shape (bind parameters
    ``b_plan_id``, ``b_request_id``, ``b_agency_id``)."""
    stmt = select(
        AdhocRequest.id,
        AdhocRequest.subject,
        AdhocRequest.due,
        AdhocRequest.requested_at,
        AdhocRequest.all_agencies,
        AdhocRequest.cancelled_at,
    ).where(AdhocRequest.plan_id == bindparam("b_plan_id"))
    if by_id:
        stmt = stmt.where(AdhocRequest.id == bindparam("b_request_id"))
    if by_agency:
        addressed = select(AdhocRequestAgency.request_id).where(
            AdhocRequestAgency.agency_id == bindparam("b_agency_id")
        )
        stmt = stmt.where(or_(AdhocRequest.all_agencies, AdhocRequest.id.in_(addressed)))
    return stmt.order_by(AdhocRequest.due.desc(), AdhocRequest.id.desc())


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
    params: dict[str, int] = {"b_plan_id": plan_id}
    if request_id is not None:
        params["b_request_id"] = request_id
    if agency_id is not None:
        params["b_agency_id"] = agency_id
    requests = (
        await session.execute(
            _requests_statement(request_id is not None, agency_id is not None), params
        )
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
            all_agencies=r.all_agencies,
            cancelled_on=(
                as_utc(r.cancelled_at).astimezone(tz).date() if r.cancelled_at is not None else None
            ),
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


def cancelled_notice(cancelled_on: date) -> str:
    """What a contact is told on a cancelled request's button (plain text)."""
    return _(
        "Cơ quan Thường trực đã hủy yêu cầu báo cáo đột xuất này ngày {day}; bạn không cần báo "
        "cáo nữa. Cảm ơn bạn!"
    ).format(day=fmt_date(cancelled_on))


@dataclass(frozen=True)
class RequestStanding:
    """A request as ``adhoc list`` / ``/dotxuat`` show it: the request and how many of its
    addressed agencies have answered (any confirmed reply with its period)."""

    request: AdhocRequestRef
    answered: int
    #: Names of the agencies asked, in the order they were named (empty when sent to all).
    agency_names: tuple[str, ...] = ()

    @property
    def addressed(self) -> int:
        """How many agencies were asked."""
        return len(self.request.agency_ids)

    @property
    def addressees(self) -> str:
        """ "mọi cơ quan", or the agencies' names joined with "; " (plain text; a name may hold a
        comma: "Sở Văn hóa, Thể thao và Du lịch")."""
        if self.request.all_agencies:
            return _("mọi cơ quan")
        return "; ".join(self.agency_names)

    def line(self, today: date) -> str:
        """One plain-text line: "số 3 · Kết quả lấy mẫu ADN · hạn 15/12/2026 · gửi Sở Y tế ·
        đã báo cáo 1/1 · đã đủ báo cáo" (escape it for HTML)."""
        r = self.request
        return _(
            "số {id} · {subject} · hạn {due} · gửi {to} · đã báo cáo {answered}/{addressed} · "
            "{status}"
        ).format(
            id=r.id,
            subject=" ".join(r.subject.split()),
            due=fmt_date(r.due),
            to=self.addressees,
            answered=self.answered,
            addressed=self.addressed,
            status=self.status(today),
        )

    def status(self, today: date) -> str:
        """Vietnamese status on local ``today``: cancelled (with its day), every agency answered,
        waiting (due date not passed), overdue (still open), or closed."""
        r = self.request
        if r.cancelled_on is not None:
            return _("đã hủy ngày {day}").format(day=fmt_date(r.cancelled_on))
        if self.addressed and self.answered >= self.addressed:
            return _("đã đủ báo cáo")
        if today <= r.due:
            return _("đang chờ báo cáo")
        if r.is_open(today):
            return _("quá hạn")
        return _("đã đóng")


async def request_standings(
    session: AsyncSession, plan_id: int, tz: ZoneInfo
) -> list[RequestStanding]:
    """Every request of ``plan_id`` (cancelled ones too), latest due first, with its answer
    count. Never commits."""
    requests = await load_requests(session, plan_id, tz)
    if not requests:
        return []
    periods = {r.period_id: r for r in requests}
    rows = await session.execute(
        select(ProgressReport.period, ProgressReport.agency_id)
        .where(ProgressReport.plan_id == plan_id, ProgressReport.period.in_(list(periods)))
        .distinct()
    )
    answered: dict[int, set[int]] = {r.id: set() for r in requests}
    for period, agency_id in rows:
        answered[periods[period].id].add(agency_id)
    named = {a for r in requests if not r.all_agencies for a in r.agency_ids}
    names: dict[int, str] = {}
    if named:
        found = await session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(named)))
        names = {agency_id: name for agency_id, name in found}
    return [
        RequestStanding(
            r,
            len(answered[r.id] & set(r.agency_ids)),
            () if r.all_agencies else tuple(names.get(a, "?") for a in r.agency_ids),
        )
        for r in requests
    ]


class RequestAlreadyCancelled(ValueError):
    """``cancel_request`` on a request cancelled before (``cancelled_on`` is that local day)."""

    def __init__(self, request: AdhocRequestRef) -> None:
        super().__init__(f"ad hoc request {request.id} was already cancelled")
        self.request = request


async def cancel_request(
    session: AsyncSession,
    plan_id: int,
    request_id: int,
    now: datetime,
    tz: ZoneInfo,
    *,
    by_contact_id: int | None = None,
) -> AdhocRequestRef | None:
    """Cancel request ``request_id`` of ``plan_id`` at ``now`` (aware) by ``by_contact_id`` (None
    from the CLI); returns it as cancelled, or None when the plan has no such request. Raises
    ``RequestAlreadyCancelled``. Replies already given are kept. Reminder rows of the request
    still waiting in the outbox (e.g. while reminders are paused) are failed with
    ``CANCELLED_ERROR`` so that the sender never sends them. Never commits."""
    found = await get_request(session, plan_id, request_id, tz)
    if found is None:
        return None
    if found.cancelled_on is not None:
        raise RequestAlreadyCancelled(found)
    await session.execute(
        update(AdhocRequest)
        .where(AdhocRequest.id == request_id, AdhocRequest.plan_id == plan_id)
        .values(cancelled_at=now, cancelled_by_contact_id=by_contact_id)
    )
    # Item keys are ``<kind>:adhoc:<id>:a<agency>…`` (``scheduler.items.Item.key``).
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.plan_id == plan_id,
            OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.RETRY)),
            OutboxMessage.key.like(f"%:{adhoc_period_id(request_id)}:a%"),
        )
        .values(status=OutboxStatus.FAILED, error=CANCELLED_ERROR, next_attempt_at=None)
    )
    return AdhocRequestRef(
        id=found.id,
        subject=found.subject,
        due=found.due,
        requested_on=found.requested_on,
        agency_ids=found.agency_ids,
        all_agencies=found.all_agencies,
        cancelled_on=now.astimezone(tz).date(),
    )
