"""Straight-line release by whole months, for prepaids and deferred revenue.

LEDGER-PACK.md: prepaid expenses and deferred revenue are released straight-line by whole
months, from the start month through the end month, both included, posting on each
month's last day. Each month releases amount / months rounded to the currency's minor
unit (ISO 4217: cents for EUR, whole yen for JPY; half away from zero) and the last month
takes what is left, so the releases add up to the amount exactly (the rule a loan's last
payment follows). Rounding a yen schedule to cents would report a few yen of difference
every month on books that are right, so the currency is always passed.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from close.money import ZERO, cents
from close.periods import Month, month_of
from skills.recon.schedule_evidence import Item


def months_in(start: date, end: date) -> int:
    a, b = month_of(start), month_of(end)
    return max((b.year - a.year) * 12 + (b.month - a.month) + 1, 0)


def _index(start: date, month: Month) -> int:
    first = month_of(start)
    return (month.year - first.year) * 12 + (month.month - first.month)


def per_month(amount: Decimal, start: date, end: date, currency: str | None) -> Decimal:
    """Every month's release but the last: amount / months at the currency's minor unit."""
    n = months_in(start, end)
    return cents(amount / Decimal(n), currency) if n > 0 else ZERO


def release(amount: Decimal, start: date, end: date, month: Month,
            currency: str | None = None) -> Decimal:
    """What one month releases (the last month takes the remainder)."""
    n = months_in(start, end)
    index = _index(start, month)
    if n <= 0 or index < 0 or index >= n:
        return ZERO
    step = per_month(amount, start, end, currency)
    return amount - step * (n - 1) if index == n - 1 else step


def released_through(amount: Decimal, start: date, end: date, month: Month,
                     currency: str | None = None) -> Decimal:
    """What has been released from the start month through `month`, inclusive."""
    n = months_in(start, end)
    done = _index(start, month) + 1
    if n <= 0 or done <= 0:
        return ZERO
    if done >= n:
        return amount
    return per_month(amount, start, end, currency) * done


def straight_line_item(ref: str, key: str, label: str, account_id: str, start: date, end: date,
                       amount: Decimal, currency: str | None, booked_from: Month | None = None) -> Item:
    """A prepaid or a contract as a schedule item (schedule_evidence.py) on its balance-sheet
    account, natural direction: the amount comes in in its start month, or in the earlier
    month its document was booked (`booked_from`, an invoice raised in advance), and goes
    out month by month."""
    first = month_of(start)
    booked = min(first, booked_from) if booked_from else first
    # The schedule's arithmetic once per item, not per question: a reconciliation asks
    # every item's balance for every month walked back (release and released_through
    # give the same figures, computed afresh).
    n = months_in(start, end)
    step = per_month(amount, start, end, currency)
    last = amount - step * (n - 1) if n > 0 else ZERO
    first_index = first.year * 12 + first.month - 1

    def balance(month: Month) -> Decimal:
        if month < booked:
            return ZERO
        done = month.year * 12 + month.month - first_index
        if n <= 0 or done <= 0:
            return amount - ZERO
        return amount - (amount if done >= n else step * done)

    def moves(month: Month) -> tuple[Decimal, Decimal]:
        index = month.year * 12 + month.month - 1 - first_index
        out = ZERO if n <= 0 or index < 0 or index >= n else (last if index == n - 1 else step)
        return (amount if month == booked else ZERO, -out)

    return Item(ref, key, label, account_id, balance, moves)
