"""Telegram adapters, one module per command family or dialog, each exposing ``handlers()``.

``all_handlers()`` is the one ordered registration list ``bot.app`` adds to the application. Order
matters inside a group: PTB stops at the first handler whose filter matches, so dialogs (whose
entry points and states must see their messages first) come before the plain commands.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from handlers import admin, contact_admin, contacts, onboarding, tasks
from handlers.context import BotContext

Handler = BaseHandler[Update, BotContext, object]


def all_handlers() -> list[tuple[int, list[Handler]]]:
    """``(group, handlers)`` pairs in registration order."""
    return [
        # Group 0: commands. Onboarding first: /start must work for everyone, bound or not.
        (
            0,
            [
                *onboarding.handlers(),
                *contacts.handlers(),
                *contact_admin.handlers(),  # the confirmation buttons of /lienhe
                *tasks.handlers(),
                *admin.handlers(),  # the standing office's delivery controls, "Nhắc lại sau"
                # Last: private text nobody else took (an unbound newcomer's first words).
                *onboarding.fallback_handlers(),
            ],
        ),
    ]
