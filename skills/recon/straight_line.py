"""Straight-line release by whole months, for prepaids and deferred revenue.

LEDGER-PACK.md: prepaid expenses and deferred revenue are released straight-line by whole
months, from the start month through the end month, both included, posting on each
month's last day. Each month releases amount / months rounded to the cent (half away
from zero) and the last month takes what is left, so the releases add up to the amount
exactly (the rule a loan's last payment follows).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from close.money import ZERO, cents
from close.periods import Month, month_of


def months_in(start: date, end: date) -> int:
    a, b = month_of(start), month_of(end)
    return max((b.year - a.year) * 12 + (b.month - a.month) + 1, 0)


def release(amount: Decimal, start: date, end: date, month: Month) -> Decimal:
    """What one month releases."""
    n = months_in(start, end)
    if n <= 0:
        return ZERO
    first = month_of(start)
    index = (month.year - first.year) * 12 + (month.month - first.month)
    if index < 0 or index >= n:
        return ZERO
    per_month = cents(amount / Decimal(n))
    if index == n - 1:
        return amount - per_month * (n - 1)
    return per_month


def released_through(amount: Decimal, start: date, end: date, month: Month) -> Decimal:
    """What has been released from the start month through `month`, inclusive."""
    n = months_in(start, end)
    if n <= 0:
        return ZERO
    first = month_of(start)
    done = (month.year - first.year) * 12 + (month.month - first.month) + 1
    if done <= 0:
        return ZERO
    if done >= n:
        return amount
    return cents(amount / Decimal(n)) * done
