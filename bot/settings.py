"""Settings of the bot, read once from environment variables and ``.env`` (pydantic-settings).

Nothing below ``bot/`` reads the environment: values are passed down as arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from locales import _
from scheduler.rules import ReminderRules

#: Where the embedded SQLite database lives by default (relative to the working directory).
DEFAULT_DATABASE_URL = "sqlite:///var/chien_dich_500.db"
#: The plan shipped with the repository, imported by ``make run`` into an empty database.
BUNDLED_PLAN = (
    Path(__file__).resolve().parent.parent
    / "data"
    / "plan"
    / ("ke_hoach_chien_dich_500_ngay_dem.txt")
)
#: The ``LOG_LEVEL`` values ``logging`` knows.
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: The ``TELEGRAM_HTTP_TRANSPORT`` values (``bot.telegram_http``): aiohttp under PTB's httpx client
#: (cheaper per call, the default), or PTB's stock httpx transport (the fallback).
TELEGRAM_HTTP_TRANSPORTS = ("aiohttp", "httpx")


def _one_of(typed: str, value: str, choices: Sequence[str], unknown: str) -> str:
    """``value`` (what was ``typed``, normalized) when it is one of ``choices``; otherwise
    ``ValueError`` with ``unknown`` (a Vietnamese message with ``{value}`` and ``{choices}``)."""
    if value not in choices:
        raise ValueError(unknown.format(value=typed, choices=", ".join(choices)))
    return value


class Settings(BaseSettings):
    """All settings; every field maps to an upper-case environment variable of the same name.

    Dates are calendar dates in ``timezone``; times are wall-clock times in ``timezone``.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description="sqlite:///path or postgresql://user@host/db; the async driver is picked for you",
    )
    telegram_bot_token: SecretStr | None = None
    #: Which plan the bot serves; needed only when the database holds several.
    plan_key: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_file_base_url: str | None = None
    #: How Bot API calls travel: one of TELEGRAM_HTTP_TRANSPORTS (bot.telegram_http).
    telegram_http_transport: str = "aiohttp"
    bot_username: str = "chiendich500_bot"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)

    timezone: str = "Asia/Ho_Chi_Minh"
    # The plan does not state its start: 500 days before the end (DOMAIN.md).
    campaign_start: date = date(2026, 3, 14)
    campaign_end: date = date(2027, 7, 27)

    send_time: time = time(8, 0)
    office_hours_start: time = time(7, 30)
    office_hours_end: time = time(17, 0)
    # Reminder rules (issue 5); see scheduler.rules.ReminderRules for their meaning.
    # NoDecode: "7,3,1,0" (what people write in an env file) as well as JSON "[7, 3, 1, 0]".
    reminder_deadline_days_before: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [7, 3, 1, 0]
    )
    reminder_overdue_working_days: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [1, 3]
    )
    reminder_escalation_working_day: int = Field(5, ge=1)
    reminder_fyi_days_before: int = Field(3, ge=0)
    reminder_period_working_days_before: int = Field(3, ge=0)
    report_due_working_days: int = Field(2, ge=0)
    invite_ttl_days: int = Field(14, ge=1)
    dialog_timeout_minutes: int = Field(30, ge=1)
    admin_chat_id: int | None = None
    log_level: str = "INFO"

    # Delivery (scheduler/sender.py, scheduler/jobs.py). Telegram's ceiling is ~30 msg/s per bot.
    #: Off: the bot neither plans nor sends (nor waits for the leader lock) — e.g. a second
    #: webhook worker, or tests of other features.
    delivery_enabled: bool = True
    send_rate_per_second: float = Field(30.0, gt=0)
    send_group_per_minute: float = Field(20.0, gt=0)
    sender_interval_seconds: float = Field(5.0, gt=0)
    planner_tick_seconds: float = Field(60.0, gt=0)
    #: Unsent reminders older than this are not sent late (they end failed, "expired").
    outbox_expire_hours: float = Field(20.0, gt=0)
    #: Fault injection for the kill tests only (never set in production): the process SIGKILLs
    #: itself after this many messages Telegram accepted, before their rows are committed.
    delivery_crash_after_accepted: int | None = None

    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(8081, ge=1, le=65535)

    @field_validator(
        "telegram_bot_token", "webhook_url", "webhook_secret", "plan_key", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `TELEGRAM_BOT_TOKEN=` in a .env means "no token" (the sandbox), not an empty token.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator(
        "reminder_deadline_days_before", "reminder_overdue_working_days", mode="before"
    )
    @classmethod
    def _day_list(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip().strip("[]")
            return [item for item in text.replace(",", " ").split() if item]
        return value

    @field_validator("reminder_deadline_days_before")
    @classmethod
    def _days_before_not_negative(cls, value: list[int]) -> list[int]:
        if any(day < 0 for day in value):
            raise ValueError(_("số ngày trước hạn phải từ 0 (sáng ngày đến hạn) trở lên"))
        return value

    @field_validator("reminder_overdue_working_days")
    @classmethod
    def _overdue_days_positive(cls, value: list[int]) -> list[int]:
        if any(day < 1 for day in value):
            raise ValueError(_("nhắc quá hạn rơi vào ngày làm việc thứ 1 sau hạn trở đi"))
        return value

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        # logging.basicConfig would raise "Unknown level" at start-up, as a traceback.
        return _one_of(
            value,
            value.strip().upper(),
            LOG_LEVELS,
            _("mức log “{value}” không rõ (một trong: {choices})"),
        )

    @field_validator("telegram_http_transport")
    @classmethod
    def _known_http_transport(cls, value: str) -> str:
        return _one_of(
            value,
            value.strip().lower(),
            TELEGRAM_HTTP_TRANSPORTS,
            _("kiểu kết nối Bot API “{value}” không rõ (một trong: {choices})"),
        )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(_("múi giờ “{value}” không rõ").format(value=value)) from exc
        return value

    @field_validator("office_hours_end")
    @classmethod
    def _send_time_in_office_hours(cls, value: time, info) -> time:  # type: ignore[no-untyped-def]
        # The planner plans only in [send_time, office_hours_end): otherwise nothing is ever sent.
        send_time = info.data.get("send_time")
        if send_time is not None and send_time >= value:
            raise ValueError(
                _(
                    "SEND_TIME {send} không trước OFFICE_HOURS_END {end}: nhắc việc chỉ được gửi "
                    "trong khoảng giữa hai giờ này"
                ).format(send=f"{send_time:%H:%M}", end=f"{value:%H:%M}")
            )
        return value

    @field_validator("campaign_end")
    @classmethod
    def _end_after_start(cls, value: date, info) -> date:  # type: ignore[no-untyped-def]
        start = info.data.get("campaign_start")
        if start is not None and value <= start:
            raise ValueError(_("campaign_end phải sau campaign_start"))
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)


def reminder_rules(settings: Settings) -> ReminderRules:
    """The planner's rules from the settings."""
    return ReminderRules(
        deadline_days_before=tuple(settings.reminder_deadline_days_before),
        overdue_working_days=tuple(settings.reminder_overdue_working_days),
        escalation_working_day=settings.reminder_escalation_working_day,
        fyi_days_before=settings.reminder_fyi_days_before,
        period_working_days_before=settings.reminder_period_working_days_before,
        period_due_working_days=settings.report_due_working_days,
        send_time=settings.send_time,
        office_hours_end=settings.office_hours_end,
        timezone=settings.timezone,
        campaign_start=settings.campaign_start,
        campaign_end=settings.campaign_end,
    )


def load_settings(**overrides: object) -> Settings:
    """Read the settings once (environment, then ``.env``), with explicit overrides on top."""
    return Settings(**overrides)  # type: ignore[arg-type]
