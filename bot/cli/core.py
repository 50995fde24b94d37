"""Top-level commands: ``up`` (what ``make run`` calls) and ``db`` (migrations)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from bot.cli.common import fail, get_settings
from bot.db_errors import DATABASE_ERRORS, explain_database_error
from locales import _
from models import migrate
from models.db import DatabaseUrlError

T = TypeVar("T")


def migrating(url: str, step: Callable[[], T]) -> T:
    """Run a migration ``step`` on ``url``; a bad URL or a database that cannot be opened or
    reached exits with a message instead of an Alembic/SQLAlchemy traceback."""
    try:
        return step()
    except DatabaseUrlError as exc:
        fail(str(exc))
    except DATABASE_ERRORS as exc:
        message = explain_database_error(url, exc)
        if message is None:
            raise
        fail(message)


db_app = typer.Typer(
    help=_("Cấu trúc cơ sở dữ liệu: nâng cấp, hạ cấp, xem phiên bản (Alembic)."),
    no_args_is_help=True,
)


@db_app.command(
    "upgrade", help=_("Nâng cơ sở dữ liệu lên PHIÊN_BẢN (mặc định: phiên bản mới nhất).")
)
def db_upgrade(
    revision: str = typer.Argument(
        "head",
        metavar=_("PHIÊN_BẢN"),
        help=_("Phiên bản cần nâng lên; head là phiên bản mới nhất."),
    ),
) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = get_settings()
    url = settings.database_url
    migrating(url, lambda: migrate.upgrade(url, revision))
    revision_now = migrating(url, lambda: migrate.current_revision(url))
    typer.echo(_("cơ sở dữ liệu ở phiên bản {revision}").format(revision=revision_now))


@db_app.command("downgrade", help=_("Hạ cơ sở dữ liệu về PHIÊN_BẢN (base: xóa toàn bộ cấu trúc)."))
def db_downgrade(
    revision: str = typer.Argument(
        ...,
        metavar=_("PHIÊN_BẢN"),
        help=_("Phiên bản cần hạ về; base xóa toàn bộ bảng."),
    ),
) -> None:
    """Revert migrations down to REVISION ("base" empties the schema)."""
    settings = get_settings()
    url = settings.database_url
    migrating(url, lambda: migrate.downgrade(url, revision))
    revision_now = migrating(url, lambda: migrate.current_revision(url))
    typer.echo(_("cơ sở dữ liệu ở phiên bản {revision}").format(revision=revision_now))


@db_app.command(
    "current",
    help=_("In phiên bản của cơ sở dữ liệu và phiên bản mới nhất trong mã nguồn."),
)
def db_current() -> None:
    """Print the database's revision and the newest one the code ships."""
    settings = get_settings()
    url = settings.database_url
    current = migrating(url, lambda: migrate.current_revision(url))
    typer.echo(
        _("cơ sở dữ liệu: {current}; mã nguồn: {head}").format(
            current=current, head=migrate.head_revision()
        )
    )


SetupOnlyOption = typer.Option(
    False,
    "--setup-only",
    help=_("Chỉ nâng cấp cơ sở dữ liệu và nhập Kế hoạch rồi dừng (không chạy bot)."),
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
    migrating(settings.database_url, lambda: migrate.upgrade(settings.database_url))

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
    app.command(
        "up",
        help=_(
            "Chuẩn bị rồi chạy bot (lệnh mà make run gọi).\n\n"
            "Nâng cấp cơ sở dữ liệu, nhập Kế hoạch kèm theo khi cơ sở dữ liệu chưa có kế hoạch, "
            "hiện Kế hoạch, rồi chạy bot; khi chưa đặt TELEGRAM_BOT_TOKEN thì chạy sandbox "
            "ngoại tuyến."
        ),
    )(up)
