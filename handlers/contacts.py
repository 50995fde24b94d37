"""The standing office's people commands: ``/lienhe`` (who is bound, last activity) and ``/moi``
(make an invite code and deep link in chat).

``/moi TÊN CƠ QUAN`` — a contact invite for that agency ("so noi vu" works: names are folded like the
importer stores them); ``/moi thuongtruc`` — a standing-office invite (new office staff, or to bind
the office's group chat); ``/moi lanhdao CHỨC DANH`` — a leader invite.
"""

from __future__ import annotations

import html
from datetime import timedelta

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler

from handlers.auth import Actor, requires
from handlers.context import BotContext
from handlers.menu import roles_for
from handlers.render import chunks, moment, role_names
from locales import _
from models import access
from models.access import AccessError
from models.people import Role

#: Keywords of ``/moi`` (folded), for the standing office and leader invites.
OFFICE_WORDS = {"thuongtruc", "thuong truc", "co quan thuong truc"}
LEADER_WORDS = ("lanhdao ", "lanh dao ")


def leader_title(folded: str) -> str | None:
    """The position named after ``lanhdao`` in a folded ``/moi`` argument, else None."""
    for word in LEADER_WORDS:
        if folded.startswith(word):
            return folded[len(word) :]
    return None


def invite_link(bot_username: str, code: str) -> str:
    """The deep link that opens the bot with ``/start <code>``."""
    return f"https://t.me/{bot_username}?start={code}"


@requires(roles_for("lienhe"))
async def list_contacts(update: Update, context: BotContext, actor: Actor) -> None:
    """``/lienhe``: every bound person, grouped by agency, with roles and last activity."""
    assert update.effective_message is not None
    tz = context.settings.tz
    async with context.session_factory.begin() as session:
        contacts = await access.list_contacts(session, context.plan_id)
        lines = [_("<b>Cán bộ đã liên kết ({count}):</b>").format(count=len(contacts))]
        for c in contacts:
            where = (
                c.agency.name
                if c.agency
                else (c.leader_position.title if c.leader_position else "—")
            )
            last = moment(c.last_active_at, tz) if c.last_active_at else _("chưa hoạt động")
            lines.append(
                _(
                    "• {name} (@{username}, id {user_id}) — {where} — {roles} — hoạt động gần nhất: {last}"
                ).format(
                    name=html.escape(c.full_name),
                    username=html.escape(c.username or "—"),
                    user_id=c.telegram_user_id,
                    where=html.escape(where),
                    roles=role_names(access.roles_of(c)),
                    last=last,
                )
            )
    for piece in chunks("\n".join(lines)):
        await update.effective_message.reply_text(piece, parse_mode=ParseMode.HTML)


@requires(roles_for("moi"))
async def make_invite(update: Update, context: BotContext, actor: Actor) -> None:
    """``/moi …``: create a single-use code and show it with its deep link and expiry."""
    message = update.effective_message
    assert message is not None
    text = " ".join(context.args or [])
    if not text:
        await message.reply_text(
            _(
                "Cách dùng:\n/moi TÊN CƠ QUAN — mã mời cán bộ đầu mối của cơ quan\n"
                "/moi thuongtruc — mã mời cán bộ Cơ quan Thường trực (hoặc để liên kết nhóm)\n"
                "/moi lanhdao CHỨC DANH — mã mời lãnh đạo (xem báo cáo)"
            )
        )
        return
    settings = context.settings
    now = context.now()
    ttl = timedelta(days=settings.invite_ttl_days)
    words = access.fold(text)
    async with context.session_factory.begin() as session:
        try:
            if words in OFFICE_WORDS:
                target = _("Cơ quan Thường trực")
                invite = await access.create_invite(
                    session,
                    context.plan_id,
                    Role.STANDING_OFFICE,
                    now=now,
                    ttl=ttl,
                    created_by_contact_id=actor.contact_id,
                )
            elif leader_title(words) is not None:
                title = leader_title(words) or ""
                position = await access.find_leader_position(session, context.plan_id, title)
                target = position.title
                invite = await access.create_invite(
                    session,
                    context.plan_id,
                    Role.LEADER,
                    now=now,
                    ttl=ttl,
                    leader_position_id=position.id,
                    created_by_contact_id=actor.contact_id,
                )
            else:
                agency = await access.find_agency_by_name(session, context.plan_id, text)
                target = agency.name
                invite = await access.create_invite(
                    session,
                    context.plan_id,
                    Role.CONTACT,
                    now=now,
                    ttl=ttl,
                    agency_id=agency.id,
                    created_by_contact_id=actor.contact_id,
                )
        except AccessError:
            await message.reply_text(
                _(
                    "Không tìm thấy “{name}” trong Kế hoạch. Hãy kiểm tra lại tên (có thể gõ không dấu)."
                ).format(name=text)
            )
            return
        code, expires = invite.code, invite.expires_at
    await message.reply_text(
        _(
            "Mã mời cho <b>{target}</b>: <code>{code}</code>\nĐường link: {link}\n"
            "Hết hạn: {expires}. Mỗi mã chỉ dùng một lần."
        ).format(
            target=html.escape(target),
            code=code,
            link=invite_link(settings.bot_username, code),
            expires=moment(expires, settings.tz),
        ),
        parse_mode=ParseMode.HTML,
        disable_web_page_preview=True,
    )


def handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """The contact-management handlers, for ``handlers.all_handlers``."""
    return [CommandHandler("lienhe", list_contacts), CommandHandler("moi", make_invite)]
