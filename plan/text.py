"""Vietnamese text helpers: NFC normalization, diacritic-insensitive folding, cell cleaning.

The same word can arrive composed (NFC) or decomposed (NFD) depending on the keyboard; stored text
is NFC and comparisons go through ``fold`` (DOMAIN.md, "Vietnamese text").
"""

from __future__ import annotations

import html
import re

from models.text import fold, nfc, strip_marks

__all__ = ["clean_cell", "fold", "fold_aligned", "nfc", "squash"]

_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
# A bullet is a hyphen followed by a space at the start of the text or right after the end of a
# sentence or clause. A hyphen between words or numbers ("mùa khô 2026 - 2027") is not a bullet.
_BULLET = re.compile(r"(?:^|(?<=[.;:!?…]))\s*[-–•]\s+")


def fold_aligned(text: str) -> str:
    """Like ``fold`` but character-for-character on NFC ``text`` (same length, no whitespace
    collapsing), so positions found in the folded text cut the original text."""
    out = []
    for ch in nfc(text):
        base = strip_marks(ch.lower())
        out.append(base if len(base) == 1 else ch.lower()[:1] or ch)
    return "".join(out)


def squash(text: str) -> str:
    """NFC with runs of whitespace made one space, ends stripped."""
    return _SPACES.sub(" ", nfc(text)).strip()


def clean_cell(raw: str) -> str:
    """Plain text of an appendix cell: leftover HTML (``<ul>``, ``<p>``) removed, entities decoded,
    whitespace collapsed, one bullet per line starting ``"- "``.

    Text before the first bullet stays a line of its own; a line break not followed by a bullet
    (a .docx paragraph that continues the previous one) joins with a space. Without any bullet the
    result is one plain line.
    """
    text = html.unescape(_TAG.sub(" ", nfc(raw)))
    items: list[tuple[bool, str]] = []
    for line in text.split("\n"):
        pieces = _BULLET.split(line)
        starts_bullet = _BULLET.match(line) is not None
        for index, piece in enumerate(pieces):
            piece = squash(piece)
            is_bullet = index > 0 or starts_bullet
            if index == 0 and starts_bullet:
                continue  # split() yields "" before a leading bullet
            if not piece:
                continue
            if not is_bullet and items:
                # Continuation of the previous item (a new .docx paragraph, not a new bullet).
                bullet, previous = items[-1]
                items[-1] = (bullet, f"{previous} {piece}")
            else:
                items.append((is_bullet, piece))
    return "\n".join(f"- {text}" if bullet else text for bullet, text in items)
