"""Catalog maintenance: ``python -m locales extract|compile|check``.

- ``extract``: pull every ``_()``/``ngettext()``/``N_()`` string from the code into ``messages.po``,
  keeping existing translations; new entries get the source text (the code is written in Vietnamese,
  so the source *is* the Vietnamese text) and are marked fuzzy-free so they ship.
- ``compile``: build ``messages.mo`` beside each ``.po`` (done by ``make``; ``.mo`` is not committed).
- ``check``: exit 1 listing strings used in the code that are missing from the catalog or have an
  empty translation.
"""

from __future__ import annotations

import sys

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from locales import DEFAULT_LOCALE, LOCALES_DIR, catalog_path

ROOT = LOCALES_DIR.parent
SOURCE_DIRS = ("bot", "dialogs", "handlers", "scheduler", "reports", "plan", "models")
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}


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


def load_catalog(locale: str = DEFAULT_LOCALE) -> Catalog:
    """The ``.po`` catalog of ``locale`` (empty when it does not exist yet)."""
    po = catalog_path(locale)
    if not po.exists():
        return Catalog(locale=locale)
    with po.open("rb") as fh:
        return read_po(fh, locale=locale)


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
        return extract()
    if command == "compile":
        return compile_all()
    if command == "check":
        problems = missing_messages()
        for line in problems:
            print(line)
        return 1 if problems else 0
    print("usage: python -m locales extract|compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
