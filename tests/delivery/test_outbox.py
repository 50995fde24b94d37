"""Outbox transitions on a real database (SQLite; PostgreSQL when reachable), no Telegram."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from models.db import create_engine, create_session_factory
from models.reminders import OutboxMessage, OutboxStatus
from scheduler import claims as outbox
from tests.delivery.seed import T0, add_reminders, migrated, seed_plan, users, utc


async def _rows(sf) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    async with sf() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def test_claim_takes_due_rows_of_whole_recipients(db_url: str) -> None:
    sf = await migrated(db_url)
    plan_id = await seed_plan(sf, 5)
    await add_reminders(sf, plan_id, users(3), per_chat=2)  # 6 rows due at T0
    await add_reminders(sf, plan_id, users(2, start=4), at=T0 + timedelta(hours=1))
    async with sf.begin() as session:
        claimed = await outbox.claim_due(session, T0, max_recipients=2)
    # Two recipients, both of their rows, in recipient order; the later rows are not due.
    assert [(r.recipient_chat_id, r.status, r.attempts) for r in claimed] == [
        (users(1)[0], OutboxStatus.SENDING, 1),
        (users(1)[0], OutboxStatus.SENDING, 1),
        (users(2)[1], OutboxStatus.SENDING, 1),
        (users(2)[1], OutboxStatus.SENDING, 1),
    ]
    assert {utc(r.next_attempt_at) for r in claimed} == {T0 + outbox.DEFAULT_LEASE}
    async with sf.begin() as session:
        rest = await outbox.claim_due(session, T0)
        assert [r.recipient_chat_id for r in rest] == [users(3)[2]] * 2
        assert await outbox.claim_due(session, T0) == []


async def test_mark_sent_only_from_sending(db_url: str) -> None:
    sf = await migrated(db_url)
    plan_id = await seed_plan(sf, 1)
    await add_reminders(sf, plan_id, users(1))
    async with sf.begin() as session:
        [row] = await outbox.claim_due(session, T0)
        assert await outbox.mark_sent(session, [row.id], T0, 42) == 1
        assert await outbox.mark_sent(session, [row.id], T0, 43) == 0  # already sent
    [row] = await _rows(sf)
    assert (row.status, row.telegram_message_id, row.next_attempt_at) == (
        OutboxStatus.SENT,
        42,
        None,
    )


async def test_recover_stale_by_lease_or_all(db_url: str) -> None:
    sf = await migrated(db_url)
    plan_id = await seed_plan(sf, 2)
    await add_reminders(sf, plan_id, users(2))
    async with sf.begin() as session:
        await outbox.claim_due(session, T0, lease=timedelta(minutes=10))
    async with sf.begin() as session:
        # 9 minutes later the claims are still live; 11 minutes later they are stale.
        assert await outbox.recover_stale(session, T0 + timedelta(minutes=9)) == 0
        assert await outbox.recover_stale(session, T0 + timedelta(minutes=11)) == 2
    assert {r.status for r in await _rows(sf)} == {OutboxStatus.RETRY}
    async with sf.begin() as session:
        assert len(await outbox.claim_due(session, T0 + timedelta(minutes=11))) == 2
        # A new leader takes back every 'sending' row at once, lease or not.
        assert await outbox.recover_stale(session, T0, everything=True) == 2
    assert [r.attempts for r in await _rows(sf)] == [2, 2]


async def test_expire_old_rows_are_not_sent_late(db_url: str) -> None:
    sf = await migrated(db_url)
    plan_id = await seed_plan(sf, 2)
    await add_reminders(sf, plan_id, users(1), at=T0 - timedelta(days=3))
    await add_reminders(sf, plan_id, users(1, start=2), at=T0)
    async with sf.begin() as session:
        assert await outbox.expire_old(session, T0, timedelta(hours=20)) == 1
        claimed = await outbox.claim_due(session, T0)
    assert [r.recipient_chat_id for r in claimed] == users(1, start=2)
    counts = {r.recipient_chat_id: (r.status, r.error) for r in await _rows(sf)}
    assert counts[users(1)[0]] == (OutboxStatus.FAILED, "expired: not sent in time")


async def test_two_claimers_at_once_never_share_a_row(db_url: str) -> None:
    sf = await migrated(db_url)
    plan_id = await seed_plan(sf, 60)
    await add_reminders(sf, plan_id, users(60), per_chat=2)
    # Two engines = two independent connection pools, as two processes would have.
    engines = [create_engine(db_url) for _ in range(2)]
    factories = [create_session_factory(engine) for engine in engines]

    async def claimer(factory) -> list[int]:  # type: ignore[no-untyped-def]
        got: list[int] = []
        while True:
            async with factory.begin() as session:
                rows = await outbox.claim_due(session, T0, max_recipients=7)
            if not rows:
                return got
            got.extend(r.id for r in rows)
            await asyncio.sleep(0)

    try:
        a, b = await asyncio.gather(*(claimer(f) for f in factories))
    finally:
        for engine in engines:
            await engine.dispose()
    assert set(a).isdisjoint(b)
    assert len(a) + len(b) == 120
    assert {r.attempts for r in await _rows(sf)} == {1}
