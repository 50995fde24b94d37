"""Babel catalogs of every user-facing string, and the translator the code calls.

The strings in the code are written in Vietnamese (the only language users see); the catalog
``locales/vi/LC_MESSAGES/messages.po`` holds them with their translations so that wording can be
changed by a translator without touching code. ``.mo`` files are compiled by ``make`` (``python -m
locales compile``), never committed; when one is missing (a run from a bare checkout) the ``.po`` is
compiled in memory instead, so a user never sees a raw key.

Usage: ``from locales import _`` then ``_("Hạn: {deadline}").format(deadline=...)`` — named
placeholders, never f-strings inside ``_()``.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent
DOMAIN = "messages"
#: The catalog of the command-line library's own strings (Typer, its vendored Click, the Pydantic
#: conversion errors Typer shows), keyed by the library's English text; see ``bot.cli.i18n``.
CLI_DOMAIN = "cli"
DEFAULT_LOCALE = "vi"


def catalog_path(locale: str = DEFAULT_LOCALE, suffix: str = ".po", domain: str = DOMAIN) -> Path:
    """Path of the ``domain`` catalog file of ``locale`` (``.po`` or ``.mo``) inside this package."""
    return LOCALES_DIR / locale / "LC_MESSAGES" / f"{domain}{suffix}"


@lru_cache(maxsize=8)
def translations(locale: str = DEFAULT_LOCALE) -> NullTranslations:
    """The compiled translations of ``locale``; falls back to compiling the ``.po`` in memory."""
    mo = catalog_path(locale, ".mo")
    if mo.exists():
        with mo.open("rb") as fh:
            return Translations(fh, domain=DOMAIN)
    po = catalog_path(locale, ".po")
    if not po.exists():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


def _(message: str) -> str:
    """Translate ``message`` (a Vietnamese source string) through the ``vi`` catalog."""
    return translations(DEFAULT_LOCALE).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural-aware translation (Vietnamese has one plural form, but keep the call standard)."""
    return translations(DEFAULT_LOCALE).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (translated where shown)."""
    return message
