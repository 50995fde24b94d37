"""Standing-office controls over delivery: pause/resume, ad-hoc requests, notices, unreachable
contacts, snoozes. Plain functions on a session (they never commit); CLI and chat call them.

Times are aware UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.people import BoundChat, Contact, ContactRole, Role
from models.plan import Agency, PlanSetting
from models.reminders import (
    AdhocRequest,
    AdhocRequestAgency,
    CalendarOverride,
    OutboxMessage,
    OutboxStatus,
    Snooze,
)
from scheduler.calendar import WorkingCalendar
from scheduler.rules import ReminderRules

#: PlanSetting key: while true, the sender sends nothing for the plan and the planner tick is idle.
PAUSED_KEY = "reminders_paused"
STANDING_OFFICE_PURPOSE = "standing_office"
#: The province's time zone (the settings' default): an ad hoc request's due date is a local date.
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
#: The settings' default rules (send time 08:00, campaign ending 27/07/2027, the province's zone).
DEFAULT_RULES = ReminderRules()


class AdhocDueInPast(ValueError):
    """An ad hoc request due before the day it is made (local date): every addressed agency would
    be told at once it is overdue (and escalated) before anyone could cancel it."""

    def __init__(self, due: date, today: date) -> None:
        super().__init__(f"due date {due:%d/%m/%Y} is before today ({today:%d/%m/%Y})")
        self.due = due
        self.today = today


class AdhocAfterCampaign(ValueError):
    """An ad hoc request due after the campaign's last day (``campaign_end``, the settings or the
    plan's own setting): nothing is planned past it, so the request would never be followed up."""

    def __init__(self, due: date, last_day: date) -> None:
        super().__init__(
            f"due date {due:%d/%m/%Y} is after the campaign's end ({last_day:%d/%m/%Y})"
        )
        self.due = due
        self.last_day = last_day


async def is_paused(session: AsyncSession, plan_id: int) -> bool:
    """Whether the standing office paused all reminders of ``plan_id``."""
    value = await session.scalar(
        select(PlanSetting.value).where(
            PlanSetting.plan_id == plan_id, PlanSetting.key == PAUSED_KEY
        )
    )
    return bool(value)


async def paused_plan_ids(session: AsyncSession) -> list[int]:
    """Every plan whose reminders are paused."""
    rows = await session.execute(
        select(PlanSetting.plan_id, PlanSetting.value).where(PlanSetting.key == PAUSED_KEY)
    )
    return [plan_id for plan_id, value in rows.all() if value]


async def set_paused(session: AsyncSession, plan_id: int, paused: bool) -> bool:
    """Pause (``True``) or resume all reminders of ``plan_id``; returns the previous state.

    Rows stay in the outbox while paused; those older than the sender's expiry when it resumes are
    not sent late (``claims.expire_old``)."""
    setting = await session.scalar(
        select(PlanSetting).where(PlanSetting.plan_id == plan_id, PlanSetting.key == PAUSED_KEY)
    )
    if setting is None:
        session.add(PlanSetting(plan_id=plan_id, key=PAUSED_KEY, value=paused))
        return False
    previous = bool(setting.value)
    setting.value = paused
    return previous


async def create_adhoc(
    session: AsyncSession,
    plan_id: int,
    *,
    subject: str,
    due: date,
    agency_ids: Sequence[int] | None,
    now: datetime,
    by_contact_id: int | None = None,
    rules: ReminderRules = DEFAULT_RULES,
) -> AdhocRequest:
    """Record a "báo cáo đột xuất" request to ``agency_ids`` (``None`` = every agency; an agency
    named twice is asked once) due ``due`` (a local date in ``rules.tz``; ``now`` aware).

    The planner sends it at the next sending time and follows it up like a deadline (issue 5).
    Raises ``AdhocDueInPast`` when ``due`` is before ``now``'s local date, ``AdhocAfterCampaign``
    when it is after the campaign's last day (``rules.campaign_end``, or the plan's own
    ``campaign_end`` setting), ``ValueError`` on an empty subject or an empty agency list.

    A request due today made after today's sending time (or due on a day whose sending time has
    no working day left before it) is still created: the office may want it recorded and
    followed up, and may cancel it. It is not refused because the office knows best whether a
    late request is still worth sending; callers warn with ``adhoc_sent_after_due``."""
    subject = subject.strip()
    if not subject:
        raise ValueError("empty subject")
    if agency_ids is not None and not agency_ids:
        raise ValueError("no agency chosen")
    today = now.astimezone(rules.tz).date()
    if due < today:
        raise AdhocDueInPast(due, today)
    last_day = (await plan_rules(session, plan_id, rules)).campaign_end
    if due > last_day:
        raise AdhocAfterCampaign(due, last_day)
    request = AdhocRequest(
        plan_id=plan_id,
        subject=subject,
        due=due,
        all_agencies=agency_ids is None,
        requested_at=now,
        requested_by_contact_id=by_contact_id,
    )
    session.add(request)
    await session.flush()
    for agency_id in dict.fromkeys(agency_ids or ()):
        session.add(AdhocRequestAgency(request_id=request.id, agency_id=agency_id))
    await session.flush()
    return request


