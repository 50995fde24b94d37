"""CLI inputs that were silently ignored. ``plan set`` refuses a setting nobody reads: found in the
sandbox, ``plan set nonsense 1`` (or a typo such as ``reminder_offset_days``) was stored and
silently ignored by the planner. ``invite`` refuses a ``--role`` it would ignore."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


@pytest.fixture
def db(small_plan_db: str) -> str:
    return small_plan_db


def test_plan_set_refuses_an_unknown_key(db: str) -> None:
    typo = runner.invoke(app, ["plan", "set", "reminder_offset_days", "7,3"])
    assert typo.exit_code == 1
    assert typo.stderr.startswith("lỗi: không có thiết lập “reminder_offset_days”; các thiết lập: ")
    assert "reminder_offsets_days" in typo.stderr
    assert "reminder_offset_days" not in runner.invoke(app, ["plan", "get"]).output
    ok = runner.invoke(app, ["plan", "set", "reminder_offsets_days", "7,3"])
    assert (ok.exit_code, ok.output) == (0, "reminder_offsets_days = [7, 3]\n")


def test_invite_refuses_a_role_it_would_ignore(db: str) -> None:
    # Found: `invite --all-agencies --role standing_office` printed contact codes without a word.
    for argv in (
        ["invite", "--all-agencies", "--role", "standing_office"],
        ["invite", "--leader", "Trưởng Ban Chỉ đạo tỉnh", "--role", "admin"],
    ):
        result = runner.invoke(app, argv)
        assert result.exit_code == 1
        assert "không đi với --all-agencies/--leader" in result.stderr
    assert runner.invoke(app, ["invite", "--all-agencies"]).exit_code == 0
    assert runner.invoke(app, ["invite", "--leader", "truong ban chi dao tinh"]).exit_code == 0
