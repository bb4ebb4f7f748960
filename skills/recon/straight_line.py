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


def per_month(amount: Decimal, start: date, end: date, currency: str | None) -> Decimal:
    """Every month's release but the last: amount / months at the currency's minor unit."""
    n = months_in(start, end)
    return cents(amount / Decimal(n), currency) if n > 0 else ZERO


class StraightLine:
    """One amount's straight-line schedule, its arithmetic done once: a reconciliation
    asks every item's release and balance for every month it walks back."""

    def __init__(self, amount: Decimal, start: date, end: date, currency: str | None = None):
        self.amount = amount
        self.months = months_in(start, end)
        self.step = per_month(amount, start, end, currency)
        self.last = amount - self.step * (self.months - 1) if self.months > 0 else ZERO
        first = month_of(start)
        self.first_index = first.year * 12 + first.month - 1

    def _index(self, month: Month) -> int:
        return month.year * 12 + month.month - 1 - self.first_index

    def release(self, month: Month) -> Decimal:
        """What `month` releases (the last month takes the remainder)."""
        index = self._index(month)
        if self.months <= 0 or index < 0 or index >= self.months:
            return ZERO
        return self.last if index == self.months - 1 else self.step

    def released_through(self, month: Month) -> Decimal:
        """What has been released from the start month through `month`, inclusive."""
        done = self._index(month) + 1
        if self.months <= 0 or done <= 0:
            return ZERO
        return self.amount if done >= self.months else self.step * done


def release(amount: Decimal, start: date, end: date, month: Month,
            currency: str | None = None) -> Decimal:
    """What one month releases (the last month takes the remainder)."""
    return StraightLine(amount, start, end, currency).release(month)


def released_through(amount: Decimal, start: date, end: date, month: Month,
                     currency: str | None = None) -> Decimal:
    """What has been released from the start month through `month`, inclusive."""
    return StraightLine(amount, start, end, currency).released_through(month)


def straight_line_item(ref: str, key: str, label: str, account_id: str, start: date, end: date,
                       amount: Decimal, currency: str | None, booked_from: Month | None = None) -> Item:
    """A prepaid or a contract as a schedule item (schedule_evidence.py) on its balance-sheet
    account, natural direction: the amount comes in in its start month, or in the earlier
    month its document was booked (`booked_from`, an invoice raised in advance), and goes
    out month by month."""
    first = month_of(start)
    booked = min(first, booked_from) if booked_from else first
    line = StraightLine(amount, start, end, currency)

    def balance(month: Month) -> Decimal:
        return ZERO if month < booked else amount - line.released_through(month)

    def moves(month: Month) -> tuple[Decimal, Decimal]:
        return (amount if month == booked else ZERO, -line.release(month))

    return Item(ref, key, label, account_id, balance, moves)
