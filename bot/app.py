"""The one ``Application`` factory: typed context, resources in post_init/post_shutdown, the
handlers in their ordered list, one error handler, per-role menus.

Nothing here talks to this project's emulator specifically: the bot speaks the Bot API at
``TELEGRAM_API_BASE_URL`` (Telegram's by default; a self-hosted Bot API server or the sandbox's
emulator otherwise).
"""

from __future__ import annotations

import html
import logging
import traceback
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import BotCommandScopeAllPrivateChats, BotCommandScopeDefault, Update
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    ExtBot,
    JobQueue,
)

from bot.db_errors import DATABASE_ERRORS, explain_database_error
from bot.delivery import start_delivery
from bot.settings import Settings
from bot.telegram_http import bot_request
from handlers import all_handlers
from handlers.context import BotContext, BotData, Clock
from handlers.menu import bot_commands, sync_menu
from handlers.progress import sweep_idle_dialogs
from locales import _
from models import access, directory
from models.db import create_engine, create_session_factory
from models.repositories import get_plan
from scheduler.calendar import preload as preload_holidays
from scheduler.jobs import DeliveryService
from scheduler.sender import rate_limiter

log = logging.getLogger(__name__)

BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[BotContext]
]


class StartupError(RuntimeError):
    """A setting or the database makes start-up impossible; the message says what to fix."""


def system_clock() -> datetime:
    """The real clock (aware UTC)."""
    return datetime.now(UTC)


def file_base_url(settings: Settings) -> str:
    """The file download base: the setting, else derived from the API base (``…/bot`` →
    ``…/file/bot``), which is how Telegram and the self-hosted Bot API server lay them out."""
    if settings.telegram_file_base_url:
        return settings.telegram_file_base_url
    base = settings.telegram_api_base_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return base + "/file"


def build_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    session_factory: async_sessionmaker[AsyncSession] | None = None,
) -> BotApplication:
    """Build (not start) the bot's ``Application`` for ``settings``.

    ``clock`` defaults to the system clock; ``session_factory`` defaults to one opened on
    ``settings.database_url`` in ``post_init`` and closed in ``post_shutdown``. Raises
    ``StartupError`` when no token is set.
    """
    if settings.telegram_bot_token is None:
        raise StartupError(_("chưa đặt TELEGRAM_BOT_TOKEN"))
    owned: dict[str, AsyncEngine] = {}
    delivery: dict[str, DeliveryService] = {}

    async def post_init(app: BotApplication) -> None:
        data = app.bot_data
        if data.session_factory is None:
            engine = create_engine(settings.database_url)
            owned["engine"] = engine
            data.session_factory = create_session_factory(engine)
        try:
            async with data.session_factory.begin() as session:
                plan = await get_plan(session, settings.plan_key)
                data.plan_id = plan.id
                # Revoked people too: their menu is removed (a CLI revoke cannot reach Telegram).
                contacts = await directory.list_contacts(session, plan.id, include_revoked=True)
                menus = [(c.telegram_user_id, access.roles_of(c)) for c in contacts]
        except LookupError as exc:
            raise StartupError(str(exc)) from exc
        except DATABASE_ERRORS as exc:
            message = explain_database_error(settings.database_url, exc)
            if message is None:
                raise
            raise StartupError(message) from exc
        # Built now rather than by the first update or planner tick that needs a working day.
        preload_holidays()
        # The default menu (anyone) first; then each bound person's own menu, because Telegram
        # picks the narrowest scope that has commands (chat > all private chats > default).
        public = bot_commands(())
        await app.bot.set_my_commands(public, scope=BotCommandScopeDefault())
        await app.bot.set_my_commands(public, scope=BotCommandScopeAllPrivateChats())
        for chat_id, roles in menus:
            try:
                await sync_menu(app.bot, chat_id, roles)
            except (Forbidden, BadRequest) as exc:
                # Blocked the bot, or a chat Telegram no longer knows: the menu follows on /start.
                log.info("menu of %s not set: %s", chat_id, exc.message)
        if settings.delivery_enabled:
            # Reminders (issue 7): only the leader polls, plans and sends (DESIGN.md decision 2).
            delivery["service"] = await start_delivery(
                settings, app.bot, data.session_factory, plan.id, clock=data.clock or system_clock
            )
        log.info(
            "bot @%s ready on plan %r (%d contacts), API %s",
            app.bot.username,
            plan.key,
            sum(1 for _chat, roles in menus if roles),
            settings.telegram_api_base_url,
        )

    async def post_shutdown(app: BotApplication) -> None:
        service = delivery.pop("service", None)
        if service is not None:
            await service.stop()
        engine = owned.pop("engine", None)
        if engine is not None:
            await engine.dispose()

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_base_url(settings))
        .request(bot_request(settings.telegram_http_transport))
        .get_updates_request(bot_request(settings.telegram_http_transport, get_updates=True))
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .rate_limiter(
            rate_limiter(settings.send_rate_per_second, settings.send_group_per_minute, 3)
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    app: BotApplication = builder.build()  # type: ignore[assignment]
    app.bot_data.settings = settings
    app.bot_data.clock = clock or system_clock
    app.bot_data.session_factory = session_factory
    for group, handlers in all_handlers():
        app.add_handlers(handlers, group=group)
    if app.job_queue is not None:
        # Only a tick: which dialogs are idle is judged from the database against the clock.
        app.job_queue.run_repeating(sweep_idle_dialogs, interval=60, first=60)
    app.add_error_handler(on_error)
    return app


async def on_error(update: object, context: BotContext) -> None:
    """The one error handler: log with the traceback, tell the user in Vietnamese, tell the admin
    chat (if set). Known Telegram errors are handled where they happen; this is for the rest.

    Errors of the polling loop itself (no update) are not tracebacks for the admin: PTB retries
    them, so a flaky network or a second instance would otherwise flood the log and the admin
    chat every few seconds. They are one log line each."""
    error = context.error
    if update is None and isinstance(error, Conflict):
        log.error(
            "getUpdates refused (409): another process polls with this token, or a webhook is "
            "set; stop the other one (polling retries meanwhile): %s",
            error.message,
        )
        return
    if update is None and isinstance(error, NetworkError):
        log.warning("Bot API unreachable (retried later): %s", error.message)
        return
    log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                _(
                    "Xin lỗi, bot gặp lỗi khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút; "
                    "nếu vẫn lỗi, hãy báo Cơ quan Thường trực."
                ),
            )
        except TelegramError:
            log.warning("could not tell the user about the error", exc_info=True)
    admin = context.application.bot_data.settings
    admin_chat = admin.admin_chat_id if admin is not None else None
    if admin_chat is not None and context.error is not None:
        tb = "".join(traceback.format_exception(context.error))[-3500:]
        try:
            await context.bot.send_message(
                admin_chat, f"<pre>{html.escape(tb)}</pre>", parse_mode="HTML"
            )
        except TelegramError:
            log.warning("could not notify the admin chat", exc_info=True)
