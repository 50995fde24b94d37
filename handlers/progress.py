"""Telegram adapter of the progress dialog (``dialogs.progress``): ``/capnhat``, the ``upd`` buttons,
and typed text, documents and photos while a dialog is active. Thin: one transaction per update
checks the sender and runs the plain step (``/capnhat`` and the buttons through
``handlers.auth.requires_in_unit``, typed text and files through ``_input_contact``); the ``Screen``
it returns is sent after the commit, so no Telegram call happens inside a transaction.

Telegram rules kept here:

- every callback query is answered (a notice, or silently), so no button spins forever;
- a reminder's button ("Cập nhật ngay", "Đã hoàn thành", "Báo cáo ngay") opens the dialog as a new
  message below the reminder, which keeps its other items and buttons;
- a button of the dialog edits its own message in place; a typed answer gets a new message; when the dialog
  ends (stored, cancelled) the last message loses its buttons and the result is a new message;
- the dialog runs in private chat only: ``/capnhat`` in a group says so; in a group a reminder's
  "Cập nhật ngay" / "Đã hoàn thành" is honoured only for a contact of an agency on that task (the
  dialog then opens in their private chat) and refused for anyone else, and dialog buttons are
  refused to anyone but their owner;
- **edited messages** (one rule, bot-wide, ``early_handlers``): an edit is never read as input. In a
  private chat the bot answers it with a notice saying so and how to change an answer; in a group it
  is ignored. Edited commands are included: they run nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from dialogs import progress
from dialogs.config import ContactRef, DialogConfig
from dialogs.render import Notice, Screen
from handlers import callback_data as cb
from handlers.auth import Actor, AfterCommit, requires_in_unit
from handlers.context import BotContext
from locales import _
from models import access
from models.people import Role

log = logging.getLogger(__name__)

#: Who reports progress: an agency's contacts, and the standing office's people (an agency too).
REPORTERS = frozenset({Role.CONTACT, Role.STANDING_OFFICE})
_PRIVATE = filters.ChatType.PRIVATE
_NEW = filters.UpdateType.MESSAGE  # not edits: see the module docstring


def keyboard(screen: Screen) -> InlineKeyboardMarkup | None:
    """The screen's buttons as inline buttons carrying ``(token, step)``; None when there are none."""
    if not screen.rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    b.label, callback_data=cb.dialog(b.action, screen.token, screen.step, b.arg)
                )
                for b in row
            ]
            for row in screen.rows
        ]
    )


def _config(context: BotContext) -> DialogConfig:
    return DialogConfig.from_settings(context.settings)  # type: ignore[arg-type]


def private_chat_notice(context: BotContext) -> str:
    """What ``/capnhat`` in a group says."""
    return _("Lệnh /capnhat chỉ dùng trong chat riêng với bot: mở @{bot} và gửi /capnhat.").format(
        bot=context.settings.bot_username
    )


async def _send(context: BotContext, chat_id: int, screen: Screen) -> Message:
    return await context.bot.send_message(
        chat_id, screen.text, parse_mode=ParseMode.HTML, reply_markup=keyboard(screen)
    )


async def _show_screen(context: BotContext, query: CallbackQuery, result: Screen) -> None:
    """Show ``result`` for a pressed button: edit its message in place, or (the dialog ended) take
    its buttons away and send the result as a new message."""
    message = query.message
    if not isinstance(message, Message):  # too old for Telegram to hand back: answer anew
        await _send(context, query.from_user.id, result)
        return
    try:
        if result.rows:
            await message.edit_text(
                result.text, parse_mode=ParseMode.HTML, reply_markup=keyboard(result)
            )
            return
        if result.replaces is not None:
            await message.edit_text(result.replaces, parse_mode=ParseMode.HTML, reply_markup=None)
        else:
            await message.edit_reply_markup(reply_markup=None)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
        if result.rows:
            return
    await _send(context, message.chat.id, result)