async def plan_rules(session: AsyncSession, plan_id: int, rules: ReminderRules) -> ReminderRules:
    """``rules`` with ``plan_id``'s own settings on top (``ReminderRules.with_plan_settings``)."""
    rows = await session.execute(
        select(PlanSetting.key, PlanSetting.value).where(PlanSetting.plan_id == plan_id)
    )
    return rules.with_plan_settings({key: value for key, value in rows})


async def adhoc_sent_after_due(
    session: AsyncSession,
    plan_id: int,
    due: date,
    now: datetime,
    rules: ReminderRules = DEFAULT_RULES,
) -> datetime | None:
    """When an ad hoc request due ``due`` (local date) made at ``now`` (aware) goes out, if that
    is after its due date: the next sending time on a working day of ``plan_id``'s calendar
    (aware, in ``rules.tz``), e.g. tomorrow 08:00 for a request due today made at 10:00. None when
    it goes out on or before ``due`` (the usual case)."""
    sending = rules.next_sending_time(now, await plan_calendar(session, plan_id))
    return sending if sending.date() > due else None


async def standing_office_chats(session: AsyncSession, plan_id: int) -> list[int]:
    """Where the standing office's notices go: its bound group if bound and reachable, else the
    private chats of its reachable contacts (agency flagged standing office, or role)."""
    group = await session.scalar(
        select(BoundChat.chat_id).where(
            BoundChat.plan_id == plan_id,
            BoundChat.purpose == STANDING_OFFICE_PURPOSE,
            BoundChat.unreachable_at.is_(None),
        )
    )
    if group is not None:
        return [group]
    rows = await session.scalars(
        select(Contact.telegram_user_id)
        .outerjoin(Agency, Agency.id == Contact.agency_id)
        .outerjoin(ContactRole, ContactRole.contact_id == Contact.id)
        .where(
            Contact.plan_id == plan_id,
            Contact.revoked_at.is_(None),
            Contact.unreachable_at.is_(None),
            or_(Agency.is_standing_office.is_(True), ContactRole.role == Role.STANDING_OFFICE),
        )
        .distinct()
        .order_by(Contact.telegram_user_id)
    )
    return list(rows.all())


@dataclass(frozen=True)
class Unreachable:
    """A contact who just became unreachable (was reachable before this failure)."""

    contact_id: int
    plan_id: int
    name: str
    agency: str


async def mark_unreachable(
    session: AsyncSession, chat_id: int, reason: str, now: datetime
) -> list[Unreachable]:
    """Flag the contacts (and bound groups) behind ``chat_id`` unreachable with ``reason``.

    Returns only the contacts that were reachable until now, so the standing office is told once
    per episode (the flag is cleared on the contact's next activity)."""
    await session.execute(
        update(BoundChat)
        .where(BoundChat.chat_id == chat_id, BoundChat.unreachable_at.is_(None))
        .values(unreachable_at=now)
        .execution_options(synchronize_session=False)
    )
    changed = (
        await session.scalars(
            update(Contact)
            .where(Contact.telegram_user_id == chat_id, Contact.unreachable_at.is_(None))
            .values(unreachable_at=now, unreachable_reason=reason)
            .returning(Contact.id)
            .execution_options(synchronize_session=False)
        )
    ).all()
    if not changed:
        return []
    rows = await session.execute(
        select(Contact.id, Contact.plan_id, Contact.full_name, Contact.username, Agency.name)
        .outerjoin(Agency, Agency.id == Contact.agency_id)
        .where(Contact.id.in_(list(changed)))
        .order_by(Contact.id)
    )
    return [
        Unreachable(cid, pid, name or (f"@{username}" if username else str(chat_id)), agency or "")
        for cid, pid, name, username, agency in rows.all()
    ]


