"""``/baocao``: the periodic summary for the standing office and leaders (issue 8).

``/baocao`` offers the periods as buttons, the current ones first; ``/baocao thang 11/2026``,
``/baocao quy 4/2026`` (forms in ``reports.choices``) compile at once. The text goes out as HTML
messages ≤ 4096 characters, then the DOCX, XLSX and PNG as documents, rendered in a worker thread.
Only the standing office (and admin) and leaders may ask; leaders only read, which is all this does.

The open and recent ad hoc requests (``scheduler.adhoc``: until 30 days after their due date) follow
as buttons "Đột xuất: <subject> (hạn dd/mm/yyyy)"; typed, ``/baocao dot xuat 7``. Their report is
``reports.adhoc.compile_request_summary``.

Each deliverable the report lists (a file an agency attached to its reply) gets a button
"📎 <task> — <agency>" under a message after the report's files, ``FILE_BUTTONS_PER_MESSAGE`` per
message and ``MAX_FILE_BUTTONS`` in all (a line says how many more and that a shorter period lists
them); a press sends the file again by its Telegram file_id, captioned "<task> — <agency> —
<period>, phiên bản <n>". Only those who may ask for reports may press (an agency contact, should
one hold such a button, only for their own agency's file); a file Telegram no longer serves is
said so in an alert.

Callback data (``handlers.callback_data``): ``rpt:v1:p:<period id>`` — regular ids and milestones
only (no ``:`` inside); ``rpt:v1:a:<request id>`` — an ad hoc request; ``rpt:v1:f:<version id>`` —
a deliverable; a button of another version gets a polite notice.
"""

from __future__ import annotations

import asyncio
import html
from datetime import date
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from handlers import callback_data
from handlers.auth import Actor, refusal_agency, requires
from handlers.context import BotContext
from handlers.menu import roles_for
from locales import _
from models.people import Role
from models.plan import Plan
from reports.adhoc import compile_request_summary
from reports.choices import (
    PeriodOutsideCampaign,
    ReversedRange,
    adhoc_request_text,
    button_label,
    parse_period_text,
    period_choices,
)
from reports.compile import compile_summary
from reports.deliverables import load_deliverable, may_open
from reports.html import CHAT_MAX_MESSAGES, render_chunks
from reports.replies import campaign_window
from reports.summary import Deliverable, Summary, period_label
from scheduler import adhoc
from scheduler.adhoc import AdhocRequestRef
from scheduler.periods import PeriodError, ReportingPeriod, parse_period_id

if TYPE_CHECKING:
    from reports.outputs import ReportFiles

#: More messages than this and the chat gets the brief form (the files carry everything).
MAX_MESSAGES = CHAT_MAX_MESSAGES
PREFIX = "rpt"
#: Ad hoc requests offered as buttons (the latest due first); older ones are typed.
MAX_ADHOC_BUTTONS = 5
#: A button shows a subject's start (Telegram cuts long button texts anyway).
MAX_BUTTON_SUBJECT = 60
#: Deliverable buttons per message, and in all (more are named in the DOCX; a shorter period
#: lists them).
FILE_BUTTONS_PER_MESSAGE = 10
MAX_FILE_BUTTONS = 50
#: Telegram's limits: a caption, a callback answer's alert.
MAX_CAPTION = 1024
MAX_ALERT = 200


def period_button_data(period: ReportingPeriod) -> str:
    """``rpt:v1:p:2026-11`` (≤ 64 bytes: ids are at most 8 characters)."""
    return callback_data.build(PREFIX, "p", period.id)


def help_text() -> str:
    """What ``/baocao`` says with its buttons."""
    return _(
        "Chọn kỳ báo cáo, hoặc gõ trực tiếp, ví dụ: /baocao thang 11/2026, /baocao quy 4/2026, "
        "/baocao nam 2026, /baocao tu 01/11/2026 den 20/11/2026, /baocao dot xuat 7 (yêu cầu "
        "báo cáo đột xuất số 7)."
    )


async def _window(context: BotContext) -> tuple[date, date]:
    """The campaign window: the plan's settings, else the bot's."""
    settings = context.settings
    async with context.session_factory() as session:
        return await campaign_window(
            session, context.plan_id, settings.campaign_start, settings.campaign_end
        )


async def _period_keyboard(context: BotContext, start: date, end: date) -> InlineKeyboardMarkup:
    """One button per period ``period_choices`` offers today (the bot's time zone), then one per
    ad hoc request open today, latest due date first."""
    today = context.today()
    choices = period_choices(today, campaign_start=start, campaign_end=end)
    async with context.session_factory() as session:
        requests = await adhoc.open_requests(session, context.plan_id, today, context.settings.tz)
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(button_label(p), callback_data=period_button_data(p))]
            for p in choices
        ]
        + [
            [
                InlineKeyboardButton(
                    adhoc.period_label(r.subject, r.due, max_subject=MAX_BUTTON_SUBJECT),
                    callback_data=callback_data.build(PREFIX, "a", r.id),
                )
            ]
            for r in requests[:MAX_ADHOC_BUTTONS]
        ]
    )


