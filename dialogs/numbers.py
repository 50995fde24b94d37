"""Vietnamese number input for indicator figures: "1.234" = 1234, "12,5" = 12.5.

Vietnamese writes the comma as the decimal mark and the dot as the thousands separator (DOMAIN.md,
"Vietnamese text"). Parsing uses Babel's ``vi`` locale in strict mode. An input that a phone user could
mean two ways is never guessed: ``parse_figure`` returns an ``Ambiguous`` with the readings, and the
dialog asks which one was meant. The rules, in order:

1. Babel (``vi``, strict) reads the text → that value, except a single comma followed by exactly three
   digits ("1,234"), which an English-keyboard habit may mean as 1234: ambiguous.
2. Babel refuses it ("12.5", "1.23") → the readings Babel suggests (``125`` / ``12,5``) plus the English
   reading: ambiguous.
3. Nothing reads it → ``Invalid``.

Whole-number figures (``whole=True``; every indicator of the plan counts things — sets of remains,
graves, samples, pieces of information — see ``plan.indicators``): a reading with a fractional part
is dropped, and an integral one such as "12,0" is kept as 12. So "12,5" → ``Invalid(NOT_WHOLE)``;
"12.5" → ``Ambiguous((125,), dropped=(12.5,))`` and "1.23" → ``Ambiguous((123,), dropped=(1.23,))``:
still confirmed, never guessed, because 125 (a misplaced thousands dot) is a guess as much as 12,5
was — the contact taps "125" or types again; "1.000" → ``Parsed(1000)`` as before. If every reading
is dropped ("1,234.5"), ``Invalid(NOT_WHOLE)`` with the first dropped reading.

A figure is stored in ``Numeric(14, 2)``: readings that are negative, have more than two decimals or
twelve or more integer digits are dropped (and if none is left the input is ``Invalid`` saying why).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

MAX_DECIMALS = 2
MAX_VALUE = Decimal(10) ** 12
_SPACE_GROUPED = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?$")
_COMMA_THREE = re.compile(r"^\d{1,3},\d{3}$")
_ALLOWED = re.compile(r"^[+\-]?[0-9.,]+$")


class InvalidReason(enum.StrEnum):
    """Why a figure was refused."""

    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    TOO_PRECISE = "too_precise"
    TOO_LARGE = "too_large"
    NOT_WHOLE = "not_whole"  # a fraction where whole things are counted


@dataclass(frozen=True)
class Parsed:
    """An unambiguous, storable figure."""

    value: Decimal


@dataclass(frozen=True)
class Ambiguous:
    """The text may mean any of ``candidates`` (1 or 2 storable values, in the order to offer);
    ``dropped``: readings refused because they are not whole (only with ``whole=True``)."""

    candidates: tuple[Decimal, ...]
    dropped: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class Invalid:
    """Not a storable figure; ``reason`` says why. ``value``: the fractional reading refused as
    ``NOT_WHOLE`` (None for the other reasons)."""

    reason: InvalidReason
    value: Decimal | None = None


ParseResult = Parsed | Ambiguous | Invalid


def _clean(text: str) -> str:
    # NFKC turns full-width digits of some phone keyboards into ASCII digits.
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if _SPACE_GROUPED.match(cleaned):
        cleaned = re.sub(r"[ \u00a0\u202f]", ".", cleaned)
    return cleaned


def _read(text: str, locale: str) -> Decimal | None:
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        return None


def _suggestions(text: str) -> list[Decimal]:
    try:
        parse_decimal(text, locale="vi", strict=True)
    except NumberFormatError as exc:
        found = [_read(s, "vi") for s in (getattr(exc, "suggestions", None) or [])]
        return [v for v in found if v is not None]
    return []


def _problem(value: Decimal) -> InvalidReason | None:
    if value < 0:
        return InvalidReason.NEGATIVE
    if abs(value) >= MAX_VALUE:
        return InvalidReason.TOO_LARGE
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMALS:
        return InvalidReason.TOO_PRECISE
    return None


def _storable(readings: list[Decimal]) -> ParseResult:
    """Dedupe ``readings`` and drop the unstorable; ``Invalid`` with the first reason if none is left."""
    unique: list[Decimal] = []
    for value in readings:
        if all(value != seen for seen in unique):
            unique.append(value)
    good = [v for v in unique if _problem(v) is None]
    if not good:
        first = _problem(unique[0]) if unique else None
        return Invalid(first or InvalidReason.NOT_A_NUMBER)
    return Ambiguous(tuple(good))


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _only_whole(result: ParseResult) -> ParseResult:
    """``result`` restricted to whole numbers (module docstring); integral values lose their
    ``.0`` ("12,0" → 12)."""
    if isinstance(result, Parsed):
        if not _whole(result.value):
            return Invalid(InvalidReason.NOT_WHOLE, result.value)
        return Parsed(result.value.quantize(Decimal(1)))
    if isinstance(result, Ambiguous):
        kept: list[Decimal] = []
        for value in result.candidates:
            whole = value.quantize(Decimal(1)) if _whole(value) else None
            if whole is not None and all(whole != seen for seen in kept):
                kept.append(whole)
        dropped = tuple(v for v in result.candidates if not _whole(v))
        if not kept:
            return Invalid(InvalidReason.NOT_WHOLE, dropped[0])
        return Ambiguous(tuple(kept), dropped)
    return result


def parse_figure(text: str, *, whole: bool = False) -> ParseResult:
    """Read a figure typed by a contact (rules in the module docstring); ``whole``: only whole
    numbers are storable (a count).

    ``"1.234"`` → ``Parsed(1234)``; ``"12,5"`` → ``Parsed(12.5)``; ``"12.5"`` →
    ``Ambiguous((125, 12.5))``; ``"1,234"`` → ``Ambiguous((1234,))`` (1,234 has three decimals);
    ``"abc"`` → ``Invalid(NOT_A_NUMBER)``; ``"-3"`` → ``Invalid(NEGATIVE)``. With ``whole``:
    ``"12,5"`` → ``Invalid(NOT_WHOLE, 12.5)``; ``"12.5"`` → ``Ambiguous((125,), dropped=(12.5,))``.
    """
    result = _parse(text)
    return _only_whole(result) if whole else result


def _parse(text: str) -> ParseResult:
    cleaned = _clean(text)
    if not cleaned or not _ALLOWED.match(cleaned):
        return Invalid(InvalidReason.NOT_A_NUMBER)
    value = _read(cleaned, "vi")
    if value is not None:
        if _COMMA_THREE.match(cleaned):
            english = _read(cleaned, "en")
            return _storable([value] + ([english] if english is not None else []))
        problem = _problem(value)
        return Invalid(problem) if problem else Parsed(value)
    readings = _suggestions(cleaned)
    english = _read(cleaned, "en")
    if english is not None:
        readings.append(english)
    return _storable(readings)


def format_figure(value: Decimal) -> str:
    """A figure as Vietnamese write it: ``1234.5`` → ``"1.234,5"``, ``12.50`` → ``"12,5"``."""
    return format_decimal(value, locale="vi")
