"""``python -m bot agency …`` — the standing office adds agencies and aliases to the registry."""

from __future__ import annotations

import typer

from bot.cli.common import PlanOption, database, fail, get_settings, run
from locales import _
from models.repositories import PlanLookupError, get_plan
from plan.registry import add_agency, find_agency

app = typer.Typer(no_args_is_help=True)

AliasOption = typer.Option([], "--alias", help="Another spelling (repeatable).")


@app.command("add")
def add_cmd(
    name: str = typer.Argument(..., help="Canonical name, e.g. “UBND xã Can Lộc”."),
    alias: list[str] = AliasOption,
    plan: str | None = PlanOption,
) -> None:
    """Add an agency (or aliases to an existing one matching NAME without diacritics)."""
    settings = get_settings()

    async def _go() -> tuple[str, bool, list[str]]:
        async with database(settings) as factory, factory.begin() as session:
            stored = await get_plan(session, plan)
            existed = await find_agency(session, stored.id, name) is not None
            agency, added = await add_agency(session, stored.id, name, alias)
            return agency.name, existed, added

    try:
        canonical, existed, added = run(_go)
    except PlanLookupError as exc:
        fail(str(exc))
    if existed:
        typer.echo(_("Cơ quan đã có: {name}").format(name=canonical))
    else:
        typer.echo(_("Đã thêm cơ quan: {name}").format(name=canonical))
    for item in added:
        typer.echo(_("  tên gọi khác: {alias}").format(alias=item))


@app.command("list")
def list_cmd(plan: str | None = PlanOption) -> None:
    """List the plan's agencies with their aliases."""
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from models.plan import Agency

    settings = get_settings()

    async def _go() -> list[str]:
        async with database(settings) as factory, factory() as session:
            stored = await get_plan(session, plan)
            rows = (
                await session.scalars(
                    select(Agency)
                    .where(Agency.plan_id == stored.id)
                    .order_by(Agency.id)
                    .options(selectinload(Agency.aliases))
                )
            ).all()
            lines = []
            for row in rows:
                mark = _(" (Cơ quan Thường trực)") if row.is_standing_office else ""
                aliases = "; ".join(a.alias for a in row.aliases)
                lines.append(f"{row.name}{mark}" + (f" — {aliases}" if aliases else ""))
            return lines

    try:
        for line in run(_go):
            typer.echo(line)
    except PlanLookupError as exc:
        fail(str(exc))
