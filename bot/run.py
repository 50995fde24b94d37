"""``python -m bot run``: the bot alone, with the settings it finds — polling, or a webhook when
``WEBHOOK_URL`` is set — against whatever Bot API server ``TELEGRAM_API_BASE_URL`` names."""

from __future__ import annotations

import gc
import logging
import sys
from typing import Any
from urllib.parse import urlparse

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import StartupError, build_application
from bot.settings import Settings
from locales import _

log = logging.getLogger(__name__)
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """``LOG_FORMAT`` lines with each secret (the bot token) replaced by ``<token>``, and without
    the traceback PTB logs when start-up fails: ``run`` prints that failure as one line."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(LOG_FORMAT)
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        # PTB's retry loop logs with exc_info; "Bootstrap" marks its start-up calls
        # (getMe, deleteWebhook/setWebhook), whose error StartupError reports anyway.
        if record.exc_info and "Bootstrap" in record.getMessage():
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every secret replaced by ``<token>`` (a token reaches messages through
    PTB's "The token `…` was rejected" and through request URLs)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<token>")
    return text


def configure_logging(level: str, secrets: tuple[str, ...] = ()) -> None:
    """Readable log lines on stderr, ``secrets`` redacted. httpx logs every long-poll request at
    INFO, matplotlib a line per chart axis of dates: keep them quiet."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter(secrets))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)


def webhook_options(settings: Settings) -> dict[str, Any] | None:
    """Arguments of ``run_webhook``/``Updater.start_webhook`` for ``WEBHOOK_URL`` (None: polling).

    The bot listens on ``WEBHOOK_LISTEN:WEBHOOK_PORT`` under the URL's path (the TLS proxy in front
    forwards that path unchanged); Telegram echoes ``WEBHOOK_SECRET`` in a header PTB checks.
    """
    if not settings.webhook_url:
        return None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": urlparse(settings.webhook_url).path.lstrip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": (
            settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        ),
        # Every update type: PTB's default leaves out some (chat_member) the bot may use later.
        "allowed_updates": Update.ALL_TYPES,
    }


def _secrets(settings: Settings) -> tuple[str, ...]:
    token = settings.telegram_bot_token
    return (token.get_secret_value(),) if token is not None else ()


def freeze_startup_objects() -> int:
    """Move every object alive now (modules, settings, the application, the catalog: they live
    as long as the process) out of the cyclic garbage collector's way (``gc.freeze``), after one
    collection so no garbage is frozen with them. The full collections that a report's or a busy
    hour's short-lived rows trigger then do not walk them again each time — 80–280 ms per full
    collection in ``benchmarks/bench_reports.py`` otherwise. Called once per process, by the
    process entry point (never by in-process tests, which would freeze their fixtures). Returns
    how many objects are frozen."""
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    log.info("%d start-up objects frozen (gc.freeze)", frozen)
    return frozen


def run_bot(settings: Settings) -> None:
    """Run the bot until interrupted (blocking). Raises ``StartupError`` on a missing token, a
    database without a plan or schema, a server that refuses the token or cannot be reached, or
    a webhook address that cannot be listened on."""
    configure_logging(settings.log_level, _secrets(settings))
    app = build_application(settings)
    webhook = webhook_options(settings)
    freeze_startup_objects()
    try:
        if webhook is not None:
            log.info(
                "webhook mode: %s (listening on %s:%s)",
                settings.webhook_url,
                settings.webhook_listen,
                settings.webhook_port,
            )
            try:
                app.run_webhook(**webhook)
            except OSError as exc:
                # Binding the webhook server: the port is taken or the address is not ours.
                raise StartupError(
                    _(
                        "không nghe được webhook tại {listen}:{port} ({error}); kiểm tra "
                        "WEBHOOK_LISTEN/WEBHOOK_PORT"
                    ).format(
                        listen=settings.webhook_listen,
                        port=settings.webhook_port,
                        error=exc.strerror or exc,
                    )
                ) from exc
        else:
            log.info("polling %s", settings.telegram_api_base_url)
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except (InvalidToken, NetworkError) as exc:
        # At start-up: one readable line instead of a traceback.
        raise StartupError(
            redact(
                _("không dùng được Bot API tại {url}: {error}").format(
                    url=settings.telegram_api_base_url, error=exc
                ),
                _secrets(settings),
            )
        ) from exc
