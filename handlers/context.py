"""The typed context every handler receives: ``context.session_factory``, ``.clock``, ``.settings``.

PTB builds one ``BotData`` per application (``ContextTypes(bot_data=BotData)``); ``bot.app`` fills it
in ``build_application`` and ``post_init``. Handlers read resources as attributes, never string keys.
``handlers`` may not import ``bot`` (DESIGN.md), so the settings handlers need are a Protocol that
``bot.settings.Settings`` satisfies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import Application, CallbackContext, ExtBot

#: Returns the current time, aware UTC. Injected so tests move time instead of sleeping.
Clock = Callable[[], datetime]


class HandlerSettings(Protocol):
    """The settings handlers read (a subset of ``bot.settings.Settings``)."""

    bot_username: str
    invite_ttl_days: int
    admin_chat_id: int | None
    dialog_timeout_minutes: int
    #: The daily sending time (local), where "Nhắc lại sau" moves an item to.
    send_time: time
    #: The campaign window (DOMAIN.md: default 14/3/2026–27/7/2027), for report periods.
    campaign_start: date
    campaign_end: date

    @property
    def tz(self) -> ZoneInfo: ...


class NotReadyError(RuntimeError):
    """A resource was read before ``post_init`` created it."""


@dataclass
class BotData:
    """Per-application resources (one instance, created by PTB, filled by ``bot.app``)."""

    settings: HandlerSettings | None = None
    clock: Clock | None = None
    session_factory: async_sessionmaker[AsyncSession] | None = None
    #: The plan this bot serves (resolved from the ``PLAN_KEY`` setting at start-up).
    plan_id: int | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """``CallbackContext`` with typed access to the application's resources."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)

    def _data(self) -> BotData:
        return self.application.bot_data  # type: ignore[no-any-return]

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        """Open one unit of work per update: ``async with context.session_factory.begin()``."""
        value = self._data().session_factory
        if value is None:
            raise NotReadyError("the database is not open yet (post_init has not run)")
        return value

    @property
    def clock(self) -> Clock:
        """The injected clock (aware UTC)."""
        value = self._data().clock
        if value is None:
            raise NotReadyError("no clock configured")
        return value

    @property
    def settings(self) -> HandlerSettings:
        """The bot's settings."""
        value = self._data().settings
        if value is None:
            raise NotReadyError("no settings configured")
        return value

    @property
    def plan_id(self) -> int:
        """Id of the plan this bot serves."""
        value = self._data().plan_id
        if value is None:
            raise NotReadyError("no plan loaded (post_init has not run)")
        return value

    def now(self) -> datetime:
        """``self.clock()``: the current time, aware UTC."""
        return self.clock()

    def today(self) -> date:
        """Today's date in the province's time zone (``settings.tz``), from the clock."""
        return self.now().astimezone(self.settings.tz).date()
