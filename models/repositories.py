"""Queries shared by every layer. Repositories take a session and never commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.plan import Plan


class PlanLookupError(LookupError):
    """No plan matches, or several do and none was named (``--plan KEY`` needed)."""


async def get_plan(session: AsyncSession, key: str | None = None) -> Plan:
    """The plan with ``key``; without a key, the only plan in the database.

    Raises ``PlanLookupError`` when the key is unknown, the database holds no plan, or it holds
    several and ``key`` is None.
    """
    if key is not None:
        plan = await session.scalar(select(Plan).where(Plan.key == key))
        if plan is None:
            keys = (await session.scalars(select(Plan.key).order_by(Plan.key))).all()
            known = ", ".join(keys) or "none"
            raise PlanLookupError(f"no plan with key {key!r} (plans in the database: {known})")
        return plan
    plans = (await session.scalars(select(Plan).order_by(Plan.key).limit(2))).all()
    if not plans:
        raise PlanLookupError(
            "the database holds no plan yet: run `python -m bot plan import FILE`"
        )
    if len(plans) > 1:
        raise PlanLookupError("the database holds several plans: name one with --plan KEY")
    return plans[0]


async def count_plans(session: AsyncSession) -> int:
    """How many plans the database holds."""
    return int(await session.scalar(select(func.count()).select_from(Plan)) or 0)
