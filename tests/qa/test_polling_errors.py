"""Errors of the polling loop (no update): a flaky network or a second instance (409 Conflict)
are one log line each, never a traceback in the log and the admin chat every retry. Found in the
sandbox: a second `python -m bot run` on the same token left the first logging "error while
handling an update" with a full traceback every 30 s (and, with ADMIN_CHAT_ID, messaging it)."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest
from telegram.error import Conflict, NetworkError, TimedOut

from bot.app import on_error
from bot.settings import Settings


class RecordingBot:
    """Records what the error handler sends (it must send nothing here)."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_kw: Any) -> None:
        self.sent.append((chat_id, text))


def _context(error: Exception, bot: RecordingBot) -> Any:
    settings = Settings(admin_chat_id=-100123)
    return SimpleNamespace(
        error=error,
        bot=bot,
        application=SimpleNamespace(bot_data=SimpleNamespace(settings=settings)),
    )


@pytest.mark.parametrize(
    ("error", "level", "start"),
    [
        (
            Conflict("Conflict: terminated by other getUpdates request"),
            logging.ERROR,
            "getUpdates refused (409): another process polls with this token",
        ),
        (NetworkError("httpx.ConnectError: boom"), logging.WARNING, "Bot API unreachable"),
        (TimedOut(), logging.WARNING, "Bot API unreachable"),
    ],
)
async def test_polling_errors_are_one_line_and_spare_the_admin_chat(
    error: Exception, level: int, start: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot = RecordingBot()
    with caplog.at_level(logging.INFO, logger="bot.app"):
        await on_error(None, _context(error, bot))
    records = [r for r in caplog.records if r.name == "bot.app"]
    assert [(r.levelno, r.exc_info) for r in records] == [(level, None)]
    assert records[0].getMessage().startswith(start)
    assert bot.sent == []


async def test_other_errors_still_reach_the_admin_chat(caplog: pytest.LogCaptureFixture) -> None:
    bot = RecordingBot()
    try:
        raise ValueError("a bug")
    except ValueError as exc:
        error = exc
    with caplog.at_level(logging.INFO, logger="bot.app"):
        await on_error(None, _context(error, bot))
    assert [r.getMessage() for r in caplog.records if r.name == "bot.app"] == [
        "error while handling an update"
    ]
    assert len(bot.sent) == 1
    assert bot.sent[0][0] == -100123
    assert "ValueError: a bug" in bot.sent[0][1]
