"""Commands the bot does not have: ``/foo`` gets a short answer instead of silence.

Registered in a group of its own after every other (``handlers.all_handlers``), so it sees each
command message once the others had theirs; it answers only commands no ``CommandHandler`` of the
application is registered for (read when the command comes: handlers added later count too), so ``/start``, ``/capnhat`` or ``/huy`` in a dialog never get a second answer,
and it never touches a dialog's state. A bound person is told the command does not exist and to
send /trogiup; an unbound or revoked account gets the usual refusal (``auth.check``).

In a group chat it answers only a command addressed to this bot (``/foo@thisbot``): a bare
``/foo`` there may be meant for another bot or a person, so it stays silent. A command addressed
to another bot (``/foo@otherbot``) is never answered, in any chat.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from telegram import Chat, MessageEntity, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from handlers.auth import Actor, check
from handlers.context import BotContext
from locales import _


def command_of(text: str, entity: MessageEntity) -> tuple[str, str | None]:
    """The command of a ``bot_command`` entity at the start of ``text``: ``(name, addressee)``,
    name without the slash, lower-cased; addressee the bot username after ``@`` (None: none).
    Offsets are in UTF-16 code units (Bot API); a command is ASCII, so the leading characters of
    ``text`` match them."""
    word = text[entity.offset + 1 : entity.offset + entity.length]
    name, _at, addressee = word.partition("@")
    return name.lower(), (addressee or None)


def unknown_command_text(command: str) -> str:
    """What a bound person reads after an unknown ``/command`` (HTML; ``command`` escaped)."""
    return _("Không có lệnh /{command}. Gửi /trogiup để xem các lệnh bạn dùng được.").format(
        command=html.escape(command)
    )


def known_commands(handlers: Iterable[object]) -> set[str]:
    """The command names (lower case) of every ``CommandHandler`` among ``handlers``."""
    return {c.lower() for h in handlers if isinstance(h, CommandHandler) for c in h.commands}


def answers_unknown(
    name: str, addressee: str | None, *, known: set[str], bot_username: str | None, private: bool
) -> bool:
    """Whether ``/name`` (``@addressee``) is an unknown command this bot should answer: not one
    of ``known``, not addressed to another bot, and in a group only when addressed to this one
    (a bare command there may be meant for anyone)."""
    if name in known:
        return False
    if addressee is not None and addressee.lower() != (bot_username or "").lower():
        return False
    return private or addressee is not None


def unknown_command_handler() -> BaseHandler[Update, BotContext, object]:
    """The fallback for commands no ``CommandHandler`` of the application has."""

    async def on_unknown(update: Update, context: BotContext) -> None:
        message = update.effective_message
        if message is None or not message.text or not message.entities:
            return
        entity = message.entities[0]
        if entity.type != MessageEntity.BOT_COMMAND or entity.offset != 0:
            return
        name, addressee = command_of(message.text, entity)
        registered = context.application.handlers.values()
        if not answers_unknown(
            name,
            addressee,
            known=known_commands(h for group in registered for h in group),
            bot_username=context.bot.username,
            private=message.chat.type == Chat.PRIVATE,
        ):
            return
        async with context.session_factory.begin() as session:
            verdict = await check(session, update, context, frozenset())
        if verdict is None:
            return
        if isinstance(verdict, Actor):
            await message.reply_text(unknown_command_text(name), parse_mode=ParseMode.HTML)
        else:
            await message.reply_text(verdict)

    return MessageHandler(filters.COMMAND & ~filters.UpdateType.EDITED, on_unknown)


def handlers() -> list[BaseHandler[Update, BotContext, object]]:
    """The fallback, for ``handlers.all_handlers`` (its own last group)."""
    return [unknown_command_handler()]
