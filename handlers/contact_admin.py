"""Revoking a person and handing an agency over, in chat (the standing office, via ``/lienhe``):

``/lienhe thuhoi ID`` and ``/lienhe chuyen TÊN CƠ QUAN`` ask for a confirmation with two buttons
(``lh:v1:revoke:<user id>``, ``lh:v1:transfer:<agency id>``, ``lh:v1:cancel``); the button does it.
The revoked person's menu is removed at once (their chat falls back to the default menu).
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden
from telegram.ext import BaseHandler, CallbackQueryHandler

from handlers import callback_data
from handlers.auth import Actor, requires
from handlers.context import BotContext, HandlerSettings
from handlers.menu import roles_for, sync_menu
from handlers.render import confirm_keyboard
from locales import _
from models import directory
from models.access import AccessError
from models.text import fmt_moment

PREFIX = "lh"
REVOKE_WORDS = {"thuhoi", "thu hoi"}
TRANSFER_WORDS = {"chuyen", "chuyengiao", "chuyen giao"}


def invite_text(settings: HandlerSettings, target: str, code: str, expires: datetime) -> str:
    """The invite as shown in chat: target, code, deep link, expiry (local time)."""
    return _(
        "Mã mời cho <b>{target}</b>: <code>{code}</code>\nĐường link: {link}\n"
        "Hết hạn: {expires}. Mỗi mã chỉ dùng một lần."
    ).format(
        target=html.escape(target),
        code=code,
        link=f"https://t.me/{settings.bot_username}?start={code}",
        expires=fmt_moment(expires, settings.tz),
    )


def own_account_warning() -> str:
    """The line under ``/lienhe thuhoi ID``'s question when ID is the sender's own account."""
    return _(
        "⚠️ Đây là tài khoản của chính bạn: sau khi thu hồi, bạn sẽ không dùng được bot nữa cho "
        "đến khi nhận mã mời mới và gửi /start kèm mã đó."
    )


def _confirm(data: str) -> InlineKeyboardMarkup:
    return confirm_keyboard(data, callback_data.build(PREFIX, "cancel"))


async def ask(update: Update, context: BotContext, words: str, rest: str) -> bool:
    """Handle ``/lienhe thuhoi ID`` / ``/lienhe chuyen NAME`` (``words`` folded); False when the
    arguments are neither, so the caller shows the usage."""
    message = update.effective_message
    assert message is not None
    async with context.session_factory.begin() as session:
        if words in REVOKE_WORDS and rest.strip().isdigit():
            user_id = int(rest)
            contacts = await directory.list_contacts(session, context.plan_id)
            person = next((c for c in contacts if c.telegram_user_id == user_id), None)
            if person is None:
                await message.reply_text(
                    _("Không có cán bộ nào đang liên kết với id {user_id}.").format(user_id=user_id)
                )
                return True
            question = _("Thu hồi liên kết của {name} (id {user_id})?").format(
                name=html.escape(person.full_name), user_id=user_id
            )
            sender = update.effective_user
            if sender is not None and sender.id == user_id:
                question += "\n" + own_account_warning()
            data = callback_data.build(PREFIX, "revoke", user_id)
        elif words in TRANSFER_WORDS and rest.strip():
            try:
                agency = await directory.find_agency_by_name(session, context.plan_id, rest)
            except AccessError:
                await message.reply_text(
                    _("Không tìm thấy “{name}” trong Kế hoạch.").format(name=rest.strip())
                )
                return True
            question = _(
                "Chuyển giao {agency} cho người mới? Các đầu mối hiện tại của cơ quan sẽ bị thu hồi "
                "và một mã mời mới được tạo."
            ).format(agency=html.escape(agency.name))
            data = callback_data.build(PREFIX, "transfer", agency.id)
        else:
            return False
    await message.reply_text(question, parse_mode=ParseMode.HTML, reply_markup=_confirm(data))
    return True


async def _drop_menu(context: BotContext, user_id: int) -> None:
    try:
        await sync_menu(context.bot, user_id, ())
    except (Forbidden, BadRequest):
        pass  # blocked the bot or never opened the chat: no menu to remove


@requires(roles_for("lienhe"))
async def confirmed(update: Update, context: BotContext, actor: Actor) -> None:
    """A confirmation button: revoke, transfer or cancel, then edit the question into the outcome."""
    query = update.callback_query
    assert query is not None and query.data is not None
    try:
        data = callback_data.parse(query.data)
        target = data.arg_int(0) if data.action in ("revoke", "transfer") else 0
    except callback_data.CallbackDataError:
        await query.answer(_("Nút này đã cũ. Vui lòng gửi lại lệnh."), show_alert=True)
        return
    now = context.now()
    settings = context.settings
    revoked: list[int] = []
    try:
        async with context.session_factory.begin() as session:
            if data.action == "revoke":
                person = await directory.revoke_contact(session, context.plan_id, target, now=now)
                revoked = [target]
                text = _("Đã thu hồi liên kết của {name} (id {user_id}).").format(
                    name=html.escape(person.full_name), user_id=target
                )
            elif data.action == "transfer":
                agency = await directory.get_agency(session, context.plan_id, target)
                result = await directory.transfer_agency(
                    session, context.plan_id, target, now=now,
                    ttl=timedelta(days=settings.invite_ttl_days),
                    created_by_contact_id=actor.contact_id,
                )  # fmt: skip
                revoked = [c.telegram_user_id for c in result.revoked]
                assert result.invite is not None
                text = (
                    _("Đã chuyển giao {agency}; thu hồi {count} người.").format(
                        agency=html.escape(agency.name), count=len(revoked)
                    )
                    + "\n"
                    + invite_text(
                        settings, agency.name, result.invite.code, result.invite.expires_at
                    )
                )
            else:
                text = _("Đã hủy.")
    except AccessError:
        text = _("Không thực hiện được: người hoặc cơ quan này không còn trong danh sách.")
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, disable_web_page_preview=True)
    for user_id in revoked:
        await _drop_menu(context, user_id)


def handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """The confirmation buttons' handler, for ``handlers.all_handlers``."""
    return [CallbackQueryHandler(confirmed, pattern=callback_data.pattern(PREFIX))]