async def enqueue_notice(
    session: AsyncSession, plan_id: int, key: str, text: str, now: datetime
) -> int:
    """Queue a ``notice`` (plain ``text``) to the standing office; returns how many rows.

    ``key`` must be unique per notice (UNIQUE plan, key, recipient)."""
    chats = await standing_office_chats(session, plan_id)
    for chat in chats:
        session.add(
            OutboxMessage(
                plan_id=plan_id,
                key=key,
                kind="notice",
                recipient_chat_id=chat,
                payload={"text": text},
                scheduled_at=now,
            )
        )
    await session.flush()
    return len(chats)


async def migrate_chat(session: AsyncSession, old_chat_id: int, new_chat_id: int) -> None:
    """A group became a supergroup: store its new id on bound chats and on unsent outbox rows."""
    await session.execute(
        update(BoundChat)
        .where(BoundChat.chat_id == old_chat_id)
        .values(chat_id=new_chat_id)
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.recipient_chat_id == old_chat_id,
            OutboxMessage.status.in_(("pending", "retry", "sending")),
        )
        .values(recipient_chat_id=new_chat_id)
        .execution_options(synchronize_session=False)
    )


async def snooze_item(
    session: AsyncSession, outbox_id: int, telegram_user_id: int, until: datetime
) -> Snooze | None:
    """ "Nhắc lại sau": the tapping contact's item (outbox row ``outbox_id``) moves to ``until``
    (aware UTC, the next working day's sending time, computed by the caller from the calendar).

    Returns the snooze, or ``None`` when the row is not this user's (someone else's button)."""
    row = await session.get(OutboxMessage, outbox_id)
    if row is None or row.recipient_chat_id != telegram_user_id:
        return None
    contact = await session.scalar(
        select(Contact).where(
            Contact.plan_id == row.plan_id,
            Contact.telegram_user_id == telegram_user_id,
            Contact.revoked_at.is_(None),
        )
    )
    if contact is None:
        return None
    # Stored in UTC: SQLite keeps the wall time and drops the offset.
    until = until.astimezone(UTC)
    snooze = await session.scalar(
        select(Snooze).where(Snooze.contact_id == contact.id, Snooze.reminder_key == row.key)
    )
    if snooze is None:
        snooze = Snooze(contact_id=contact.id, reminder_key=row.key, until=until)
        session.add(snooze)
    else:
        snooze.until = until
    await session.flush()
    return snooze


async def snooze_to_next_working_day(
    session: AsyncSession,
    plan_id: int,
    outbox_id: int,
    telegram_user_id: int,
    now: datetime,
    rules: ReminderRules,
) -> datetime | None:
    """ "Nhắc lại sau" tapped at ``now`` (aware) by ``telegram_user_id`` on outbox row
    ``outbox_id``: the item moves to the next working day's sending time (``rules.snooze_until``
    on ``plan_id``'s calendar, overrides included; ``snooze_item`` stores it).

    Returns that time (aware, in ``rules.timezone``), or ``None`` when the row is not this user's."""
    calendar = await plan_calendar(session, plan_id)
    until = rules.snooze_until(now, calendar)
    snoozed = await snooze_item(session, outbox_id, telegram_user_id, until)
    return until if snoozed is not None else None


async def plan_calendar(session: AsyncSession, plan_id: int) -> WorkingCalendar:
    """The VN working-day calendar with the standing office's overrides for ``plan_id``."""
    rows = await session.execute(
        select(CalendarOverride.day, CalendarOverride.is_working_day).where(
            CalendarOverride.plan_id == plan_id
        )
    )
    return WorkingCalendar({day: working for day, working in rows.all()})


async def recent_failures(
    session: AsyncSession, plan_id: int, limit: int = 10
) -> list[OutboxMessage]:
    """The newest ``failed`` rows of ``plan_id`` (for the standing office's outbox view)."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.plan_id == plan_id, OutboxMessage.status == OutboxStatus.FAILED)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(rows.all())
