"""The reminder offsets are settings (``REMINDER_DEADLINE_DAYS_BEFORE``…): a deploying engineer
writes ``7,3,1,0``. Found: that value crashed every command with a pydantic-settings traceback
(only the JSON form ``[7, 3, 1, 0]`` was read), and ``[-3]`` or an overdue day ``[0]`` were
accepted silently (a "pre-deadline" reminder 3 days after the deadline, which never goes out)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings


@pytest.mark.parametrize("raw", ["7,3,1,0", "7, 3, 1, 0", "[7, 3, 1, 0]", "7 3 1 0"])
def test_day_lists_read_from_the_environment(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REMINDER_DEADLINE_DAYS_BEFORE", raw)
    monkeypatch.setenv("REMINDER_OVERDUE_WORKING_DAYS", "1,3")
    settings = Settings()
    assert settings.reminder_deadline_days_before == [7, 3, 1, 0]
    assert settings.reminder_overdue_working_days == [1, 3]


def test_out_of_range_days_are_refused() -> None:
    with pytest.raises(ValidationError, match="reminder_deadline_days_before"):
        Settings(reminder_deadline_days_before=[7, -3])
    with pytest.raises(ValidationError, match="reminder_overdue_working_days"):
        Settings(reminder_overdue_working_days=[0, 3])


def test_an_unreadable_list_is_a_clear_cli_error() -> None:
    result = CliRunner().invoke(
        app, ["calendar", "list"], env={"REMINDER_DEADLINE_DAYS_BEFORE": "bảy, ba"}
    )
    assert result.exit_code == 1
    assert "REMINDER_DEADLINE_DAYS_BEFORE" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
