"""Telegram adapters, one module per command family or dialog, each exposing ``handlers()``.

``all_handlers()`` is the one ordered registration list ``bot.app`` adds to the application. Order
matters inside a group: PTB stops at the first handler whose filter matches, so dialogs (whose
entry points and states must see their messages first) come before the plain commands.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from handlers import (
    admin,
    contact_admin,
    contacts,
    onboarding,
    progress,
    reports,
    tasks,
    unknown,
)
from handlers.context import BotContext

Handler = BaseHandler[Update, BotContext, object]


def all_handlers() -> list[tuple[int, list[Handler]]]:
    """``(group, handlers)`` pairs in registration order."""
    return [
        # Group -1 runs first: the one edited-message rule (an edit is never input) and /huy
        # ending a progress dialog; each stops the update there when it acted.
        (-1, progress.early_handlers()),
        # Group 0: commands. Onboarding first: /start must work for everyone, bound or not. The
        # progress dialog last: its text/file handlers take the private messages nobody else took.
        (
            0,
            [
                *onboarding.handlers(),
                *contacts.handlers(),
                *contact_admin.handlers(),  # the confirmation buttons of /lienhe
                *tasks.handlers(),
                *admin.handlers(),  # the standing office's delivery controls, "Nhắc lại sau"
                *reports.handlers(),  # /baocao and its period buttons
                *progress.handlers(),  # last: its text/file handlers take what nobody else took
            ],
        ),
        # Group 1: private text from accounts that are not bound contacts (a newcomer's first
        # words, a pasted invite link); group 0's dialog handler takes all private text first.
        (1, onboarding.fallback_handlers()),
        # Group 2, last: a command no handler has (``/foo``) gets a short answer, not silence.
        (2, unknown.handlers()),
    ]
