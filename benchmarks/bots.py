"""The two bots ``bench_dialog.py`` measures, each run as its own process.

``python benchmarks/bots.py echo [--rate-limiter]`` — a bare PTB echo bot (one ``sendMessage`` per
text), optionally with the same ``AIORateLimiter`` the real bot has.
``python benchmarks/bots.py dialog [--no-rate-limiter] [--concurrent-updates]`` — the real bot
(``bot.app.build_application`` with the settings from the environment), optionally without its rate
limiter, optionally processing updates concurrently (PTB processes one at a time by default).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters


async def _echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text)


def echo(rate_limiter: bool) -> None:
    builder = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
    )
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


def dialog(rate_limiter: bool) -> None:
    from bot.app import build_application
    from bot.settings import load_settings

    app = build_application(load_settings())
    if not rate_limiter:
        app.bot._rate_limiter = None  # measure our own cost, not Telegram's 30 messages/s cap
    if "--concurrent-updates" in sys.argv:
        # Not how the bot is built (one update at a time): measured to show what it would give.
        from telegram.ext import SimpleUpdateProcessor

        app._update_processor = SimpleUpdateProcessor(64)
    from bot.run import freeze_startup_objects

    freeze_startup_objects()  # as ``bot.run.run_bot`` does before serving
    app.run_polling(allowed_updates=Update.ALL_TYPES)


def log_sql(path: str) -> None:
    """Append every SQL statement the process runs to ``path`` (one line each, whitespace folded),
    and every hand-off to aiosqlite's worker thread as ``-- aiosqlite <call>`` (cursor, execute,
    fetchall, close, commit, rollback each cost one), to count them per step."""
    import aiosqlite.core
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    out = open(path, "a", encoding="utf-8")  # open for the life of the process

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        out.write(" ".join(statement.split()) + "\n")

    event.listen(Engine, "before_cursor_execute", record)
    hand_off = aiosqlite.core.Connection._execute

    async def counted(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        out.write(f"-- aiosqlite {getattr(fn, '__name__', fn)}\n")
        return await hand_off(self, fn, *args, **kwargs)

    aiosqlite.core.Connection._execute = counted  # type: ignore[method-assign]


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    if os.environ.get("BENCH_SQL_LOG"):
        log_sql(f"{os.environ['BENCH_SQL_LOG']}.{os.getpid()}")  # flushed at exit
    kind = sys.argv[1]
    if kind == "echo":
        echo("--rate-limiter" in sys.argv)
    elif os.environ.get("BENCH_PROFILE"):
        # cProfile of the whole bot process, written when polling stops (SIGTERM from the driver).
        import cProfile

        cProfile.run(
            'dialog("--no-rate-limiter" not in sys.argv)',
            f"{os.environ['BENCH_PROFILE']}.{os.getpid()}",
        )
    else:
        dialog("--no-rate-limiter" not in sys.argv)
