"""``python -m bot run``: the bot alone, with the settings it finds — polling, or a webhook when
``WEBHOOK_URL`` is set — against whatever Bot API server ``TELEGRAM_API_BASE_URL`` names."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlparse

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import StartupError, build_application
from bot.settings import Settings

log = logging.getLogger(__name__)
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def configure_logging(level: str) -> None:
    """Readable log lines on stderr. httpx logs every long-poll request at INFO: keep it quiet."""
    logging.basicConfig(level=level.upper(), format=LOG_FORMAT, stream=sys.stderr, force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def run_bot(settings: Settings) -> None:
    """Run the bot until interrupted (blocking). Raises ``StartupError`` on a missing token, a
    database without a plan, or a server that refuses the token."""
    configure_logging(settings.log_level)
    app = build_application(settings)
    # Updates of every type: PTB's default leaves out some (chat_member) that the bot may use later.
    try:
        if settings.webhook_url:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
            log.info(
                "webhook mode: %s (listening on %s:%s)",
                settings.webhook_url,
                settings.webhook_listen,
                settings.webhook_port,
            )
            app.run_webhook(
                listen=settings.webhook_listen,
                port=settings.webhook_port,
                url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=secret,
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            log.info("polling %s", settings.telegram_api_base_url)
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except StartupError:
        raise
    except Exception as exc:
        # InvalidToken, NetworkError at start-up: one readable line instead of a traceback.
        if isinstance(exc, InvalidToken | NetworkError):
            raise StartupError(
                f"cannot reach the Bot API at {settings.telegram_api_base_url}: {exc}"
            ) from exc
        raise
