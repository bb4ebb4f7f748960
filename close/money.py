"""Exact money: Decimal in Python, decimal strings in JSON, never a float.

Rounding rule (written down, tested): amounts are rounded once, when a figure is
written, to the currency's minor unit, half away from zero (ROUND_HALF_UP in Python's
decimal module rounds ties away from zero). Intermediate products stay unrounded.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision

ZERO = Decimal("0")
CENT = Decimal("0.01")


def D(value) -> Decimal:
    """Decimal from a string, int or Decimal; floats are refused so none slips in."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a string or Decimal")
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a decimal amount") from exc


@lru_cache(maxsize=512)
def minor_unit(currency: str | None) -> Decimal:
    """Smallest unit of a currency: 0.01 for USD, 1 for JPY. Cached: asked for every
    amount rounded, and babel looks it up each time."""
    if not currency:
        return CENT
    return Decimal(1).scaleb(-get_currency_precision(currency))


def cents(value: Decimal, currency: str | None = None) -> Decimal:
    """Round to the currency's minor unit, half away from zero."""
    return D(value).quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def money_str(value: Decimal | None, currency: str | None = None) -> str | None:
    """The JSON form of an amount: a decimal string at the currency's scale."""
    if value is None:
        return None
    text = format(cents(value, currency), "f")
    return "0.00" if text in ("-0.00",) else text
