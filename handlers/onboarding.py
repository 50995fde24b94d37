"""``/start [code]`` (joining through an invite, or a greeting), ``/trogiup`` and ``/huy``.

Telegram delivers a deep link ``t.me/<bot>?start=<code>`` as the message ``/start <code>``, so
``context.args`` holds the code in both cases (typed by hand or tapped).
"""

from __future__ import annotations

import html

from telegram import Chat, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from handlers.auth import Actor, refusal_unbound
from handlers.context import BotContext
from handlers.menu import commands_for, group_commands_for, sync_menu
from handlers.render import chunks, role_names, task_list
from locales import N_, _
from models import access
from models.access import InviteError, InviteRefusal
from models.agency_tasks import tasks_of_agency, tasks_of_leader
from models.people import Role

REFUSALS: dict[InviteRefusal, str] = {
    InviteRefusal.UNKNOWN: N_(
        "Mã mời không đúng. Vui lòng kiểm tra lại mã hoặc xin mã mới từ Cơ quan Thường trực."
    ),
    InviteRefusal.USED: N_(
        "Mã mời này đã được sử dụng. Mỗi mã chỉ dùng được một lần; vui lòng xin mã mới từ Cơ quan Thường trực."
    ),
    InviteRefusal.EXPIRED: N_("Mã mời này đã hết hạn. Vui lòng xin mã mới từ Cơ quan Thường trực."),
    InviteRefusal.OTHER_AGENCY: N_(
        "Tài khoản của bạn đang là đầu mối của một cơ quan khác; mỗi người chỉ thuộc một cơ quan. Nếu bạn chuyển công tác, hãy đề nghị Cơ quan Thường trực thu hồi liên kết cũ trước."
    ),
    InviteRefusal.NOT_FOR_GROUP: N_(
        "Chỉ mã mời của Cơ quan Thường trực mới dùng được để liên kết nhóm."
    ),
    InviteRefusal.NOT_A_MEMBER: N_(
        "Chỉ cán bộ Cơ quan Thường trực đã liên kết mới liên kết được nhóm này."
    ),
}


def invite_code(args: list[str] | None) -> str | None:
    """The invite code in ``/start``'s arguments: the code itself, or the whole invite link
    pasted after ``/start`` (``https://t.me/<bot>?start=<code>``), as people do when the link
    reached them as text (Zalo, e-mail). None without arguments."""
    if not args:
        return None
    word = args[0]
    _before, found, after = word.partition("start=")
    return after.split("&", 1)[0] if found and after else word


def how_to_join() -> str:
    """What a person who sent ``/start`` without a valid binding reads."""
    return _(
        "Xin chào! Đây là bot Chiến dịch 500 ngày đêm tìm kiếm, quy tập và xác định danh tính "
        "hài cốt liệt sĩ.\n\n"
        "Để sử dụng, bạn cần mã mời do Cơ quan Thường trực (Bộ Chỉ huy Quân sự tỉnh) cấp cho cơ "
        "quan của mình. Khi có mã, hãy bấm vào đường link mời hoặc gửi:\n"
        "/start MÃ_MỜI"
    )


async def greeting(context: BotContext, actor: Actor, *, joined: bool) -> str:
    """The greeting: name, roles, agency or leader position, and the tasks (lead first)."""
    name = html.escape(actor.full_name)
    parts = [
        _("✅ Đã liên kết thành công. Xin chào {name}!").format(name=name)
        if joined
        else _("Xin chào {name}!").format(name=name),
        _("Vai trò: {roles}.").format(roles=role_names(actor.roles)),
    ]
    async with context.session_factory.begin() as session:
        if actor.agency_id is not None and actor.agency_name is not None:
            parts.append(
                _("Cơ quan: <b>{agency}</b>.").format(agency=html.escape(actor.agency_name))
            )
            lines = await tasks_of_agency(session, context.plan_id, actor.agency_id)
            parts += [
                "",
                _("Nhiệm vụ của cơ quan theo Kế hoạch:"),
                task_list(lines, with_status=False),
            ]
        if actor.leader_position_id is not None and actor.leader_title is not None:
            parts.append(
                _("Chức danh: <b>{position}</b>.").format(position=html.escape(actor.leader_title))
            )
            lines = await tasks_of_leader(session, context.plan_id, actor.leader_position_id)
            parts += ["", _("Nhiệm vụ đồng chí phụ trách:"), task_list(lines, with_status=False)]
    parts += ["", _("Gửi /trogiup để xem các lệnh bạn dùng được.")]
    return "\n".join(parts)


async def _reply(update: Update, text: str) -> None:
    assert update.effective_message is not None
    for piece in chunks(text):
        await update.effective_message.reply_text(
            piece, parse_mode=ParseMode.HTML, disable_web_page_preview=True
        )


