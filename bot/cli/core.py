"""Top-level commands: ``up`` (what ``make run`` calls) and ``db`` (migrations)."""

from __future__ import annotations

import typer

from bot.cli.common import fail, get_settings
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


def register(app: typer.Typer) -> None:
    """Add the core commands to the root CLI."""
    app.add_typer(db_app, name="db")
