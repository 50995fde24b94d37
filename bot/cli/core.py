"""Top-level commands: ``up`` (what ``make run`` calls) and ``db`` (migrations)."""

from __future__ import annotations

import typer

from bot.cli.common import fail, get_settings
from locales import _
from models import migrate
from models.db import DatabaseUrlError

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = get_settings()
    try:
        migrate.upgrade(settings.database_url, revision)
    except DatabaseUrlError as exc:
        fail(str(exc))
    typer.echo(f"database at revision {migrate.current_revision(settings.database_url)}")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument(...)) -> None:
    """Revert migrations down to REVISION ("base" empties the schema)."""
    settings = get_settings()
    migrate.downgrade(settings.database_url, revision)
    typer.echo(f"database at revision {migrate.current_revision(settings.database_url)}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's revision and the newest one the code ships."""
    settings = get_settings()
    typer.echo(
        f"database: {migrate.current_revision(settings.database_url)}; "
        f"code: {migrate.head_revision()}"
    )


SetupOnlyOption = typer.Option(
    False, "--setup-only", help="Migrate and import the plan, then stop (do not start the bot)."
)


def up(setup_only: bool = SetupOnlyOption) -> None:
    """What ``make run`` calls: migrate, import the bundled plan into an empty database, show it,
    then run the bot (the offline sandbox when no token is set)."""
    from bot.cli.common import database, run
    from bot.settings import BUNDLED_PLAN
    from bot.startup import ensure_plan
    from plan.errors import PlanError
    from plan.show import render_plan_table

    settings = get_settings()
    try:
        migrate.upgrade(settings.database_url)
    except DatabaseUrlError as exc:
        fail(str(exc))

    async def _go() -> tuple[bool, str]:
        async with database(settings) as factory:
            plan, imported = await ensure_plan(factory, settings, BUNDLED_PLAN)
            async with factory() as session:
                return imported, await render_plan_table(session, plan)

    try:
        imported, table = run(_go)
    except PlanError as exc:
        fail(str(exc))
    if imported:
        typer.echo(_("Đã nhập Kế hoạch kèm theo: {name}").format(name=BUNDLED_PLAN.name))
    typer.echo(table)
    if setup_only:
        return
    # Then the bot: against Telegram (or TELEGRAM_API_BASE_URL) with a token, else the sandbox.
    from bot.app import StartupError
    from bot.sandbox import run_or_sandbox

    try:
        run_or_sandbox(settings)
    except StartupError as exc:
        fail(str(exc))


def register(app: typer.Typer) -> None:
    """Add the core commands to the root CLI."""
    app.add_typer(db_app, name="db")
    app.command("up")(up)
