"""Vietnamese text shared by every layer (DOMAIN.md, "Vietnamese text"): normalization, and dates
written dd/mm/yyyy (``fmt_date``) and instants dd/mm/yyyy HH:MM in local time (``fmt_moment``).

The same word can arrive composed (NFC) or decomposed (NFD) depending on the keyboard: stored text
is NFC, and names are compared through ``fold`` (case-, spacing- and diacritic-insensitive, with
đ → d, which Unicode decomposition leaves alone) or ``match_key`` (``fold`` that also ignores the
commas, semicolons and dots inside a name).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

_SPACES = re.compile(r"\s+")
_NAME_PUNCTUATION = re.compile(r"[,;.]")


def nfc(text: str) -> str:
    """``text`` in Unicode NFC."""
    return unicodedata.normalize("NFC", text)


def strip_marks(text: str) -> str:
    """``text`` without combining marks (tones, hats, horns), and đ/Đ → d/D."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # đ/Đ are letters of their own, not d + a mark: decomposition does not touch them.
    return stripped.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """Key for diacritic- and case-insensitive comparison: NFC, casefold, marks stripped, đ → d,
    whitespace collapsed. ``fold("Sở Nội vụ") == fold("so  noi vu") == "so noi vu"``."""
    return _SPACES.sub(" ", strip_marks(nfc(text).casefold())).strip()


def fmt_date(day: date) -> str:
    """``dd/mm/yyyy`` ("30/11/2026"), as Vietnamese documents and messages write dates."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def fmt_moment(value: datetime, tz: ZoneInfo) -> str:
    """An instant as ``dd/mm/yyyy HH:MM`` in ``tz`` ("07/04/2026 09:00"). A naive ``value`` is
    taken as UTC: every datetime is stored UTC, and SQLite hands them back naive."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_datetime(value, "dd/MM/yyyy HH:mm", tzinfo=tz, locale="vi")


def match_key(name: str) -> str:
    """``fold`` without commas, semicolons and dots, so "Sở Văn hóa Thể thao và Du lịch" and
    "Sở Văn hóa, Thể thao và Du lịch" compare equal."""
    return " ".join(_NAME_PUNCTUATION.sub(" ", fold(name)).split())
