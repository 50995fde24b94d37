"""Queries shared by every layer. Repositories take a session and never commit."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from locales import _
from models.plan import Agency, AgencyAlias, Plan
from models.text import fold, match_key


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
            known = ", ".join(keys) or _("không có")
            raise PlanLookupError(
                _(
                    "không có kế hoạch mã “{key}” (các kế hoạch trong cơ sở dữ liệu: {known})"
                ).format(key=key, known=known)
            )
        return plan
    plans = (await session.scalars(select(Plan).order_by(Plan.key).limit(2))).all()
    if not plans:
        raise PlanLookupError(
            _("cơ sở dữ liệu chưa có kế hoạch nào: hãy chạy `python -m bot plan import TỆP`")
        )
    if len(plans) > 1:
        raise PlanLookupError(_("cơ sở dữ liệu có nhiều kế hoạch: hãy chọn một bằng --plan MÃ"))
    return plans[0]


async def find_agency(session: AsyncSession, plan_id: int, name: str) -> Agency | None:
    """The agency of ``plan_id`` whose canonical name or an alias matches ``name`` without
    diacritics, case or punctuation ("so noi vu" finds "Sở Nội vụ"); None when none does.

    One indexed query on the folded columns; names differing only by commas/dots fall back to a
    scan of the plan's agencies (tens, at most a few hundred).
    """
    key = fold(name)
    agency = await session.scalar(
        select(Agency)
        .outerjoin(AgencyAlias, AgencyAlias.agency_id == Agency.id)
        .where(Agency.plan_id == plan_id)
        .where(or_(Agency.name_folded == key, AgencyAlias.alias_folded == key))
        .limit(1)
    )
    if agency is not None:
        return agency
    wanted = match_key(name)
    candidates = await session.scalars(
        select(Agency).where(Agency.plan_id == plan_id).options(selectinload(Agency.aliases))
    )
    for candidate in candidates:
        if wanted in {match_key(candidate.name), *(match_key(a.alias) for a in candidate.aliases)}:
            return candidate
    return None
