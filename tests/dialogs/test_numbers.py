"""Vietnamese number input (DOMAIN.md, "Vietnamese text": comma decimal mark, dot groups
thousands; an input like "12.5" is ambiguous and confirmed, never guessed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dialogs.numbers import (
    Ambiguous,
    Invalid,
    InvalidReason,
    Parsed,
    format_figure,
    parse_figure,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234", "1234"),
        ("12,5", "12.5"),
        ("1.234,5", "1234.5"),
        ("1.234.567", "1234567"),
        ("1234", "1234"),
        (" 0,5 ", "0.5"),
        ("1 234", "1234"),  # a space between thousands, as some offices type
        ("１２", "12"),  # full-width digits of some phone keyboards
        ("0", "0"),
    ],
)
def test_unambiguous_vietnamese_numbers(text: str, value: str) -> None:
    assert parse_figure(text) == Parsed(Decimal(value))


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("12.5", ("125", "12.5")),  # a thousands dot in the wrong place, or an English decimal
        ("1.23", ("123", "1.23")),
        ("1,234", ("1234",)),  # 1,234 (three decimals) cannot be stored: only 1234 is offered
        ("1.2345", ("12345",)),
        ("1,234.5", ("1234.5",)),  # English grouping: still confirmed
    ],
)
def test_ambiguous_numbers_are_offered_not_guessed(text: str, candidates: tuple[str, ...]) -> None:
    assert parse_figure(text) == Ambiguous(tuple(Decimal(c) for c in candidates))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ba bộ", InvalidReason.NOT_A_NUMBER),
        ("", InvalidReason.NOT_A_NUMBER),
        ("1,2,3", InvalidReason.NOT_A_NUMBER),
        ("-3", InvalidReason.NEGATIVE),
        ("1,234567", InvalidReason.TOO_PRECISE),
        ("1.000.000.000.000", InvalidReason.TOO_LARGE),
    ],
)
def test_invalid_numbers(text: str, reason: InvalidReason) -> None:
    assert parse_figure(text) == Invalid(reason)


def test_format_is_vietnamese() -> None:
    assert format_figure(Decimal("1234.5")) == "1.234,5"
    assert format_figure(Decimal("12.50")) == "12,5"
    assert format_figure(Decimal("1234567")) == "1.234.567"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234", Parsed(Decimal("1234"))),
        ("12,0", Parsed(Decimal("12"))),  # integral: kept, without its ",0"
        ("1.234,0", Parsed(Decimal("1234"))),
        ("12,5", Invalid(InvalidReason.NOT_WHOLE, Decimal("12.5"))),
        ("0,5", Invalid(InvalidReason.NOT_WHOLE, Decimal("0.5"))),
        # Ambiguous stays confirmed: only the whole readings are offered, the others are named.
        ("12.5", Ambiguous((Decimal("125"),), (Decimal("12.5"),))),
        ("1.23", Ambiguous((Decimal("123"),), (Decimal("1.23"),))),
        ("1,234", Ambiguous((Decimal("1234"),))),
        ("1,000", Ambiguous((Decimal("1"), Decimal("1000")))),
        ("1,234.5", Invalid(InvalidReason.NOT_WHOLE, Decimal("1234.5"))),  # no whole reading
        ("-3", Invalid(InvalidReason.NEGATIVE)),
        ("ba", Invalid(InvalidReason.NOT_A_NUMBER)),
    ],
)
def test_whole_numbers_refuse_fractions(text: str, expected: object) -> None:
    result = parse_figure(text, whole=True)
    assert result == expected
    if isinstance(result, Parsed):
        assert result.value.as_tuple().exponent == 0  # stored as "12", not "12.0"