async def start(update: Update, context: BotContext) -> None:
    """``/start [code]``: bind through the code, or greet a bound person, or explain how to join."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or update.effective_message is None:
        return
    code = invite_code(context.args)
    now = context.now()
    full_name = " ".join(p for p in (user.first_name, user.last_name) if p)
    if chat.type != Chat.PRIVATE:
        await _start_in_group(update, context, code)
        return
    async with context.session_factory.begin() as session:
        refusal: InviteRefusal | None = None
        contact = None
        if code:
            try:
                done = await access.redeem_invite(
                    session,
                    context.plan_id,
                    code,
                    telegram_user_id=user.id,
                    full_name=full_name,
                    username=user.username,
                    now=now,
                )
                contact = done.contact
            except InviteError as exc:
                refusal = exc.reason
        if contact is None:
            contact = await access.get_contact(session, context.plan_id, user.id)
            if contact is not None:
                await access.touch(session, contact, now)
        actor = Actor.of(contact) if contact is not None else None
    if refusal is not None:
        await _reply(update, _(REFUSALS[refusal]))
        if actor is None:
            return
    if actor is None:
        await _reply(update, how_to_join())
        return
    if code and refusal is None:
        await sync_menu(context.bot, chat.id, actor.roles)
    await _reply(update, await greeting(context, actor, joined=bool(code) and refusal is None))


async def _start_in_group(update: Update, context: BotContext, code: str | None) -> None:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    if not code:
        await _reply(
            update,
            _(
                "Dùng bot trong tin nhắn riêng. Để liên kết nhóm của Cơ quan Thường trực, một cán bộ Thường trực gửi /start MÃ_MỜI trong nhóm."
            ),
        )
        return
    refusal: InviteRefusal | None = None
    async with context.session_factory.begin() as session:
        try:
            await access.bind_group_chat(
                session,
                context.plan_id,
                code,
                chat_id=chat.id,
                title=chat.title or "",
                telegram_user_id=user.id,
                now=context.now(),
            )
        except InviteError as exc:
            refusal = exc.reason
    if refusal is not None:
        await _reply(update, _(REFUSALS[refusal]))
        return
    await _reply(
        update,
        _(
            "✅ Nhóm này đã được liên kết để nhận thông báo của Cơ quan Thường trực. Việc báo cáo vẫn làm trong tin nhắn riêng với bot."
        ),
    )


def help_text(roles: frozenset[Role], *, in_group: bool) -> str:
    """``/trogiup``'s answer for a person holding ``roles`` (none: unbound). In a group only the
    commands that work there (``Command.in_groups``), then the others of the person's roles named
    as used in a private chat with the bot."""
    if not in_group:
        lines = [_("<b>Các lệnh bạn dùng được:</b>")]
        lines += [f"/{c.name} — {_(c.description)}" for c in commands_for(roles)]
    else:
        here = group_commands_for(roles)
        lines = [_("<b>Các lệnh bạn dùng được trong nhóm này:</b>")]
        lines += [f"/{c.name} — {_(c.group_description or c.description)}" for c in here]
        private = [f"/{c.name}" for c in commands_for(roles) if c not in here]
        if private:
            lines += [
                "",
                _("Các lệnh khác ({commands}) dùng trong tin nhắn riêng với bot.").format(
                    commands=", ".join(private)
                ),
            ]
    if not roles:
        lines += ["", refusal_unbound()]
    return "\n".join(lines)


async def help_command(update: Update, context: BotContext) -> None:
    """``/trogiup``: the commands of the sender's roles (the public ones for an unbound account);
    in a group, those that work there (``help_text``)."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or update.effective_message is None:
        return
    async with context.session_factory.begin() as session:
        contact = await access.get_contact(session, context.plan_id, user.id)
        roles = access.roles_of(contact) if contact is not None else frozenset[Role]()
    await _reply(update, help_text(roles, in_group=chat.type != Chat.PRIVATE))


async def cancel(update: Update, context: BotContext) -> int:
    """``/huy`` outside any dialog: nothing to cancel (dialogs have their own ``/huy`` fallback)."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(_("Không có thao tác nào đang dở để hủy."))
    return ConversationHandler.END


async def unbound_text(update: Update, context: BotContext) -> None:
    """Private text from an account that is not a bound contact (group 1: it runs after the
    progress dialog of group 0 had its look). A pasted invite link binds as ``/start`` with it
    would; otherwise the person is told how to join (a newcomer's "xin chào" used to get no answer
    at all). A bound person's text is left alone: the dialogs read it."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or not message.text:
        return
    async with context.session_factory.begin() as session:
        contact = await access.get_contact(session, context.plan_id, user.id)
    if contact is not None and contact.revoked_at is None:
        return
    link = next((word for word in message.text.split() if "start=" in word), None)
    if link is not None:
        context.args = [link]
        await start(update, context)
        return
    await _reply(update, how_to_join())


def fallback_handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """Registered in group 1 (``handlers.all_handlers``), after the dialog's text handler of group 0."""
    text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    return [MessageHandler(text, unbound_text)]


def handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """The onboarding handlers, for ``handlers.all_handlers``."""
    return [
        CommandHandler("start", start),
        CommandHandler("trogiup", help_command),
        CommandHandler("huy", cancel),
    ]
