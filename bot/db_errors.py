"""Readable messages for a database the bot cannot use (CLI commands and ``python -m bot run``).

A wrong ``DATABASE_URL`` is the commonest deployment mistake: a file nobody migrated, a folder
that cannot be written, a PostgreSQL server that is down or refuses the password. Each must stop
the command with one line saying what to fix, not a SQLAlchemy traceback.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

#: Errors worth explaining; anything else (a bug) keeps its traceback.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (DBAPIError, OSError)

_NO_SCHEMA = ("no such table", "no such column", "does not exist", "undefinedtable")
_CANNOT_OPEN = (
    "unable to open database file",
    "readonly database",
    "disk i/o error",
    "file is not a database",
)


def safe_url(url: str) -> str:
    """``url`` with its password hidden (``***``); the text unchanged when it is not a URL."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # sqlalchemy.exc.ArgumentError: the URL check reports it elsewhere
        return url


def explain_database_error(url: str, exc: BaseException) -> str | None:
    """One line saying what is wrong with the database at ``url`` (password hidden), or None
    when ``exc`` is not a database set-up problem (then the caller re-raises it)."""
    where = safe_url(url)
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = f"{type(cause).__name__}: {cause}".lower()
    if any(marker in text for marker in _NO_SCHEMA):
        return (
            f"the database {where} has no schema or an old one ({cause}); run "
            "`python -m bot up --setup-only` (or `python -m bot db upgrade`) first"
        )
    if any(marker in text for marker in _CANNOT_OPEN):
        return (
            f"cannot open the database {where}: {cause} (does the folder exist and is it writable?)"
        )
    if isinstance(cause, OSError) or "connect" in text or "password" in text:
        return f"cannot connect to the database {where}: {cause}"
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return f"lost the connection to the database {where}: {cause}"
    return None