async def _show_on_press(update: Update, context: BotContext, result: Screen | Notice) -> None:
    """Answer the press and show its result. The answer (it stops the spinner) and the screen go
    out at the same time, two round trips in parallel; the answer is made even when showing the
    screen fails, and then the failure is raised (the error handler reports it)."""
    query = update.callback_query
    assert query is not None
    if isinstance(result, Notice):
        await query.answer(result.text, show_alert=True)
        return
    outcomes = await asyncio.gather(
        query.answer(result.notice, show_alert=bool(result.notice)),
        _show_screen(context, query, result),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


def _contact(context: BotContext, actor: Actor) -> ContactRef:
    # The role check already found the contact; its snapshot is all the dialog needs.
    return ContactRef(
        id=actor.contact_id,
        plan_id=context.plan_id,
        agency_id=actor.agency_id,
        telegram_user_id=actor.telegram_user_id,
        agency_name=actor.agency_name,
    )


@requires_in_unit(REPORTERS)
async def capnhat(
    update: Update, context: BotContext, actor: Actor, session: AsyncSession
) -> AfterCommit:
    """``/capnhat``: start the dialog (or offer the unfinished draft). The role check and the
    step are one transaction; the screen is sent after it commits."""
    message = update.effective_message
    assert message is not None
    if actor.agency_id is None:
        text = _("Tài khoản của bạn chưa gắn với cơ quan nào nên chưa báo cáo được.")
        return functools.partial(message.reply_text, text)
    screen = await progress.start(
        session, _contact(context, actor), context.now(), _config(context)
    )
    return functools.partial(_send, context, message.chat.id, screen)


async def capnhat_in_group(update: Update, context: BotContext) -> None:
    """``/capnhat`` outside a private chat: say where it works."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(private_chat_notice(context))


async def on_button(update: Update, context: BotContext) -> None:
    """Any ``upd`` button: the role check, then the dialog (``_press``), never leaving the button
    spinning."""
    try:
        await _press(update, context)
    except Exception:
        # Never leave the button spinning: a best-effort answer (it may have been answered
        # already), then the one error handler logs and tells the user.
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer(_("Có lỗi khi xử lý; vui lòng thử lại."))
        raise


def _answer(query: CallbackQuery, text: str) -> Callable[[], Awaitable[Any]]:
    return functools.partial(query.answer, text, show_alert=True)


@requires_in_unit(REPORTERS)
async def _press(
    update: Update, context: BotContext, actor: Actor, session: AsyncSession
) -> AfterCommit:
    """A button of the dialog, inside the role check's transaction: refuse what is not the
    tapper's, else run the step; returns the answer and screen to send after the commit."""
    query = update.callback_query
    assert query is not None
    try:
        data = cb.parse(query.data or "")
    except cb.CallbackDataError:
        return _answer(query, _("Nút này thuộc phiên bản cũ của bot; gõ /capnhat để bắt đầu lại."))
    chat = query.message.chat if query.message is not None else None
    in_private = (
        chat is not None and chat.type == ChatType.PRIVATE and chat.id == query.from_user.id
    )
    if data.action not in cb.UPD_ENTRY_ACTIONS and not in_private:
        return _answer(query, _("Nút này không dành cho bạn."))
    cfg, now, contact = _config(context), context.now(), _contact(context, actor)
    if contact.agency_id is None:
        result: Screen | Notice = Notice(_("Nút này không dành cho bạn."))
    elif data.action == "adhoc":
        try:
            request_id = data.arg_int(0)
        except cb.CallbackDataError:
            result = Notice(_("Nút này không còn dùng được; gõ /capnhat để cập nhật."))
        else:
            result = await progress.open_adhoc(session, contact, now, cfg, request_id)
    elif data.action in cb.UPD_ENTRY_ACTIONS:
        try:
            code, occurrence = data.args[0], data.arg_int(1)
        except (IndexError, cb.CallbackDataError):
            result = Notice(_("Nút này không còn dùng được; gõ /capnhat để cập nhật."))
        else:
            result = await progress.open_task(
                session, contact, now, cfg, code, occurrence, one_tap=data.action == "done"
            )
    else:
        try:
            token, step, arg = cb.dialog_parts(data)
        except cb.CallbackDataError:
            result = Notice(_("Nút này không còn dùng được; gõ /capnhat để cập nhật."))
        else:
            result = await progress.press(session, contact, now, cfg, token, step, data.action, arg)
    if isinstance(result, Screen) and not in_private:
        return functools.partial(_go_private, query, context, result)
    if isinstance(result, Notice) and not in_private:
        return _answer(query, _("Nút này không dành cho bạn."))
    if isinstance(result, Screen) and data.action in cb.UPD_ENTRY_ACTIONS:
        # A reminder's button: the reminder keeps its other items and buttons; the dialog
        # opens below it as a new message.
        return functools.partial(_open_below, query, context, result)
    return functools.partial(_show_on_press, update, context, result)


async def _open_below(query: CallbackQuery, context: BotContext, screen: Screen) -> None:
    """Answer a reminder's button and open the dialog as a new message in the same chat."""
    outcomes = await asyncio.gather(
        query.answer(screen.notice, show_alert=bool(screen.notice)),
        _send(context, query.from_user.id, screen),
        return_exceptions=True,
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


async def _go_private(query: CallbackQuery, context: BotContext, screen: Screen) -> None:
    """A reminder's button tapped in a group by the right contact: the dialog goes private."""
    try:
        await _send(context, query.from_user.id, screen)
    except Forbidden:
        await query.answer(
            _("Hãy mở chat riêng với @{bot}, gửi /start rồi gửi /capnhat.").format(
                bot=context.settings.bot_username
            ),
            show_alert=True,
        )
        return
    await query.answer(_("Mời bạn tiếp tục trong chat riêng với bot."), show_alert=True)


async def _input_contact(
    session: AsyncSession, context: BotContext, update: Update
) -> ContactRef | None:
    """The sender as a contact able to report, recording the activity; None for anyone else.

    Typed input is not a command: it only ever answers a dialog that ``/capnhat`` (behind the role
    check) started, so people without such a dialog are simply not answered here.
    """
    user = update.effective_user
    if user is None:
        return None
    contact = await access.contact_snapshot(session, context.plan_id, user.id)
    if contact is None or contact.agency_id is None or not (contact.roles & REPORTERS):
        return None
    await access.touch_snapshot(session, contact, context.now())
    return ContactRef(
        id=contact.id,
        plan_id=contact.plan_id,
        agency_id=contact.agency_id,
        telegram_user_id=contact.telegram_user_id,
        agency_name=contact.agency_name,
    )


async def on_text(update: Update, context: BotContext) -> None:
    """Typed text: the answer to the current step if a dialog is active; a hint for a contact
    with none (both stop the update there); nothing for anyone else (group 1 answers them)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    async with context.session_factory.begin() as session:
        contact = await _input_contact(session, context, update)
        if contact is None:
            return
        screen = await progress.receive_text(
            session, contact, context.now(), _config(context), message.text
        )
    if screen is None:
        await message.reply_text(
            _("Gửi /capnhat để cập nhật tiến độ, hoặc /trogiup để xem các lệnh.")
        )
    else:
        await _send(context, message.chat.id, screen)
    # Answered, and the sender is a bound contact: group 1's fallback for unbound accounts
    # (``onboarding.unbound_text``) would only look the contact up again to leave it alone.
    raise ApplicationHandlerStop


async def on_file(update: Update, context: BotContext) -> None:
    """A document or photo: the deliverable of the reply being written, kept by ``file_id``."""
    message = update.effective_message
    assert message is not None
    if message.document is not None:
        attachment = progress.Attachment(
            file_id=message.document.file_id, kind="document", name=message.document.file_name
        )
    else:
        photo = message.photo[-1]  # the largest size Telegram made
        attachment = progress.Attachment(file_id=photo.file_id, kind="photo", name=None)
    async with context.session_factory.begin() as session:
        contact = await _input_contact(session, context, update)
        if contact is None:
            return
        screen = await progress.receive_file(
            session, contact, context.now(), _config(context), attachment, message.caption
        )
    if screen is None:
        await message.reply_text(_("Tệp chỉ được nhận khi bạn đang cập nhật tiến độ (/capnhat)."))
        return
    await _send(context, message.chat.id, screen)


async def cancel_dialog(update: Update, context: BotContext) -> None:
    """``/huy`` while a progress dialog is active: cancel it and stop there; otherwise let the
    general ``/huy`` (``handlers.onboarding``) answer."""
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    async with context.session_factory.begin() as session:
        contact = await access.get_contact(session, context.plan_id, user.id)
        screen = None
        if contact is not None and contact.agency_id is not None:
            screen = await progress.cancel(session, contact, context.now())
    if screen is not None:
        await _send(context, message.chat.id, screen)
        raise ApplicationHandlerStop


async def on_edited(update: Update, context: BotContext) -> None:
    """The edited-message rule (module docstring): notice in private chat, nothing else anywhere."""
    message = update.edited_message
    if message is not None and message.chat.type == ChatType.PRIVATE:
        await message.reply_text(
            _(
                "Bot không đọc tin nhắn đã sửa. Muốn đổi câu trả lời, hãy bấm « Quay lại hoặc Sửa "
                "ở bản tóm tắt; muốn gửi lệnh, hãy gửi tin nhắn mới."
            )
        )
    raise ApplicationHandlerStop


async def sweep_idle_dialogs(context: BotContext) -> None:
    """Job: pause the dialogs idle past the timeout and tell their contacts (the draft is kept).

    Idleness is judged from the stored last activity against the clock, so a missed run (a
    restart) loses nothing: the next run, or the contact's next message, catches up.
    """
    async with context.session_factory.begin() as session:
        notices = await progress.expire_idle(session, context.now(), _config(context))
    for chat_id, screen in notices:
        try:
            await _send(context, chat_id, screen)
        except (Forbidden, BadRequest) as exc:
            log.info("timeout notice to %s not sent: %s", chat_id, exc.message)


def early_handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """Handlers for a group that runs before the commands (``handlers.all_handlers``): the
    edited-message rule, and ``/huy`` cancelling an active progress dialog."""
    return [
        MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edited),
        CommandHandler("huy", cancel_dialog, filters=_PRIVATE & _NEW),
    ]


def handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """The dialog's handlers. Register them after the other modules' handlers of the same group:
    the text/file handlers take any private message the modules before them left."""
    return [
        CommandHandler("capnhat", capnhat, filters=_PRIVATE & _NEW),
        CommandHandler("capnhat", capnhat_in_group, filters=~_PRIVATE & _NEW),
        CallbackQueryHandler(on_button, pattern=cb.pattern("upd")),
        MessageHandler(_PRIVATE & _NEW & filters.TEXT & ~filters.COMMAND, on_text),
        MessageHandler(_PRIVATE & _NEW & (filters.Document.ALL | filters.PHOTO), on_file),
    ]
