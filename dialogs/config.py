"""Settings the progress dialog needs, passed in (nothing below ``bot/`` reads the environment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from models.people import Contact
from scheduler.calendar import WorkingCalendar
from scheduler.controls import LOCAL_TZ
from scheduler.periods import DEFAULT_DUE_WORKING_DAYS, ReportingPeriod, parse_period_id


class _Settings(Protocol):
    dialog_timeout_minutes: int
    campaign_start: date
    campaign_end: date

    @property
    def tz(self) -> ZoneInfo: ...


@dataclass(frozen=True)
class DialogConfig:
    """``timeout``: idle time after which a dialog pauses (setting ``dialog_timeout_minutes``,
    default 30 min); ``tz``: the zone dates are read in; campaign dates name the milestones;
    ``calendar``: None to load the plan's calendar (with overrides) from the database."""

    tz: ZoneInfo = LOCAL_TZ
    timeout: timedelta = timedelta(minutes=30)
    campaign_start: date = date(2026, 3, 14)
    campaign_end: date = date(2027, 7, 27)
    due_working_days: int = DEFAULT_DUE_WORKING_DAYS
    page_size: int = 8
    calendar: WorkingCalendar | None = None

    @classmethod
    def from_settings(cls, settings: _Settings, **overrides: object) -> DialogConfig:
        """The config from the bot's settings (``bot.settings.Settings`` or a look-alike)."""
        values: dict[str, object] = {
            "tz": settings.tz,
            "timeout": timedelta(minutes=settings.dialog_timeout_minutes),
            "campaign_start": getattr(settings, "campaign_start", cls.campaign_start),
            "campaign_end": getattr(settings, "campaign_end", cls.campaign_end),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    def local_date(self, now: datetime) -> date:
        """The calendar date of ``now`` (aware) in ``tz``."""
        return now.astimezone(self.tz).date()

    def period(self, period_id: str) -> ReportingPeriod:
        """The period named ``period_id``; raises ``scheduler.periods.PeriodError``."""
        return parse_period_id(
            period_id, campaign_start=self.campaign_start, campaign_end=self.campaign_end
        )


@dataclass(frozen=True)
class ContactRef:
    """What the dialog needs of a contact, without loading the row: ids and the agency.

    The adapter builds it from the role check's snapshot, read in the step's own transaction, so
    ``agency_name`` (None: not known, the dialog reads it) is as fresh as the step; a loaded
    ``Contact`` works the same.
    """

    id: int
    plan_id: int
    agency_id: int | None
    telegram_user_id: int
    agency_name: str | None = None


#: A contact as the dialog's functions take it.
AnyContact = Contact | ContactRef
