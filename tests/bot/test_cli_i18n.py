"""The CLI library's own usage errors and help screen come out in Vietnamese (catalog ``cli``),
in process through ``CliRunner`` and in a real ``python -m bot`` with ``LANG=C.UTF-8``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.i18n import install, translate
from locales import _
from locales.__main__ import cli_problems

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()
BAR = "─" * 78

DUE_ERROR = [
    "Cách dùng: {prog} adhoc create [OPTIONS] {{NỘI_DUNG}}",
    "Gõ '{prog} adhoc create --help' để xem hướng dẫn.",
    "╭─ Lỗi ────────────────────────────────────────────────────────────────────────╮",
    "│ Giá trị không hợp lệ cho '--due': '99/99/2026' không đúng định dạng          │",
    "│ '%d/%m/%Y', '%Y-%m-%d'.                                                      │",
    f"╰{BAR}╯",
]
MISSING_ARGUMENT = [
    "Cách dùng: {prog} contacts revoke [OPTIONS] {{ID_TELEGRAM}}",
    "Gõ '{prog} contacts revoke --help' để xem hướng dẫn.",
    "╭─ Lỗi ────────────────────────────────────────────────────────────────────────╮",
    "│ Thiếu tham số 'ID_TELEGRAM'.                                                 │",
    f"╰{BAR}╯",
]
UNKNOWN_OPTION = [
    "Cách dùng: {prog} adhoc create [OPTIONS] {{NỘI_DUNG}}",
    "Gõ '{prog} adhoc create --help' để xem hướng dẫn.",
    "╭─ Lỗi ────────────────────────────────────────────────────────────────────────╮",
    "│ Không có tùy chọn: --x                                                       │",
    f"╰{BAR}╯",
]
HELP_HEAD = [
    "",
    " Cách dùng: {prog} adhoc [OPTIONS] COMMAND [ARGS]...",
    "",
    " Yêu cầu báo cáo đột xuất.",
    "",
    "╭─ Tùy chọn ───────────────────────────────────────────────────────────────────╮",
    "│ --help        <bool>  Hiện hướng dẫn này rồi thoát.                          │",
    f"╰{BAR}╯",
    "╭─ Lệnh ───────────────────────────────────────────────────────────────────────╮",
]
CASES = [
    (["adhoc", "create", "--due", "99/99/2026", "x"], 2, DUE_ERROR),
    (["contacts", "revoke"], 2, MISSING_ARGUMENT),
    (["adhoc", "create", "--x"], 2, UNKNOWN_OPTION),
    (["adhoc", "--help"], 0, HELP_HEAD),
]


def _lines(output: str, expected: list[str]) -> list[str]:
    return [line.rstrip() for line in output.splitlines()[: len(expected)]]


def _expected(expected: list[str], prog: str) -> list[str]:
    return [line.format(prog=prog).rstrip() for line in expected]


@pytest.mark.parametrize(("args", "code", "expected"), CASES)
def test_cli_runner_prints_library_messages_in_vietnamese(
    args: list[str], code: int, expected: list[str]
) -> None:
    result = runner.invoke(app, args, env={"COLUMNS": "80", "LANGUAGE": None})
    assert result.exit_code == code, result.output
    assert _lines(result.output, expected) == _expected(expected, "bot")


def test_subprocess_with_c_locale_prints_vietnamese() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"LANGUAGE", "LC_ALL", "LC_MESSAGES"}}
    env.update(LANG="C.UTF-8", COLUMNS="80", DATABASE_URL="sqlite+aiosqlite:///:memory:")
    for args, code, expected in CASES:
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        output = done.stdout + done.stderr
        assert done.returncode == code, output
        prog = "python -m bot"
        assert _lines(output, expected) == _expected(expected, prog)


def test_operator_language_is_respected() -> None:
    env = dict(os.environ, LANG="C.UTF-8", LANGUAGE="en", COLUMNS="80")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "contacts", "revoke"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (
        done.stderr.splitlines()[0]
        == "Usage: python -m bot contacts revoke [OPTIONS] {ID_TELEGRAM}"
    )
    assert "│ Missing argument 'ID_TELEGRAM'." in done.stderr


def test_translate_fills_templates_and_nested_library_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANGUAGE", "")  # unset for install(); restored afterwards
    install()
    install()  # idempotent
    assert os.environ["LANGUAGE"] == "vi"
    assert translate("Missing option '--due'.") == "Thiếu tùy chọn '--due'."
    assert translate("Got unexpected extra argument(s) (a b)") == (
        "Thừa tham số không dùng đến (a b)"
    )
    assert translate("Option '--limit' requires an argument.") == (
        "Tùy chọn '--limit' cần một giá trị."
    )
    assert translate("Invalid value for '--limit': Input should be greater than or equal to 1") == (
        "Giá trị không hợp lệ cho '--limit': Phải lớn hơn hoặc bằng 1"
    )
    assert translate("Invalid value for 'x': Value error, 'y' is not one of 'a', 'b'.") == (
        "Giá trị không hợp lệ cho 'x': 'y' không thuộc các giá trị 'a', 'b'."
    )
    # Operator input in a field is kept as typed, even when it is a catalog word.
    assert translate("Got unexpected extra argument(s) (Options)") == (
        "Thừa tham số không dùng đến (Options)"
    )
    assert translate("Không rõ cơ quan") == "Không rõ cơ quan"


def test_cli_catalog_is_complete_and_bot_catalog_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "")
    install()
    assert cli_problems() == []
    # The bot's own catalog is read through Babel, not through the stdlib's current domain.
    assert _("Usage: ") == "Usage: "
    assert _("chưa triển khai") == "chưa triển khai"
