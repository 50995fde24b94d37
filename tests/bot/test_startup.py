"""Start-up: webhook mode end to end, and failing fast with a clear message (``python -m bot run``
in a subprocess against the sandbox's emulator process)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from bot.run import webhook_options
from bot.sandbox import SANDBOX_TOKEN
from bot.settings import Settings
from emulator.client import TgUser
from emulator.pytest_plugin import TelegramEmulator
from models import migrate
from models.people import Role
from tests.bot.harness import (
    emulator_process,
    free_port,
    make_invite,
    run_bot_process,
    running_bot,
    texts,
)
from tests.factories import make_small_plan


def test_webhook_options_follow_the_settings() -> None:
    assert webhook_options(Settings(webhook_url=None)) is None
    options = webhook_options(
        Settings(
            webhook_url="https://bot.example.vn/tg/4f9c2e",
            webhook_secret=SecretStr("s3cret"),
            webhook_port=8443,
        )
    )
    assert options is not None
    assert (options["listen"], options["port"], options["url_path"]) == (
        "127.0.0.1",
        8443,
        "tg/4f9c2e",
    )
    assert options["secret_token"] == "s3cret"


async def test_webhook_mode_end_to_end(
    telegram_emulator: TelegramEmulator,
    db_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    emu = telegram_emulator
    async with session_factory.begin() as s:
        await make_small_plan(s)
    code = await make_invite(session_factory, emu, Role.CONTACT, agency="Sở Y tế")
    port = free_port()
    user = TgUser(6001, "Trịnh", "Mai")
    async with running_bot(
        emu,
        db_url,
        session_factory,
        webhook_url=f"http://127.0.0.1:{port}/tg/4f9c2e",
        webhook_port=port,
        webhook_secret=SecretStr("s3cret"),
    ):
        await emu.client.start(user, code)
        greeting = texts(await emu.client.wait_for(user.id, 1))[0]
        assert greeting.startswith("✅ Đã liên kết thành công. Xin chào Trịnh Mai!")


@pytest.fixture
def sandbox_emulator() -> Iterator[int]:
    """The emulator as the sandbox starts it (a process), on a free port."""
    with emulator_process() as port:
        yield port


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_bot_process(env, log_level="WARNING")


def test_run_refuses_a_missing_token_and_a_bad_setting(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "TELEGRAM_BOT_TOKEN": ""}
    no_token = CliRunner().invoke(app, ["run"], env=env)
    assert no_token.exit_code == 1
    assert no_token.stderr.startswith("lỗi: chưa đặt TELEGRAM_BOT_TOKEN. Hãy đặt nó")
    bad = CliRunner().invoke(app, ["run"], env={**env, "INVITE_TTL_DAYS": "0"})
    assert bad.exit_code == 1
    assert bad.stderr == (
        "lỗi: thiết lập không hợp lệ:\n  INVITE_TTL_DAYS: phải lớn hơn hoặc bằng 1\n"
    )


def test_run_fails_fast_on_an_empty_database_or_a_refused_token(
    sandbox_emulator: int, tmp_path: Path
) -> None:
    # A subprocess: run_polling owns its event loop and signal handlers, as in production.
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    migrate.upgrade(url)
    api = f"http://127.0.0.1:{sandbox_emulator}/bot"
    no_plan = _run(
        {"DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": SANDBOX_TOKEN, "TELEGRAM_API_BASE_URL": api}
    )
    assert no_plan.returncode == 1
    assert (
        "lỗi: cơ sở dữ liệu chưa có kế hoạch nào: hãy chạy `python -m bot plan import TỆP`"
        in no_plan.stderr
    )
    bad_token = _run(
        {"DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": "1:wrong", "TELEGRAM_API_BASE_URL": api}
    )
    assert bad_token.returncode == 1
    assert f"lỗi: không dùng được Bot API tại {api}" in bad_token.stderr


def test_chatty_libraries_log_warnings_only_at_info() -> None:
    """At LOG_LEVEL=INFO the operator sees the bot's lines, not httpx's per-request lines,
    APScheduler's per-run lines or matplotlib's per-chart notes."""
    import logging

    from bot.run import configure_logging

    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    try:
        configure_logging("info")
        assert root.level == logging.INFO
        assert [
            logging.getLogger(name).level for name in ("httpx", "apscheduler", "matplotlib")
        ] == [logging.WARNING] * 3
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for name in ("httpx", "apscheduler", "matplotlib"):
            logging.getLogger(name).setLevel(logging.NOTSET)
