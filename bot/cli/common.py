"""Helpers shared by CLI commands: settings, the database, plan lookup, clean errors."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import NoReturn, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db_errors import DATABASE_ERRORS, explain_database_error
from bot.settings import Settings, load_settings
from models.db import DatabaseUrlError, create_engine, create_session_factory

T = TypeVar("T")

PlanOption = typer.Option(
    None, "--plan", help="Plan key; needed only when the database holds several plans."
)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` to stderr and exit with ``code`` (no traceback)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def get_settings() -> Settings:
    """Load the settings or exit with a readable message naming the bad setting."""
    try:
        return load_settings()
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        ]
        fail("invalid settings:\n" + "\n".join(lines))


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on ``settings.database_url``; the engine is disposed on exit. A database
    that cannot be opened, reached or has no schema exits with a message (``fail``)."""
    try:
        engine = create_engine(settings.database_url)
    except DatabaseUrlError as exc:
        fail(str(exc))
    try:
        yield create_session_factory(engine)
    except DATABASE_ERRORS as exc:
        message = explain_database_error(settings.database_url, exc)
        if message is None:
            raise
        fail(message)
    finally:
        await engine.dispose()


def run(coro_fn: Callable[[], Awaitable[T]]) -> T:
    """Run an async command body to completion."""
    return asyncio.run(coro_fn())  # type: ignore[arg-type]


def echo_err(message: str) -> None:
    """A line on stderr."""
    print(message, file=sys.stderr)
