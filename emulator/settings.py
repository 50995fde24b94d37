"""Emulator settings: the bot's identity and every Telegram limit, each one adjustable.

Defaults follow Telegram's documented and observed limits (https://core.telegram.org/bots/faq
"My bot is hitting limits", https://core.telegram.org/bots/api). Tests that are not about limits
may relax them (``settings.rate_limits = False`` or bigger numbers); nothing is relaxed by default.
All durations are seconds of the emulator's clock (see :mod:`emulator.clock`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

DEFAULT_TOKEN = "123456789:AAEmulatorTokenForOfflineTestsOnly0000"


@dataclass
class Settings:
    """Everything the emulator can be configured with (mutable at run time)."""

    token: str = DEFAULT_TOKEN
    bot_first_name: str = "Emulated Bot"
    bot_username: str = "emulated_bot"

    # Message limits (https://core.telegram.org/bots/api#sendmessage): counted in UTF-16 code
    # units after entity parsing.
    max_text_length: int = 4096
    max_caption_length: int = 1024
    max_callback_data_bytes: int = 64
    max_upload_bytes: int = 50 * 1024 * 1024

    # Rate limits on sent or edited messages (callback answers and chat actions are not limited).
    rate_limits: bool = True
    per_chat_rate: float = 1.0  # tokens per second per chat
    per_chat_burst: int = 3  # bucket size per chat
    global_rate: float = 30.0  # tokens per second per bot
    global_burst: int = 30
    group_per_minute: int = 20  # messages per 60 s to one group or supergroup

    # getUpdates
    max_updates_limit: int = 100
    max_poll_timeout: float = 50.0
    # Unconfirmed updates are kept this long (https://core.telegram.org/bots/api#getting-updates).
    update_retention: float = 24 * 3600.0

    # Webhook delivery: a failed delivery is retried after this many seconds, up to the attempts
    # given (then the update is dropped, as Telegram eventually does).
    webhook_retry_delay: float = 5.0
    webhook_max_attempts: int = 100
    webhook_request_timeout: float = 10.0

    # A callback query must be answered within this time, else "query is too old".
    callback_answer_timeout: float = 15.0
    # A bot may delete its messages in private chats and groups up to 48 hours after sending.
    delete_window: float = 48 * 3600.0

    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def bot_id(self) -> int:
        """The numeric id before the colon of the token (as Telegram's tokens carry it)."""
        return int(self.token.split(":", 1)[0])

    def update(self, values: dict[str, Any]) -> None:
        """Set known fields from ``values``; unknown names raise ``KeyError``."""
        names = {f.name for f in fields(self)}
        for key, value in values.items():
            if key not in names or key == "extra":
                raise KeyError(key)
            setattr(self, key, value)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
