"""The standing office's people commands: ``/lienhe`` (who is bound, last activity; with
``thuhoi ID`` / ``chuyen TÊN CƠ QUAN`` it revokes or hands over, see ``handlers.contact_admin``) and
``/moi`` (make an invite code and deep link in chat).

``/moi TÊN CƠ QUAN`` — a contact invite for that agency ("so noi vu" works: names are folded like the
importer stores them); ``/moi thuongtruc`` — a standing-office invite (new office staff, or to bind
the office's group chat); ``/moi lanhdao CHỨC DANH`` — a leader invite.
"""

from __future__ import annotations

import html
from datetime import timedelta

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from handlers import contact_admin
from handlers.auth import Actor, requires
from handlers.context import BotContext
from handlers.menu import roles_for
from handlers.render import chunks, role_names
from locales import _
from models import access, directory
from models.access import AccessError
from models.text import fmt_moment, fold


def leader_positions_text(titles: list[str]) -> str:
    """The plan's leader positions and how to invite one (plain text)."""
    return "\n".join(
        [_("Chức danh lãnh đạo trong Kế hoạch:")]
        + ["• " + title for title in titles]
        + [_("Gửi: /moi lanhdao CHỨC DANH (có thể gõ không dấu).")]
    )


@requires(roles_for("lienhe"))
async def list_contacts(update: Update, context: BotContext, actor: Actor) -> None:
    """``/lienhe``: every bound person, grouped by agency, with roles and last activity;
    ``/lienhe thuhoi ID`` and ``/lienhe chuyen TÊN`` go to ``contact_admin.ask``."""
    assert update.effective_message is not None
    if context.args:
        text = " ".join(context.args)
        words, _sep, rest = text.partition(" ")
        if not await contact_admin.ask(update, context, fold(words), rest):
            await update.effective_message.reply_text(lienhe_usage())
        return
    tz = context.settings.tz
    async with context.session_factory.begin() as session:
        contacts = await directory.list_contacts(session, context.plan_id)
        lines = [_("<b>Cán bộ đã liên kết ({count}):</b>").format(count=len(contacts))]
        for c in contacts:
            where = (
                c.agency.name
                if c.agency
                else (c.leader_position.title if c.leader_position else "—")
            )
            last = fmt_moment(c.last_active_at, tz) if c.last_active_at else _("chưa hoạt động")
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
    lines += ["", lienhe_usage()]
    for piece in chunks("\n".join(lines)):
        await update.effective_message.reply_text(piece, parse_mode=ParseMode.HTML)


def lienhe_usage() -> str:
    """How to revoke or hand over from chat."""
    return _(
        "Thu hồi một người: /lienhe thuhoi ID\nChuyển giao một cơ quan cho người mới: "
        "/lienhe chuyen TÊN CƠ QUAN"
    )


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
    async with context.session_factory.begin() as session:
        try:
            target = await directory.invite_target(session, context.plan_id, text)
        except directory.UnknownLeaderPosition as exc:
            hint = leader_positions_text(exc.titles)
            if exc.title:
                hint = (
                    _("Không có chức danh “{title}” trong Kế hoạch.").format(title=exc.title)
                    + "\n"
                    + hint
                )
            await message.reply_text(hint)
            return
        except AccessError:
            await message.reply_text(
                _(
                    "Không tìm thấy “{name}” trong Kế hoạch. Hãy kiểm tra lại tên (có thể gõ không dấu)."
                ).format(name=text)
            )
            return
        invite = await access.create_invite(
            session,
            context.plan_id,
            target.role,
            now=context.now(),
            ttl=timedelta(days=settings.invite_ttl_days),
            agency_id=target.agency_id,
            leader_position_id=target.leader_position_id,
            created_by_contact_id=actor.contact_id,
        )
        code, expires = invite.code, invite.expires_at
    await message.reply_text(
        contact_admin.invite_text(settings, target.name or _("Cơ quan Thường trực"), code, expires),
        parse_mode=ParseMode.HTML,
        disable_web_page_preview=True,
    )


def handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """The contact-management handlers, for ``handlers.all_handlers``."""
    # Private chats only: the contact list and fresh invite codes are not for a group's eyes.
    private = filters.ChatType.PRIVATE
    return [
        CommandHandler("lienhe", list_contacts, filters=private),
        CommandHandler("moi", make_invite, filters=private),
    ]
