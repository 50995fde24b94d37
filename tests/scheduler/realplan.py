"""The real plan as the importer stores it: data/plan/ke_hoach_chien_dich_500_ngay_dem.txt parsed
and imported (plan.importer) into a fresh SQLite database, one contact bound per agency and per
leader (as in handplan.CONTACTS), and read back by ``scheduler.snapshot.load_snapshot``.

Database ids are renumbered to handplan's (agencies and leaders by name, tasks by code, contacts by
Telegram id) so that the same tests — and the same reminder keys — run on both sources.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from sqlalchemy import select

from models import migrate
from models.db import create_engine, create_session_factory
from models.people import Contact
from models.plan import Agency, LeaderPosition
from plan.importer import import_file
from scheduler.snapshot import AgencyRef, ContactRef, PlanSnapshot, load_snapshot
from tests.conftest import PLAN_TXT
from tests.scheduler.handplan import AGENCIES, CONTACTS, LEADERS, TASK_ID


async def _import(url: str) -> PlanSnapshot:
    engine = create_engine(url)
    try:
        factory = create_session_factory(engine)
        result = await import_file(
            factory, PLAN_TXT, key=None, now=datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
        )
        async with factory.begin() as session:
            agencies = {
                a.name: a.id
                for a in await session.scalars(
                    select(Agency).where(Agency.plan_id == result.plan_id)
                )
            }
            leaders = {
                p.title: p.id
                for p in await session.scalars(
                    select(LeaderPosition).where(LeaderPosition.plan_id == result.plan_id)
                )
            }
            for contact in CONTACTS:
                session.add(
                    Contact(
                        plan_id=result.plan_id,
                        telegram_user_id=contact.telegram_id,
                        full_name=contact.name,
                        agency_id=agencies[AGENCIES[contact.agency_id]]
                        if contact.agency_id
                        else None,
                        leader_position_id=leaders[LEADERS[contact.leader_position_id]]
                        if contact.leader_position_id
                        else None,
                    )
                )
        async with factory() as session:
            return await load_snapshot(session, result.plan_id)
    finally:
        await engine.dispose()


@cache
def imported_snapshot() -> PlanSnapshot:
    """The imported real plan's snapshot (fresh: nothing sent, no replies), in handplan's ids."""
    folder = Path(tempfile.mkdtemp(prefix="planner-real-"))
    url = f"sqlite:///{folder / 'real.db'}"
    migrate.upgrade(url)
    snap = asyncio.run(_import(url))
    hand_agency = {name: i for i, name in AGENCIES.items()}
    agency_id = {a.id: hand_agency.get(a.name, 1000 + a.id) for a in snap.agencies.values()}
    hand_leader = {title: i for i, title in LEADERS.items()}
    leader_id = {i: hand_leader.get(title, 1000 + i) for i, title in snap.leaders.items()}
    contact_id = {c.telegram_id: c.id for c in CONTACTS}
    return replace(
        snap,
        plan_id=1,
        agencies={
            agency_id[a.id]: AgencyRef(agency_id[a.id], a.name, a.is_standing_office)
            for a in snap.agencies.values()
        },
        leaders={leader_id[i]: title for i, title in snap.leaders.items()},
        tasks=tuple(
            replace(
                t,
                id=TASK_ID[t.code],
                leads=tuple(agency_id[a] for a in t.leads),
                supports=tuple(agency_id[a] for a in t.supports),
                leader_position_id=leader_id[t.leader_position_id]
                if t.leader_position_id
                else None,
            )
            for t in snap.tasks
        ),
        contacts=tuple(
            ContactRef(
                contact_id[c.telegram_id],
                c.telegram_id,
                c.name,
                agency_id[c.agency_id] if c.agency_id else None,
                leader_id[c.leader_position_id] if c.leader_position_id else None,
            )
            for c in snap.contacts
        ),
    )
