"""Outbox state transitions (DESIGN.md decision 1): claim, mark sent / failed / retry, recover.

Every function takes a session and never commits: the sender opens one short transaction per step
so that a row is ``sent`` only after Telegram accepted its message, and a process killed between
the two leaves it ``sending`` — recovered by :func:`recover_stale` and resent (the one window where a
duplicate is possible; the Bot API has no idempotency key).

Lifecycle: ``pending`` → ``sending`` (claimed; ``next_attempt_at`` holds the claim's lease expiry) →
``sent`` | ``failed`` (with ``error``) | ``retry`` (due again at ``next_attempt_at``).
All datetimes are aware UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.reminders import OutboxMessage, OutboxStatus

#: The ``error`` of a row that ``expire_old`` gave up on: never delivered (the snapshot counts such
#: rows as unsent, so the planner folds their items into a later status check).
EXPIRED_ERROR = "expired: not sent in time"

#: How long a claim holds a row in ``sending`` before any sender may take it back.
DEFAULT_LEASE = timedelta(minutes=10)

_CLAIMABLE = (OutboxStatus.PENDING, OutboxStatus.RETRY)


def _due(now: datetime, plan_id: int | None, exclude_plan_ids: Sequence[int] = ()):  # type: ignore[no-untyped-def]
    clauses = [
        OutboxMessage.status.in_(_CLAIMABLE),
        OutboxMessage.scheduled_at <= now,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
    ]
    if plan_id is not None:
        clauses.append(OutboxMessage.plan_id == plan_id)
    if exclude_plan_ids:
        clauses.append(OutboxMessage.plan_id.not_in(list(exclude_plan_ids)))
    return and_(*clauses)


async def claim_due(
    session: AsyncSession,
    now: datetime,
    *,
    plan_id: int | None = None,
    exclude_plan_ids: Sequence[int] = (),
    max_recipients: int = 100,
    lease: timedelta = DEFAULT_LEASE,
) -> list[OutboxMessage]:
    """Claim every due row of up to ``max_recipients`` recipients: ``pending``/``retry`` → ``sending``.

    A recipient's due rows are claimed together so they go out as one message. Rows are chosen with
    ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; the conditional ``UPDATE … WHERE status IN (pending,
    retry) RETURNING`` makes the claim atomic on SQLite too (one writer at a time), so two senders
    never claim the same row. ``attempts`` is incremented; ``next_attempt_at`` becomes the lease
    expiry ``now + lease``. Rows of ``exclude_plan_ids`` (paused plans) are left alone. Returns the claimed rows ordered by recipient, then id.
    """
    recipients = (
        select(OutboxMessage.recipient_chat_id)
        .where(_due(now, plan_id, exclude_plan_ids))
        .group_by(OutboxMessage.recipient_chat_id)
        .order_by(func.min(OutboxMessage.scheduled_at), OutboxMessage.recipient_chat_id)
        .limit(max_recipients)
    )
    chats = list((await session.scalars(recipients)).all())
    if not chats:
        return []
    pick = (
        select(OutboxMessage.id)
        .where(_due(now, plan_id, exclude_plan_ids), OutboxMessage.recipient_chat_id.in_(chats))
        .order_by(OutboxMessage.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    ids = list((await session.scalars(pick)).all())
    if not ids:
        return []
    claimed = (
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(_CLAIMABLE))
            .values(
                status=OutboxStatus.SENDING,
                attempts=OutboxMessage.attempts + 1,
                next_attempt_at=now + lease,
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    ).scalars()
    claimed_ids = list(claimed)
    rows = (
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(claimed_ids))
            .order_by(OutboxMessage.recipient_chat_id, OutboxMessage.id)
            .execution_options(populate_existing=True)
        )
    ).all()
    return list(rows)


async def mark_sent(
    session: AsyncSession, ids: Sequence[int], now: datetime, message_id: int
) -> int:
    """``sending`` → ``sent`` with Telegram's ``message_id``; returns how many rows changed.

    Call only after Telegram accepted the message (decision 1: never mark sent before)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        .values(
            status=OutboxStatus.SENT,
            sent_at=now,
            telegram_message_id=message_id,
            next_attempt_at=None,
            error=None,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def mark_failed(session: AsyncSession, ids: Sequence[int], reason: str) -> None:
    """``sending`` → ``failed`` for good (blocked, chat not found, a rejected message)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.FAILED, next_attempt_at=None, error=reason[:2000])
        .execution_options(synchronize_session=False)
    )


async def mark_retry(session: AsyncSession, ids: Sequence[int], at: datetime, reason: str) -> None:
    """``sending`` → ``retry``, due again at ``at`` (a network error, an exhausted 429)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.RETRY, next_attempt_at=at, error=reason[:2000])
        .execution_options(synchronize_session=False)
    )


async def recover_stale(
    session: AsyncSession, now: datetime, *, plan_id: int | None = None, everything: bool = False
) -> int:
    """Rows left ``sending`` by a dead sender → ``retry`` due ``now``; returns how many.

    The rule: a claim whose lease expired (``next_attempt_at < now``) is stale; with
    ``everything=True`` (called once by a process that just became the leader, so no other sender
    can be running) every ``sending`` row is. A recovered row may already have been delivered if the
    process died between Telegram's acceptance and the commit: it is resent (at-least-once).
    """
    clauses = [OutboxMessage.status == OutboxStatus.SENDING]
    if not everything:
        clauses.append(OutboxMessage.next_attempt_at < now)
    if plan_id is not None:
        clauses.append(OutboxMessage.plan_id == plan_id)
    result = await session.execute(
        update(OutboxMessage)
        .where(*clauses)
        .values(
            status=OutboxStatus.RETRY,
            next_attempt_at=now,
            error="recovered: left in sending by a stopped sender",
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def expire_old(
    session: AsyncSession, now: datetime, max_age: timedelta, *, plan_id: int | None = None
) -> int:
    """Unsent rows scheduled more than ``max_age`` ago → ``failed`` ("expired"); returns how many.

    A reminder is not sent days late (issue 5, "Staleness"). The planner's snapshot counts these
    rows (``error == EXPIRED_ERROR``) as unsent, so the next run folds them into a status check.
    """
    clauses = [
        OutboxMessage.status.in_(_CLAIMABLE),
        OutboxMessage.scheduled_at < now - max_age,
    ]
    if plan_id is not None:
        clauses.append(OutboxMessage.plan_id == plan_id)
    result = await session.execute(
        update(OutboxMessage)
        .where(*clauses)
        .values(status=OutboxStatus.FAILED, next_attempt_at=None, error=EXPIRED_ERROR)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def count_by_status(
    session: AsyncSession, *, plan_id: int | None = None
) -> dict[OutboxStatus, int]:
    """How many rows are in each status (every status present, zero included)."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if plan_id is not None:
        query = query.where(OutboxMessage.plan_id == plan_id)
    counts = {status: 0 for status in OutboxStatus}
    for status, n in (await session.execute(query)).all():
        counts[OutboxStatus(status)] = int(n)
    return counts
