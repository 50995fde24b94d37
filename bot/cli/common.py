"""Helpers shared by CLI commands: settings, the database, plan lookup, clean errors."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import date
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db_errors import DATABASE_ERRORS, explain_database_error
from bot.settings import Settings, load_settings
from locales import N_, _
from models.db import DatabaseUrlError, create_engine, create_session_factory

T = TypeVar("T")

PlanOption = typer.Option(
    None,
    "--plan",
    metavar=_("MÃ"),
    help=_("Mã kế hoạch; chỉ cần khi cơ sở dữ liệu có nhiều kế hoạch."),
)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` to stderr as ``lỗi: …`` and exit with ``code`` (no traceback)."""
    typer.echo(_("lỗi: {message}").format(message=message), err=True)
    raise typer.Exit(code)


def get_settings() -> Settings:
    """Load the settings or exit with a readable message naming the bad setting."""
    try:
        return load_settings()
    except ValidationError as exc:
        lines = [
            f"  {'.'.join(str(p) for p in err['loc']).upper()}: {setting_error_text(err)}"
            for err in exc.errors()
        ]
        fail(_("thiết lập không hợp lệ:") + "\n" + "\n".join(lines))


#: Vietnamese texts of the pydantic errors a setting commonly hits (by error type; ``{ctx}``
#: keys filled from the error's context). Any other error keeps pydantic's English text.
SETTING_ERRORS = {
    "greater_than_equal": N_("phải lớn hơn hoặc bằng {ge}"),
    "greater_than": N_("phải lớn hơn {gt}"),
    "less_than_equal": N_("phải nhỏ hơn hoặc bằng {le}"),
    "less_than": N_("phải nhỏ hơn {lt}"),
    "int_parsing": N_("phải là số nguyên"),
    "int_from_float": N_("phải là số nguyên"),
    "float_parsing": N_("phải là số"),
    "bool_parsing": N_("phải là true hoặc false"),
    "date_from_datetime_parsing": N_("phải là ngày YYYY-MM-DD"),
    "date_parsing": N_("phải là ngày YYYY-MM-DD"),
    "time_parsing": N_("phải là giờ HH:MM"),
    "missing": N_("thiếu giá trị"),
}


def setting_error_text(err: Mapping[str, Any]) -> str:
    """One pydantic error of a setting in Vietnamese: our validators' own (already Vietnamese)
    message, a known error type's text, else pydantic's."""
    ctx = err.get("ctx") or {}
    if err.get("type") == "value_error" and "error" in ctx:
        return str(ctx["error"])
    template = SETTING_ERRORS.get(str(err.get("type")))
    if template is None:
        return str(err.get("msg", ""))
    try:
        return _(template).format(**ctx)
    except (KeyError, IndexError):
        return str(err.get("msg", ""))


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


#: Short Vietnamese weekday names, Monday first (``date.weekday()``): T2 … T7, CN.
WEEKDAYS_SHORT = (N_("T2"), N_("T3"), N_("T4"), N_("T5"), N_("T6"), N_("T7"), N_("CN"))


def weekday_short(day: date) -> str:
    """``T2`` … ``CN`` for ``day`` (the terminal's locale is never used)."""
    return _(WEEKDAYS_SHORT[day.weekday()])


def day_argument(text: str) -> date:
    """A day typed on the command line: ISO ``2026-11-27`` or Vietnamese ``27/11/2026``; exits
    with a message (``fail``) for anything else."""
    text = text.strip()
    try:
        if "/" in text:
            day, month, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        fail(_("“{text}” không phải là ngày (2026-11-27 hoặc 27/11/2026)").format(text=text))


def echo_err(message: str) -> None:
    """A line on stderr."""
    print(message, file=sys.stderr)