async def _request(context: BotContext, request_id: int) -> AdhocRequestRef | None:
    async with context.session_factory() as session:
        return await adhoc.get_request(session, context.plan_id, request_id, context.settings.tz)


@requires(roles_for("baocao"))
async def ask_report(update: Update, context: BotContext, actor: Actor) -> None:
    """``/baocao [kỳ]``: compile the typed period, or offer the periods as buttons."""
    message = update.effective_message
    assert message is not None
    start, end = await _window(context)
    typed = " ".join(context.args or []).strip()
    request_id = adhoc_request_text(typed) if typed else None
    if request_id is not None:
        request = await _request(context, request_id)
        if request is None:
            await message.reply_text(
                _("Không có yêu cầu báo cáo đột xuất số {number}.").format(number=request_id)
                + "\n"
                + help_text(),
                reply_markup=await _period_keyboard(context, start, end),
            )
            return
        await _send_report(update, context, request.period, start, end, request)
        return
    if typed:
        today = context.today()
        try:
            period = parse_period_text(typed, campaign_start=start, campaign_end=end, today=today)
        except (PeriodOutsideCampaign, ReversedRange) as exc:
            await message.reply_text(
                html.escape(str(exc)),
                parse_mode=ParseMode.HTML,
                reply_markup=await _period_keyboard(context, start, end),
            )
            return
        except PeriodError:
            await message.reply_text(
                _("Không đọc được kỳ báo cáo “{text}”.").format(text=html.escape(typed))
                + "\n"
                + help_text(),
                parse_mode=ParseMode.HTML,
                reply_markup=await _period_keyboard(context, start, end),
            )
            return
        await _send_report(update, context, period, start, end)
        return
    await message.reply_text(help_text(), reply_markup=await _period_keyboard(context, start, end))


@requires(roles_for("baocao"))
async def choose_period(update: Update, context: BotContext, actor: Actor) -> None:
    """A period button: compile and send that period's report."""
    query = update.callback_query
    assert query is not None and query.data is not None
    start, end = await _window(context)
    request = None
    try:
        data = callback_data.parse(query.data)
        if data.action not in ("p", "a") or len(data.args) != 1:
            raise PeriodError(query.data)
        if data.action == "a":
            request = await _request(context, data.arg_int(0))
            if request is None:
                raise PeriodError(query.data)
            period = request.period
        else:
            period = parse_period_id(data.args[0], campaign_start=start, campaign_end=end)
    except (PeriodError, callback_data.CallbackDataError):
        await query.answer(_("Nút này đã cũ, vui lòng gửi lại /baocao."), show_alert=True)
        return
    label = adhoc.period_label(request.subject, request.due) if request else period_label(period)
    await query.answer(_("Đang tổng hợp {label}…").format(label=label)[:200])
    await _send_report(update, context, period, start, end, request)


async def _send_report(
    update: Update,
    context: BotContext,
    period: ReportingPeriod,
    start: date,
    end: date,
    request: AdhocRequestRef | None = None,
) -> None:
    """Compile ``period``'s report (``request``'s when given) and send its chunks and files."""
    chat = update.effective_chat
    assert chat is not None
    async with context.session_factory() as session:
        plan = await session.get_one(Plan, context.plan_id)
        summary: Summary
        if request is not None:
            summary = await compile_request_summary(
                session,
                plan,
                request,
                now=context.now(),
                campaign_start=start,
                tz=context.settings.tz,
            )
        else:
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
    # Worker thread: the event loop keeps serving others (the first time, the thread also imports
    # matplotlib, python-docx and openpyxl: ``_build_files``).
    files = await asyncio.to_thread(_build_files, summary)
    for name, data in files.named():
        await context.bot.send_document(chat.id, InputFile(data, filename=name))
    for text, keyboard in deliverable_messages(summary.deliverables):
        await context.bot.send_message(chat.id, text, reply_markup=keyboard)


def deliverable_button(deliverable: Deliverable) -> InlineKeyboardButton:
    """ "📎 6a — Sở Y tế": sends that deliverable's file (``callback_data.deliverable``)."""
    return InlineKeyboardButton(
        _("📎 {task} — {agency}").format(task=deliverable.task_code, agency=deliverable.agency),
        callback_data=callback_data.deliverable(deliverable.version_id),
    )


