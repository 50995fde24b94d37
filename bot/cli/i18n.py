"""Vietnamese for the command-line library's own messages: usage errors and the help screen.

The catalog is ``locales/vi/LC_MESSAGES/cli.po`` (domain ``cli``, msgids = the library's English
text, maintained by ``python -m locales extract|check``). Typer 0.29 prints two kinds of strings:

- strings it passes through the stdlib ``gettext.gettext`` (help headings ``Options``/``Arguments``/
  ``Commands``, the ``Error`` panel, ``Try … for help.``, ``[default: …]``/``[required]``, ``No such
  command``, ``Aborted``): ``install()`` binds the ``cli`` domain to ``locales/``, makes it the
  process's text domain and — the stdlib picks the language only from the environment — sets
  ``LANGUAGE=vi`` for this process **when the operator has not set LANGUAGE** (``LANGUAGE=en``
  therefore gives the library's English back);
- plain English f-strings of its vendored Click and of Pydantic (``Invalid value for …``, ``Missing
  argument …``, ``No such option …``, ``Usage:``, ``Show this message and exit.``, ``Input should be
  a valid integer…``): ``translate`` matches the text against the catalog's msgids used as templates
  and formats the translation with the captured fields.

``VietnameseGroup`` is the class of the root group (``typer.Typer(cls=VietnameseGroup)``): when the
CLI runs (``main``, also what ``typer.testing.CliRunner`` calls) it calls ``install()``, gives every
command ``VietnameseContext`` (``Usage:`` and the help option's text through the catalog) and
re-raises every usage error with its message translated. The bot's own ``locales._`` is unaffected
(its ``messages`` catalog is read through Babel, not through the stdlib's global domain).

Typer's rich help reads its panel titles once, when ``typer.rich_utils`` is first imported (lazily,
at the first help screen or usage error), so ``install()`` must run before that — which it does as
long as no other Typer app in the same process showed help or an error first.
"""

from __future__ import annotations

import gettext
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache, partial
from typing import Any

import typer
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# UsageError and friends, and the help formatter, are not re-exported by typer (it vendors Click
# as typer._click); these are the classes Typer itself raises and uses.
from typer._click.exceptions import NoArgsIsHelpError, NoSuchOption, UsageError
from typer._click.formatting import HelpFormatter
from typer.core import TyperGroup

from locales import CLI_DOMAIN, DEFAULT_LOCALE, LOCALES_DIR, catalog_path

_FIELD = re.compile(r"\{[^{}]*\}")
#: Fields whose captured text is itself library text (translated in turn); every other field is
#: the operator's input or a parameter name and is kept as typed.
_NESTED_FIELDS = frozenset({"{self.message}", "{msg}", "{error}", "{message}", "{param_type}"})


def _ensure_mo() -> None:
    """Compile ``cli.po`` to ``cli.mo`` when the ``.mo`` is missing or older (a bare checkout);
    the stdlib reads only ``.mo`` files. A read-only install keeps what it has."""
    po = catalog_path(DEFAULT_LOCALE, ".po", CLI_DOMAIN)
    mo = catalog_path(DEFAULT_LOCALE, ".mo", CLI_DOMAIN)
    if not po.exists() or (mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime):
        return
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=DEFAULT_LOCALE)
    try:
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
    except OSError:
        return


def install() -> None:
    """Make the library's gettext strings Vietnamese for this process (idempotent).

    Sets ``LANGUAGE=vi`` in ``os.environ`` only when ``LANGUAGE`` is unset or empty, binds the
    ``cli`` domain to ``locales/`` and makes it the stdlib's current text domain.
    """
    if not os.environ.get("LANGUAGE"):
        os.environ["LANGUAGE"] = DEFAULT_LOCALE
    _ensure_mo()
    gettext.bindtextdomain(CLI_DOMAIN, str(LOCALES_DIR))
    gettext.textdomain(CLI_DOMAIN)


