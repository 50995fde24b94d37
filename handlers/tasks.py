"""``/nhiemvu``: the sender's agency's tasks (lead first) with deadlines and last reported status;
a leader sees the tasks of their position."""

from __future__ import annotations

import html

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, filters

from handlers.auth import Actor, requires
from handlers.context import BotContext
from handlers.menu import roles_for
from handlers.render import chunks, task_list
from locales import _
from models.agency_tasks import tasks_of_agency, tasks_of_leader


@requires(roles_for("nhiemvu"))
async def my_tasks(update: Update, context: BotContext, actor: Actor) -> None:
    """Reply with the task list(s) of the sender's agency and leader position."""
    assert update.effective_message is not None
    parts: list[str] = []
    async with context.session_factory.begin() as session:
        if actor.agency_id is not None and actor.agency_name is not None:
            lines = await tasks_of_agency(session, context.plan_id, actor.agency_id)
            parts += [
                _("<b>Nhiệm vụ của {agency}</b>").format(agency=html.escape(actor.agency_name)),
                task_list(lines, with_status=True),
            ]
        if actor.leader_position_id is not None and actor.leader_title is not None:
            lines = await tasks_of_leader(session, context.plan_id, actor.leader_position_id)
            parts += [
                _("<b>Nhiệm vụ do {position} phụ trách</b>").format(
                    position=html.escape(actor.leader_title)
                ),
                task_list(lines, with_status=False),
            ]
    for piece in chunks("\n".join(parts)):
        await update.effective_message.reply_text(piece, parse_mode=ParseMode.HTML)


def handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """The task-list handlers, for ``handlers.all_handlers``."""
    # Private chats only: task lists and dialogs are personal (DESIGN.md), a group sees none of them.
    return [CommandHandler("nhiemvu", my_tasks, filters=filters.ChatType.PRIVATE)]
