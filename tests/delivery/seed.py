"""Rows for delivery tests and the fan-out benchmark: a plan, agencies, contacts, outbox rows.

Contacts get Telegram ids ``BASE_USER + n`` (private chats); the standing office's group is
``OFFICE_GROUP``. Times are aware UTC.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from models import migrate
from models.db import create_engine, create_session_factory
from models.people import BoundChat, Contact
from models.plan import Agency, Plan
from models.reminders import OutboxMessage

BASE_USER = 700_000_000
OFFICE_GROUP = -100_500_000_001
#: Monday 30/11/2026 08:00 Asia/Ho_Chi_Minh — the sơ kết deadline (task 10b) of the real plan.
T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


#: Engines ``migrated`` made during the running test; ``dispose_engines`` (an autouse fixture of
#: ``tests/delivery/conftest.py``) disposes them before the test's event loop closes.
ENGINES: list[AsyncEngine] = []


async def migrated(url: str) -> async_sessionmaker[AsyncSession]:
    """Upgrade ``url`` to the newest schema; a session factory on it (its engine is disposed at
    the end of the test, see ``ENGINES``)."""
    await asyncio.to_thread(migrate.upgrade, url, "head")
    engine = create_engine(url)
    ENGINES.append(engine)
    return create_session_factory(engine)


async def dispose_engines() -> None:
    """Dispose every engine in ``ENGINES`` (and forget them)."""
    while ENGINES:
        await ENGINES.pop().dispose()


async def seed_plan(
    sf: async_sessionmaker[AsyncSession], contacts: int, *, office_group: bool = True
) -> int:
    """A plan with the standing office (Bộ CHQS tỉnh), one agency per contact ("UBND xã n") and
    ``contacts`` contacts; the office's group bound when ``office_group``. Returns the plan id."""
    async with sf.begin() as session:
        plan = Plan(key="test-plan", title="Kế hoạch thử", province="Hà Tĩnh")
        session.add(plan)
        await session.flush()
        office = Agency(
            plan_id=plan.id,
            name="Bộ Chỉ huy Quân sự tỉnh",
            name_folded="bo chi huy quan su tinh",
            is_standing_office=True,
        )
        session.add(office)
        for n in range(1, contacts + 1):
            agency = Agency(plan_id=plan.id, name=f"UBND xã {n}", name_folded=f"ubnd xa {n}")
            session.add(agency)
            await session.flush()
            session.add(
                Contact(
                    plan_id=plan.id,
                    telegram_user_id=BASE_USER + n,
                    full_name=f"Cán bộ {n}",
                    agency_id=agency.id,
                )
            )
        if office_group:
            session.add(
                BoundChat(
                    plan_id=plan.id,
                    chat_id=OFFICE_GROUP,
                    title="Cơ quan Thường trực",
                    purpose="standing_office",
                )
            )
        return plan.id


async def add_reminders(
    sf: async_sessionmaker[AsyncSession],
    plan_id: int,
    chats: list[int],
    *,
    at: datetime = T0,
    kind: str = "deadline",
    per_chat: int = 1,
    tag: str = "10b",
) -> int:
    """``per_chat`` outbox rows for each chat in ``chats``, due ``at``; returns how many."""
    async with sf.begin() as session:
        for chat in chats:
            agency_id = None
            if chat > 0:
                agency_id = await session.scalar(
                    select(Contact.agency_id).where(Contact.telegram_user_id == chat)
                )
            agency = f"UBND xã {chat - BASE_USER}" if chat > 0 else "Bộ Chỉ huy Quân sự tỉnh"
            for i in range(per_chat):
                code = tag if i == 0 else f"{tag}{i}"
                session.add(
                    OutboxMessage(
                        plan_id=plan_id,
                        key=f"{kind}:{code}:0:{at:%Y-%m-%d}",
                        kind=kind,
                        agency_id=agency_id,
                        recipient_chat_id=chat,
                        payload={
                            # The shape of scheduler.planner.Reminder.payload().
                            "kind": kind,
                            "agency": agency,
                            "tasks": [code],
                            "header": f"Nhắc việc: nội dung sắp đến hạn của {agency}",
                            "lines": [f"{code}. Sơ kết 250 ngày — hạn hôm nay (30/11/2026)"],
                        },
                        scheduled_at=at,
                    )
                )
    return len(chats) * per_chat


def utc(value: datetime | None) -> datetime | None:
    """``value`` as aware UTC (SQLite hands stored datetimes back naive, in UTC)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def users(n: int, start: int = 1) -> list[int]:
    """Telegram ids of contacts ``start`` … ``start + n - 1``."""
    return [BASE_USER + i for i in range(start, start + n)]
