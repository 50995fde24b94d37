"""``bot.db_errors.explain_database_error`` on the driver errors a deployment meets (the texts are
SQLite's and asyncpg's own); anything else is left to its traceback."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.db_errors import explain_database_error, safe_url

URL = "sqlite:////var/lib/chien-dich-500/bot.db"


def _wrapped(cls: type, message: str) -> Exception:
    return cls("SELECT 1", {}, sqlite3.OperationalError(message))  # type: ignore[no-any-return]


def test_old_or_missing_schema() -> None:
    for message in ("no such table: plans", "no such column: tasks.kind"):
        text = explain_database_error(URL, _wrapped(OperationalError, message))
        assert text is not None
        assert text.startswith(f"cơ sở dữ liệu {URL} chưa có bảng hoặc bảng đã cũ ({message})")


def test_cannot_open_and_cannot_connect() -> None:
    text = explain_database_error(URL, _wrapped(OperationalError, "unable to open database file"))
    assert text == (
        f"không mở được cơ sở dữ liệu {URL}: unable to open database file "
        "(thư mục có tồn tại và ghi được không?)"
    )
    refused = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
    pg = "postgresql://bot:pw@127.0.0.1/chiendich"
    assert explain_database_error(pg, refused) == (
        "không kết nối được cơ sở dữ liệu postgresql://bot:***@127.0.0.1/chiendich: "
        "[Errno 111] Connect call failed ('127.0.0.1', 5432)"
    )


def test_a_bug_is_not_explained_away() -> None:
    assert explain_database_error(URL, _wrapped(ProgrammingError, "near 'SELEC': syntax")) is None
    assert safe_url("not a url") == "not a url"
