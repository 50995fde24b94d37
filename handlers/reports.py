"""``/baocao``: the periodic summary for the standing office and leaders (issue 8).

``/baocao`` offers the periods as buttons, the current ones first; ``/baocao thang 11/2026``,
``/baocao quy 4/2026`` (forms in ``reports.choices``) compile at once. The text goes out as HTML
messages ≤ 4096 characters, then the DOCX, XLSX and PNG as documents, rendered in a worker thread.
Only the standing office (and admin) and leaders may ask; leaders only read, which is all this does.

Callback data (``handlers.callback_data``): ``rpt:v1:p:<period id>`` — regular ids and milestones
only (no ``:`` inside); a button of another version gets a polite notice.
"""

from __future__ import annotations

import html
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers import callback_data
from handlers.auth import Actor, requires
from handlers.context import BotContext
from handlers.menu import roles_for
from locales import _
from models.plan import Plan
from reports.choices import button_label, parse_period_text, period_choices
from reports.compile import compile_summary
from reports.html import CHAT_MAX_MESSAGES, render_chunks
from reports.outputs import build_files
from reports.replies import campaign_window
from reports.summary import period_label
from scheduler.periods import PeriodError, ReportingPeriod, parse_period_id

#: More messages than this and the chat gets the brief form (the files carry everything).
MAX_MESSAGES = CHAT_MAX_MESSAGES
PREFIX = "rpt"


def period_button_data(period: ReportingPeriod) -> str:
    """``rpt:v1:p:2026-11`` (≤ 64 bytes: ids are at most 8 characters)."""
    return callback_data.build(PREFIX, "p", period.id)


def help_text() -> str:
    """What ``/baocao`` says with its buttons."""
    return _(
        "Chọn kỳ báo cáo, hoặc gõ trực tiếp, ví dụ: /baocao thang 11/2026, /baocao quy 4/2026, "
        "/baocao nam 2026, /baocao tu 01/11/2026 den 20/11/2026."
    )


async def _window(context: BotContext) -> tuple[date, date]:
    """The campaign window: the plan's settings, else the bot's."""
    settings = context.settings
    async with context.session_factory() as session:
        return await campaign_window(
            session, context.plan_id, settings.campaign_start, settings.campaign_end
        )


def _period_keyboard(context: BotContext, start: date, end: date) -> InlineKeyboardMarkup:
    """One button per period ``period_choices`` offers today (the bot's time zone)."""
    today = context.now().astimezone(context.settings.tz).date()
    choices = period_choices(today, campaign_start=start, campaign_end=end)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button_label(p), callback_data=period_button_data(p))]
            for p in choices
        ]
    )


@requires(roles_for("baocao"))
async def ask_report(update: Update, context: BotContext, actor: Actor) -> None:
    """``/baocao [kỳ]``: compile the typed period, or offer the periods as buttons."""
    message = update.effective_message
    assert message is not None
    start, end = await _window(context)
    typed = " ".join(context.args or []).strip()
    if typed:
        try:
            period = parse_period_text(typed, campaign_start=start, campaign_end=end)
        except PeriodError:
            await message.reply_text(
                _("Không đọc được kỳ báo cáo “{text}”.").format(text=html.escape(typed))
                + "\n"
                + help_text(),
                parse_mode=ParseMode.HTML,
                reply_markup=_period_keyboard(context, start, end),
            )
            return
        await _send_report(update, context, period, start, end)
        return
    await message.reply_text(help_text(), reply_markup=_period_keyboard(context, start, end))


@requires(roles_for("baocao"))
async def choose_period(update: Update, context: BotContext, actor: Actor) -> None:
    """A period button: compile and send that period's report."""
    query = update.callback_query
    assert query is not None and query.data is not None
    start, end = await _window(context)
    try:
        data = callback_data.parse(query.data)
        if data.action != "p" or len(data.args) != 1:
            raise PeriodError(query.data)
        period = parse_period_id(data.args[0], campaign_start=start, campaign_end=end)
    except (PeriodError, callback_data.CallbackDataError):
        await query.answer(_("Nút này đã cũ, vui lòng gửi lại /baocao."), show_alert=True)
        return
    await query.answer(_("Đang tổng hợp {label}…").format(label=period_label(period)))
    await _send_report(update, context, period, start, end)


async def _send_report(
    update: Update, context: BotContext, period: ReportingPeriod, start: date, end: date
) -> None:
    chat = update.effective_chat
    assert chat is not None
    async with context.session_factory() as session:
        plan = await session.get_one(Plan, context.plan_id)
        summary = await compile_summary(
            session,
            plan,
            period,
            now=context.now(),
            campaign_start=start,
            campaign_end=end,
            tz=context.settings.tz,
        )
    for chunk in render_chunks(summary, max_messages=MAX_MESSAGES):
        await context.bot.send_message(chat.id, chunk, parse_mode=ParseMode.HTML)
    files = await build_files(summary)  # worker thread: the event loop keeps serving others
    for name, data in files.named():
        await context.bot.send_document(chat.id, InputFile(data, filename=name))


def handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """The ``/baocao`` handlers, for ``handlers.all_handlers``."""
    return [
        CommandHandler("baocao", ask_report),
        CallbackQueryHandler(choose_period, pattern=callback_data.pattern(PREFIX)),
    ]
