"""Catalog maintenance: ``python -m locales extract|compile|check``.

- ``extract``: pull every ``_()``/``ngettext()``/``N_()`` string from the code into ``messages.po``,
  keeping existing translations; new entries get the source text (the code is written in Vietnamese,
  so the source *is* the Vietnamese text) and are marked fuzzy-free so they ship.
- ``compile``: build ``messages.mo`` beside each ``.po`` (done by ``make``; ``.mo`` is not committed).
- ``check``: exit 1 listing strings used in the code that are missing from the catalog or have an
  empty translation.

``extract`` and ``check`` also maintain ``cli.po`` (domain ``cli``): the command-line library's own
English strings with their Vietnamese translations (see ``bot.cli.i18n``). Its msgids come from the
installed library: every ``_()`` string Babel finds in the ``typer`` package, plus the few unmarked
strings of ``LIBRARY_STRINGS`` (Typer 0.29 vendors Click *without* its gettext calls, so usage
errors such as ``Invalid value for …`` are plain f-strings; their msgid is the f-string's text, which
``bot.cli.i18n`` matches as a template). New ``cli`` entries get an empty translation; ``check``
fails on an empty one and on a msgid the installed library no longer contains (a Typer upgrade
that changed a string).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pydantic_core
import typer
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from locales import CLI_DOMAIN, DEFAULT_LOCALE, DOMAIN, LOCALES_DIR, catalog_path

ROOT = LOCALES_DIR.parent
SOURCE_DIRS = ("bot", "dialogs", "handlers", "scheduler", "reports", "plan", "models")
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}

TYPER_DIR = Path(typer.__file__).resolve().parent
#: Where the Pydantic error templates live (the compiled ``pydantic_core`` extension).
PYDANTIC_CORE = "pydantic_core"
#: Operator-facing strings the library prints without ``gettext``: (source, exact text). ``source``
#: is a file of the installed ``typer`` package, or ``pydantic_core`` for the validation messages
#: Typer shows after ``Invalid value for …``. ``{…}`` are the f-string's (or Pydantic's) fields.
LIBRARY_STRINGS: tuple[tuple[str, str], ...] = (
    ("_click/formatting.py", "Usage: "),
    ("_click/decorators.py", "Show this message and exit."),
    ("_click/exceptions.py", "Invalid value for {hint}: {self.message}"),
    ("_click/exceptions.py", "Invalid value: {self.message}"),
    ("_click/exceptions.py", "Missing {param_type}{param_hint}."),
    ("_click/exceptions.py", "Missing {param_type}{param_hint}. {msg}"),
    ("core.py", "argument"),
    ("core.py", "option"),
    ("_click/core.py", "parameter"),
    ("_click/exceptions.py", "No such option: {_escape_control_characters(option_name)}"),
    ("_click/exceptions.py", "(Possible options: {possibility_str})"),
    ("_click/core.py", "Got unexpected extra argument(s) ({extra_args})"),
    ("_click/parser.py", "Option {option_name!r} requires {msg}"),
    ("_click/parser.py", "an argument."),
    ("_click/parser.py", "{nargs} arguments."),
    ("_click/parser.py", "Option {opt!r} does not take a value."),
    ("core.py", "{message}. Did you mean {suggestions}?"),
    ("_adapters.py", "{value!r} does not match the formats {formats_str}."),
    ("_param_types.py", "{value!r} is not one of {choices_str}."),
    ("_coercion.py", "Value {value!r} is not a valid {label}."),
    (PYDANTIC_CORE, "Value error, {error}"),
    (PYDANTIC_CORE, "Input should be a valid integer, unable to parse string as an integer"),
    (PYDANTIC_CORE, "Input should be a valid integer, got a number with a fractional part"),
    (PYDANTIC_CORE, "Input should be a valid number, unable to parse string as a number"),
    (PYDANTIC_CORE, "Input should be a valid boolean, unable to interpret input"),
    (PYDANTIC_CORE, "Input should be greater than or equal to {ge}"),
    (PYDANTIC_CORE, "Input should be greater than {gt}"),
    (PYDANTIC_CORE, "Input should be less than or equal to {le}"),
    (PYDANTIC_CORE, "Input should be less than {lt}"),
)
_FIELD = re.compile(r"\{[^{}]*\}")


def extract_messages() -> Catalog:
    """Every translatable string in the source packages, as a template catalog."""
    template = Catalog(locale=None, project="chien-dich-500-bot")
    for name in SOURCE_DIRS:
        directory = ROOT / name
        if not directory.is_dir():
            continue
        for filename, lineno, message, comments, _ctx in extract_from_dir(
            str(directory),
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            template.add(
                message, locations=[(f"{name}/{filename}", lineno)], auto_comments=comments
            )
    return template


def load_catalog(locale: str = DEFAULT_LOCALE, domain: str = DOMAIN) -> Catalog:
    """The ``.po`` catalog of ``locale`` (empty when it does not exist yet)."""
    po = catalog_path(locale, domain=domain)
    if not po.exists():
        return Catalog(locale=locale)
    with po.open("rb") as fh:
        return read_po(fh, locale=locale)


def library_source(source: str) -> bytes:
    """The installed bytes of a ``LIBRARY_STRINGS`` source (a ``typer`` file or ``pydantic_core``)."""
    if source == PYDANTIC_CORE:
        return Path(pydantic_core._pydantic_core.__file__).read_bytes()
    return (TYPER_DIR / source).read_bytes()


def extract_cli_messages() -> Catalog:
    """The library strings of the ``cli`` catalog, read from the installed ``typer`` package.

    Raises ``LookupError`` when a ``LIBRARY_STRINGS`` entry is no longer in its source.
    """
    template = Catalog(locale=None, project="chien-dich-500-bot")
    for filename, lineno, message, comments, _ctx in extract_from_dir(
        str(TYPER_DIR), method_map=[("**.py", "python")], keywords={"_": None, "ngettext": (1, 2)}
    ):
        template.add(message, locations=[(f"typer/{filename}", lineno)], auto_comments=comments)
    for source, text in LIBRARY_STRINGS:
        if text.encode() not in library_source(source):
            raise LookupError(f"{text!r} is no longer in {source}")
        where = source if source == PYDANTIC_CORE else f"typer/{source}"
        template.add(text, locations=[(where, 0)])
    return template


def extract_cli(locale: str = DEFAULT_LOCALE) -> int:
    """Refresh ``cli.po`` from the installed library; new entries get an empty translation."""
    template = extract_cli_messages()
    catalog = load_catalog(locale, CLI_DOMAIN)
    catalog.update(template, no_fuzzy_matching=True)
    for message in catalog:
        message.flags.discard("fuzzy")
    catalog.obsolete.clear()
    po = catalog_path(locale, domain=CLI_DOMAIN)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, omit_header=False)
    print(f"{po.relative_to(ROOT)}: {len(catalog)} messages")
    return 0


def cli_problems(locale: str = DEFAULT_LOCALE) -> list[str]:
    """What is wrong with ``cli.po``: library strings missing or untranslated, msgids the installed
    library no longer has, translations using a field the library string does not have."""
    try:
        template = extract_cli_messages()
    except LookupError as exc:
        return [f"cli: {exc}"]
    catalog = load_catalog(locale, CLI_DOMAIN)
    problems: list[str] = []
    for message in template:
        if message.id and catalog.get(message.id) is None:
            problems.append(f"cli missing: {message.id!r}")
    for entry in catalog:
        if not entry.id:
            continue
        if template.get(entry.id) is None:
            problems.append(f"cli stale (not in the installed typer): {entry.id!r}")
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = (
            tuple(entry.string) if isinstance(entry.string, (tuple, list)) else (entry.string,)
        )
        if not all(strings):
            problems.append(f"cli untranslated: {entry.id!r}")
            continue
        fields = {f for msgid in ids if isinstance(msgid, str) for f in _FIELD.findall(msgid)}
        unknown = {f for text in strings if text for f in _FIELD.findall(text)} - fields
        if unknown:
            problems.append(f"cli translation of {entry.id!r} uses unknown {sorted(unknown)}")
    return problems


def extract(locale: str = DEFAULT_LOCALE) -> int:
    template = extract_messages()
    catalog = load_catalog(locale)
    catalog.update(template, no_fuzzy_matching=True)
    for message in catalog:
        if not message.id:
            continue
        message.flags.discard("fuzzy")
        if isinstance(message.id, tuple):
            if not any(message.string or ()):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
    catalog.obsolete.clear()
    po = catalog_path(locale)
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, omit_header=False)
    print(f"{po.relative_to(ROOT)}: {len(catalog)} messages")
    return 0


def compile_all() -> int:
    for po in sorted(LOCALES_DIR.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
        print(f"compiled {po.relative_to(ROOT)} ({len(catalog)} messages)")
    return 0


def missing_messages(locale: str = DEFAULT_LOCALE) -> list[str]:
    """Source strings absent from the catalog or with an empty translation."""
    catalog = load_catalog(locale)
    problems: list[str] = []
    for message in extract_messages():
        if not message.id:
            continue
        entry = catalog.get(message.id)
        where = ", ".join(f"{f}:{n}" for f, n in message.locations)
        if entry is None:
            problems.append(f"missing: {message.id!r} ({where})")
        elif not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            problems.append(f"untranslated: {message.id!r} ({where})")
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    if command == "extract":
        return extract() or extract_cli()
    if command == "compile":
        return compile_all()
    if command == "check":
        problems = missing_messages() + cli_problems()
        for line in problems:
            print(line)
        return 1 if problems else 0
    print("usage: python -m locales extract|compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
