"""Start-up steps shared by ``python -m bot up`` and the bot runtime: make sure a plan exists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from models.plan import Plan
from plan.importer import import_file


async def ensure_plan(
    session_factory: async_sessionmaker[AsyncSession], settings: Settings, bundled: Path
) -> tuple[Plan, bool]:
    """The plan in the database; when it holds none, import ``bundled`` first (one transaction).

    Returns (plan, imported). With several plans, the first by key (commands name one with
    ``--plan``). Raises ``plan.errors.PlanParseError`` when the bundled file cannot be read.
    """
    async with session_factory() as session:
        existing = await session.scalar(select(Plan).order_by(Plan.key).limit(1))
    if existing is not None:
        return existing, False
    result = await import_file(
        session_factory,
        bundled,
        key=None,
        now=datetime.now(UTC),
        campaign={"campaign_start": settings.campaign_start, "campaign_end": settings.campaign_end},
    )
    async with session_factory() as session:
        plan = await session.get(Plan, result.plan_id)
    assert plan is not None
    return plan, True
