"""``python -m bot agency …`` — the standing office adds agencies and aliases to the registry."""

from __future__ import annotations

import typer

from bot.cli.common import PlanOption, database, fail, get_settings, run
from bot.settings import Settings
from locales import _
from models.repositories import PlanLookupError, get_plan
from plan.errors import PlanError
from plan.registry import add_agency, add_group, find_agency

app = typer.Typer(help=_("Danh mục cơ quan, đơn vị (tên và tên gọi khác)."), no_args_is_help=True)

AliasOption = typer.Option([], "--alias", metavar=_("TÊN"), help=_("Tên gọi khác (lặp lại được)."))


@app.command(
    "add",
    help=_(
        "Thêm một cơ quan (hoặc thêm tên gọi khác cho cơ quan đã có trùng TÊN khi bỏ dấu); "
        "với --group thì thêm một nhóm chung (ví dụ “Các cơ quan liên quan”)."
    ),
)
def add_cmd(
    name: str = typer.Argument(
        ..., metavar=_("TÊN"), help=_("Tên chính thức, ví dụ “UBND xã Can Lộc”.")
    ),
    alias: list[str] = AliasOption,
    group: bool = typer.Option(
        False, "--group", help=_("Thêm một nhóm chung, không phải một cơ quan.")
    ),
    plan: str | None = PlanOption,
) -> None:
    """Add an agency (or aliases to an existing one matching NAME without diacritics), or with
    ``--group`` a catch-all group ("Các cơ quan liên quan")."""
    settings = get_settings()
    if group:
        _add_group(settings, name, plan)
        return

    async def _go() -> tuple[str, bool, list[str]]:
        async with database(settings) as factory, factory.begin() as session:
            stored = await get_plan(session, plan)
            existed = await find_agency(session, stored.id, name) is not None
            agency, added = await add_agency(session, stored.id, name, alias)
            return agency.name, existed, added

    try:
        canonical, existed, added = run(_go)
    except (PlanLookupError, PlanError) as exc:
        fail(str(exc))
    if existed:
        typer.echo(_("Cơ quan đã có: {name}").format(name=canonical))
    else:
        typer.echo(_("Đã thêm cơ quan: {name}").format(name=canonical))
    for item in added:
        typer.echo(_("  tên gọi khác: {alias}").format(alias=item))


def _add_group(settings: Settings, name: str, plan: str | None) -> None:
    async def _go() -> tuple[str, bool]:
        async with database(settings) as factory, factory.begin() as session:
            stored = await get_plan(session, plan)
            row, created = await add_group(session, stored.id, name)
            return row.name, created

    try:
        canonical, created = run(_go)
    except PlanLookupError as exc:
        fail(str(exc))
    message = _("Đã thêm nhóm: {name}") if created else _("Nhóm đã có: {name}")
    typer.echo(message.format(name=canonical))


@app.command("list", help=_("Liệt kê các cơ quan của kế hoạch cùng tên gọi khác."))
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
