"""What a deploying engineer gets wrong first — an unmigrated or unreachable database, a bad log
level or port, a refused token — each stops the command with one clear line, a non-zero exit and
no traceback (issue 4: "start-up fails fast with a clear message on a bad setting"; issue 5: bad
inputs to every command)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.cli import app
from bot.sandbox import SANDBOX_TOKEN
from bot.settings import Settings
from models import migrate
from models.db import create_engine, create_session_factory
from tests.bot.harness import emulator_process, free_port, run_bot_process
from tests.factories import make_small_plan

runner = CliRunner()


@pytest.mark.parametrize(
    "argv",
    [
        ["reminders", "preview", "--at", "2026-11-27T08:00+07:00", "--json"],
        ["contacts", "list"],
        ["calendar", "list"],
        ["invite", "--agency", "so noi vu"],
    ],
)
def test_cli_on_an_unmigrated_database_says_to_migrate(tmp_path: Path, argv: list[str]) -> None:
    result = runner.invoke(app, argv, env={"DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"})
    assert result.exit_code == 1
    assert "chưa có bảng hoặc bảng đã cũ" in result.stderr
    assert "python -m bot up --setup-only" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_on_an_unreachable_postgresql_hides_the_password() -> None:
    url = f"postgresql://bot:s3cretpw@127.0.0.1:{free_port()}/chiendich"
    result = runner.invoke(app, ["contacts", "list"], env={"DATABASE_URL": url})
    assert result.exit_code == 1
    assert "không kết nối được cơ sở dữ liệu postgresql://bot:***@127.0.0.1" in result.stderr
    assert "s3cretpw" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_bad_log_level_or_port_is_a_settings_error() -> None:
    with pytest.raises(ValidationError, match="log_level"):
        Settings(log_level="LOUD")
    assert Settings(log_level="debug").log_level == "DEBUG"
    for field in ("webhook_port", "sandbox_port"):
        with pytest.raises(ValidationError, match=field):
            Settings(**{field: 99999})  # type: ignore[arg-type]
    result = runner.invoke(app, ["run"], env={"LOG_LEVEL": "LOUD", "TELEGRAM_BOT_TOKEN": "1:x"})
    assert result.exit_code == 1
    assert "LOG_LEVEL:" in result.stderr


@pytest.fixture
def emulator_port() -> Iterator[int]:
    """The emulator as the sandbox starts it (a process), on a free port."""
    with emulator_process() as port:
        yield port


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_bot_process(env, log_level="INFO")


def test_run_start_up_failures_are_one_line_without_the_token(
    emulator_port: int, tmp_path: Path
) -> None:
    api = f"http://127.0.0.1:{emulator_port}/bot"
    unmigrated = _run(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
            "TELEGRAM_BOT_TOKEN": SANDBOX_TOKEN,
            "TELEGRAM_API_BASE_URL": api,
        }
    )
    assert unmigrated.returncode == 1
    assert "chưa có bảng hoặc bảng đã cũ" in unmigrated.stderr
    assert "Traceback" not in unmigrated.stderr

    token = "1234:WrongTokenNobodyShouldSeeInLogs"
    refused = _run(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_BASE_URL": api,
        }
    )
    assert refused.returncode == 1
    assert f"lỗi: không dùng được Bot API tại {api}" in refused.stderr
    # The token is a secret: journald keeps stderr.
    assert token not in refused.stderr
    assert "Traceback" not in refused.stderr


def test_run_webhook_on_a_busy_port_says_which_setting(emulator_port: int, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    migrate.upgrade(url)

    async def seed() -> None:
        engine = create_engine(url)
        async with create_session_factory(engine).begin() as s:
            await make_small_plan(s)
        await engine.dispose()

    asyncio.run(seed())
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _run(
            {
                "DATABASE_URL": url,
                "TELEGRAM_BOT_TOKEN": SANDBOX_TOKEN,
                "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{emulator_port}/bot",
                "WEBHOOK_URL": "https://bot.example.vn/tg/4f9c2e",
                "WEBHOOK_PORT": str(port),
            }
        )
    assert result.returncode == 1
    assert f"lỗi: không nghe được webhook tại 127.0.0.1:{port}" in result.stderr
    assert "WEBHOOK_LISTEN/WEBHOOK_PORT" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("argv", [["up", "--setup-only"], ["db", "upgrade"], ["db", "current"]])
def test_migrations_on_a_bad_database_are_one_line(argv: list[str], tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("Báo cáo tháng 11\n", encoding="utf-8")
    result = runner.invoke(app, argv, env={"DATABASE_URL": f"sqlite:///{not_a_db}"})
    assert result.exit_code == 1
    assert result.stderr.startswith(f"lỗi: không mở được cơ sở dữ liệu sqlite:///{not_a_db}: ")
    assert "file is not a database" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    url = f"postgresql://bot:s3cretpw@127.0.0.1:{free_port()}/chiendich"
    refused = runner.invoke(app, argv, env={"DATABASE_URL": url})
    assert refused.exit_code == 1
    assert "không kết nối được cơ sở dữ liệu postgresql://bot:***@127.0.0.1" in refused.stderr
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
