"""Readable messages for a database the bot cannot use (CLI commands and ``python -m bot run``).

A wrong ``DATABASE_URL`` is the commonest deployment mistake: a file nobody migrated, a folder
that cannot be written, a PostgreSQL server that is down or refuses the password. Each must stop
the command with one line saying what to fix, not a SQLAlchemy traceback.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from locales import _

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
        return _(
            "cơ sở dữ liệu {where} chưa có bảng hoặc bảng đã cũ ({cause}); hãy chạy "
            "`python -m bot up --setup-only` (hoặc `python -m bot db upgrade`) trước"
        ).format(where=where, cause=cause)
    if any(marker in text for marker in _CANNOT_OPEN):
        return _(
            "không mở được cơ sở dữ liệu {where}: {cause} (thư mục có tồn tại và ghi được không?)"
        ).format(where=where, cause=cause)
    if isinstance(cause, OSError) or "connect" in text or "password" in text:
        return _("không kết nối được cơ sở dữ liệu {where}: {cause}").format(
            where=where, cause=cause
        )
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return _("mất kết nối tới cơ sở dữ liệu {where}: {cause}").format(where=where, cause=cause)
    return None