@lru_cache(maxsize=1)
def _templates() -> tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...]:
    """(pattern, msgid, fields) of every ``cli`` msgid with ``{…}`` fields, in matching order:
    msgids opening with literal text before those opening with a field, then most literal first.

    A field matches lazily; a field directly followed by another (``{param_type}{param_hint}``)
    matches one word.
    """
    with catalog_path(DEFAULT_LOCALE, ".po", CLI_DOMAIN).open("rb") as fh:
        catalog = read_po(fh, locale=DEFAULT_LOCALE)
    templates = []
    for message in catalog:
        if not isinstance(message.id, str) or not _FIELD.search(message.id):
            continue
        literals = _FIELD.split(message.id)
        fields = tuple(_FIELD.findall(message.id))
        pattern = re.escape(literals[0])
        for index, literal in enumerate(literals[1:], start=1):
            adjacent = literal == "" and index < len(fields)
            pattern += (r"(\w+)" if adjacent else "(.*?)") + re.escape(literal)
        templates.append((re.compile(pattern, re.DOTALL), message.id, fields))
    templates.sort(key=lambda item: (item[1].startswith("{"), -len(_FIELD.sub("", item[1]))))
    return tuple(templates)


def _fill(values: dict[str, str], found: re.Match[str]) -> str:
    return values.get(found.group(), found.group())


def translate(text: str) -> str:
    """``text`` (a message the library printed in English) in the operator's language.

    An exact msgid is translated directly; otherwise the first msgid whose template matches the
    whole text is translated and its fields filled with the captured text (library text nested in a
    field is translated in turn). Text the catalog does not know is returned unchanged.
    """
    translated = gettext.dgettext(CLI_DOMAIN, text)
    if translated != text:
        return translated
    for pattern, msgid, fields in _templates():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values = {
            field: translate(value) if field in _NESTED_FIELDS else value
            for field, value in zip(fields, match.groups(), strict=True)
        }
        target = gettext.dgettext(CLI_DOMAIN, msgid)
        return _FIELD.sub(partial(_fill, values), target)
    return text


def _usage_error_text(error: UsageError) -> str:
    if isinstance(error, NoSuchOption) and error.possibilities:
        # NoSuchOption appends its suggestion to its own message; translate the two separately.
        suggestion = f"(Possible options: {', '.join(sorted(error.possibilities))})"
        return f"{translate(error.message)} {translate(suggestion)}"
    return translate(error.format_message())


@contextmanager
def _translated_usage_errors() -> Iterator[None]:
    """Re-raise a usage error as one with the same context and exit code, message translated."""
    try:
        yield
    except NoArgsIsHelpError:
        raise
    except UsageError as error:
        text = _usage_error_text(error)
        if text == error.format_message():
            raise
        translated = UsageError(text, error.ctx)
        translated.exit_code = error.exit_code
        raise translated from error


class VietnameseHelpFormatter(HelpFormatter):
    """Click's help formatter with the ``Usage: `` prefix through the ``cli`` catalog."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        """Write the usage line; ``prefix`` defaults to the translated ``"Usage: "``."""
        super().write_usage(prog, args, translate("Usage: ") if prefix is None else prefix)


class VietnameseContext(typer.Context):
    """Context whose help formatter and help option text come from the ``cli`` catalog."""

    formatter_class = VietnameseHelpFormatter

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        option = self.command.get_help_option(self)
        if option is not None and option.help:
            option.help = translate(option.help)


def _use_vietnamese_context(command: Any) -> None:
    """Give ``command`` and every command below it ``VietnameseContext`` (idempotent)."""
    command.context_class = VietnameseContext
    for child in getattr(command, "commands", {}).values():
        _use_vietnamese_context(child)


class VietnameseGroup(TyperGroup):
    """Root group of the CLI: Typer's group with its usage errors and help in Vietnamese."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Install the ``cli`` catalog, then run the CLI as Typer does."""
        install()
        _use_vietnamese_context(self)
        return super().main(*args, **kwargs)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: Any = None,
        **extra: Any,
    ) -> Any:
        """Typer's ``make_context``, usage errors translated."""
        with _translated_usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        """Typer's ``invoke`` (sub-commands parse here), usage errors translated."""
        with _translated_usage_errors():
            return super().invoke(ctx)


__all__: Sequence[str] = (
    "VietnameseContext",
    "VietnameseGroup",
    "VietnameseHelpFormatter",
    "install",
    "translate",
)