def deliverable_messages(
    deliverables: list[Deliverable],
) -> list[tuple[str, InlineKeyboardMarkup]]:
    """The messages (plain text, keyboard) offering the deliverables' files, in the report's
    order: ``FILE_BUTTONS_PER_MESSAGE`` buttons a message, the first ``MAX_FILE_BUTTONS`` only
    (the last message then says how many more); none when no deliverable has a stored file."""
    offered = [d for d in deliverables if d.version_id]
    shown = offered[:MAX_FILE_BUTTONS]
    out: list[tuple[str, InlineKeyboardMarkup]] = []
    for first in range(0, len(shown), FILE_BUTTONS_PER_MESSAGE):
        page = shown[first : first + FILE_BUTTONS_PER_MESSAGE]
        if first == 0:
            text = _(
                "Sản phẩm đính kèm ({count}): nhấn một nút để nhận tệp do cơ quan gửi."
            ).format(count=len(offered))
        else:
            text = _("Sản phẩm đính kèm (tiếp, từ {first} đến {last}):").format(
                first=first + 1, last=first + len(page)
            )
        if first + FILE_BUTTONS_PER_MESSAGE >= len(shown) and len(offered) > len(shown):
            text += "\n" + _(
                "… và {count} sản phẩm khác (tên có trong tệp DOCX): chọn kỳ ngắn hơn, ví dụ "
                "/baocao tu 01/11/2026 den 07/11/2026, để nhận các tệp này."
            ).format(count=len(offered) - len(shown))
        keyboard = InlineKeyboardMarkup([[deliverable_button(d)] for d in page])
        out.append((text, keyboard))
    return out


async def _period_text(context: BotContext, period_id: str) -> str:
    """A reply's period as a report names it ("tháng 11/2026", "đột xuất: …"); the raw id when
    it is no longer one the campaign knows."""
    if period_id.startswith("adhoc:"):
        try:
            request = await _request(context, int(period_id.removeprefix("adhoc:")))
        except ValueError:
            request = None
        return adhoc.period_label(request.subject, request.due) if request else period_id
    start, end = await _window(context)
    try:
        return period_label(parse_period_id(period_id, campaign_start=start, campaign_end=end))
    except PeriodError:
        return period_id


@requires(roles_for("baocao"))
async def send_deliverable(update: Update, context: BotContext, actor: Actor) -> None:
    """A deliverable's button: send that version's file by its file_id (``send_document`` or
    ``send_photo``), captioned with task, agency, period and version; the query is always
    answered (an alert when the button is stale or Telegram refuses the file)."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and query.data is not None and chat is not None
    stale = _("Nút này đã cũ, vui lòng gửi lại /baocao.")
    try:
        version_id = callback_data.parse(query.data).arg_int(0)
    except callback_data.CallbackDataError:
        await query.answer(stale, show_alert=True)
        return
    async with context.session_factory() as session:
        file = await load_deliverable(session, context.plan_id, version_id)
    if file is None:
        await query.answer(stale, show_alert=True)
        return
    reads_every_agency = actor.is_office or Role.LEADER in actor.roles
    if not may_open(file, reads_every_agency=reads_every_agency, agency_id=actor.agency_id):
        await query.answer(refusal_agency(), show_alert=True)
        return
    caption = _("{task} — {agency} — {period}, phiên bản {version}").format(
        task=file.task_code,
        agency=file.agency_name,
        period=await _period_text(context, file.period),
        version=file.version,
    )[:MAX_CAPTION]
    try:
        if file.kind == "photo":
            await context.bot.send_photo(chat.id, file.file_id, caption=caption)
        else:
            await context.bot.send_document(chat.id, file.file_id, caption=caption)
    except BadRequest:
        await query.answer(
            _(
                "Telegram không còn cung cấp tệp này (tệp cũ hoặc đã bị xóa). Đề nghị {agency} "
                "gửi lại tệp qua /capnhat."
            ).format(agency=file.agency_name)[:MAX_ALERT],
            show_alert=True,
        )
        return
    await query.answer()


def _build_files(summary: Summary) -> ReportFiles:
    """``reports.outputs.build_files_sync``, imported on first use, in the calling (worker)
    thread: the file libraries (matplotlib, python-docx, openpyxl: about 70 MB and over a second
    to import) stay out of a bot that never builds a report file, and the import never blocks the
    event loop."""
    from reports.outputs import build_files_sync

    return build_files_sync(summary)


def handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """The ``/baocao`` handlers, for ``handlers.all_handlers``."""
    return [
        CommandHandler("baocao", ask_report),
        CallbackQueryHandler(send_deliverable, pattern=rf"^{PREFIX}:v1:f:[^:]*$"),
        CallbackQueryHandler(choose_period, pattern=callback_data.pattern(PREFIX)),
    ]
