"""How figures look in the review: thousands separators, negatives in parentheses.

A CFO scans columns, so every amount is right-aligned with the same two decimals and a
negative reads `(1,234.50)` as on a printed statement. Formatting goes through babel so
separators follow a locale instead of hand-written string surgery; values stay Decimal
until this last step (results.json carries them as exact strings).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "en_US"
MONEY_PATTERN = "#,##0.00;(#,##0.00)"
WHOLE_PATTERN = "#,##0;(#,##0)"
PCT_PATTERN = "#,##0.0;(#,##0.0)"


def to_decimal(value) -> Decimal | None:
    """A Decimal from a results.json value (decimal string, int, Decimal); else None.

    Floats are refused on purpose: an amount that arrives as a float has already lost
    its exactness and must not be dressed up as a figure.
    """
    if value is None or isinstance(value, (bool, float)):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip()
        if not text or not any(ch.isdigit() for ch in text):
            return None
        try:
            parsed = Decimal(text)
        except InvalidOperation:
            return None
        return parsed if parsed.is_finite() else None
    return None


def is_amount_text(value) -> bool:
    """True for a decimal string such as "-1250.00" (how money travels in results.json)."""
    return isinstance(value, str) and to_decimal(value) is not None


def _pattern(value: Decimal, pattern: str) -> str:
    if value == 0:
        value = abs(value)  # never print "(0.00)"
    return format_decimal(value, format=pattern, locale=LOCALE, decimal_quantization=True)


def money(value, blank: str = "") -> str:
    """1,234,567.89 / (1,234.50); blank for a missing value."""
    number = to_decimal(value)
    return blank if number is None else _pattern(number, MONEY_PATTERN)


def whole(value, blank: str = "") -> str:
    """Counts and rounded amounts: 1,234 / (56)."""
    number = to_decimal(value)
    return blank if number is None else _pattern(number, WHOLE_PATTERN)


def percent(value, blank: str = "") -> str:
    """A percentage figure already in percent: 12.5 -> "12.5%", -3.25 -> "(3.3%)"."""
    number = to_decimal(value)
    if number is None:
        return blank
    text = _pattern(abs(number), PCT_PATTERN) + "%"
    return f"({text})" if number < 0 and text != "0.0%" else text


def number(value, blank: str = "") -> str:
    """A metric of unknown kind: integers as counts, decimals as money-style figures."""
    if isinstance(value, int) and not isinstance(value, bool):
        return whole(value, blank)
    number_ = to_decimal(value)
    if number_ is None:
        return blank if value is None else str(value)
    if number_ == number_.to_integral_value() and "." not in str(value):
        return whole(number_, blank)
    return money(number_, blank)


def is_negative(value) -> bool:
    number_ = to_decimal(value)
    return number_ is not None and number_ < 0


def month_label(period: str) -> str:
    """'2026-05' -> 'May 2026'; text that is not a month is returned as given."""
    try:
        year, month = (int(part) for part in str(period).split("-"))
        return format_date(date(year, month, 1), "MMMM y", locale=LOCALE)
    except (ValueError, TypeError):
        return str(period)


def short_month_label(period: str) -> str:
    """'2026-05' -> 'May 26' for chart axes and narrow column heads."""
    try:
        year, month = (int(part) for part in str(period).split("-"))
        return format_date(date(year, month, 1), "MMM yy", locale=LOCALE)
    except (ValueError, TypeError):
        return str(period)


def signed(value, kind: str = "money", blank: str = "") -> str:
    """A change with its direction: +1,234.50 / (1,234.50); +2.5% / (2.5)%."""
    number_ = to_decimal(value)
    if number_ is None:
        return blank
    text = percent(number_) if kind == "percent" else money(number_)
    return ("+" + text) if number_ > 0 else text
