"""Percentages and ratios as the close shows them: one decimal, half away from zero.

Variances in percent, shares of a total, margins, DSO and DPO, months of runway: every
figure a controller reads as "12.3" is rounded the same way, once, here. A ratio over a
zero base has no value (None), never a division error or an infinity.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from close.money import ZERO

TENTH = Decimal("0.1")


def one_decimal(value: Decimal) -> Decimal:
    """Rounded to one decimal, half away from zero (12.25 -> 12.3, -12.25 -> -12.3)."""
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def ratio(numerator: Decimal, denominator: Decimal, places: str = "0.1", scale: int = 100):
    """numerator / denominator x scale, rounded to `places`; None when the denominator is zero."""
    if denominator == ZERO:
        return None
    return (numerator * scale / denominator).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def percent_of(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part as a percentage of whole, one decimal; None without either or with a zero whole."""
    if part is None or whole is None:
        return None
    return ratio(part, whole)


def percent_change(change: Decimal, base: Decimal) -> Decimal | None:
    """A change as a percentage of the figure it is measured from (its size, so a change
    from a negative base keeps its own sign); None when the base is zero."""
    return ratio(change, abs(base))
