"""``SEND_TIME`` at or after ``OFFICE_HOURS_END``: found in the sandbox, ``SEND_TIME=19:00`` (to
see a reminder go out in the evening) started the bot without a word and nothing was ever sent —
the planner plans only in [send_time, office_hours_end). A bad setting stops start-up instead,
with a message naming it."""

from __future__ import annotations

from datetime import time

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.cli import app
from bot.settings import Settings


def test_send_time_must_fall_in_office_hours() -> None:
    with pytest.raises(ValidationError, match="SEND_TIME 19:00 không trước OFFICE_HOURS_END 17:00"):
        Settings(send_time=time(19, 0))
    with pytest.raises(ValidationError, match="SEND_TIME 08:00 không trước OFFICE_HOURS_END 08:00"):
        Settings(send_time=time(8, 0), office_hours_end=time(8, 0))
    evening = Settings(send_time=time(19, 0), office_hours_end=time(23, 0))
    assert (evening.send_time, evening.office_hours_end) == (time(19, 0), time(23, 0))


def test_the_cli_names_the_setting() -> None:
    result = CliRunner().invoke(app, ["calendar", "list"], env={"SEND_TIME": "19:00"})
    assert result.exit_code == 1
    assert "SEND_TIME" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
