"""Loan and lease schedules, computed from their terms alone (LEDGER-PACK.md).

Both are paid monthly in arrears at a monthly rate r = annual rate / 12, the first
payment falling in the month after the start month and each posted on its month's last
day. Every figure is rounded to the minor unit of the entity's currency (ISO 4217 via
close.money.cents: whole yen for JPY, cents for EUR, three decimals for KWD) when it is
computed, half away from zero, and the last payment clears the balance, so the schedule
ends at exactly zero. A schedule computed to cents for a yen entity drifts from books
kept in whole yen by a few yen every month, which is why the currency is required.

- Loan: level payment P·r / (1 - (1+r)^-n), rounded; interest = balance·r, rounded.
- Lease (IFRS 16 / ASC 842 finance lease): liability at start = present value of the
  payments, payment·(1 - (1+r)^-n) / r, rounded once; interest = liability·r, rounded;
  the right-of-use asset starts at that liability and is depreciated straight-line over
  the term from the month after the start (the monthly charge rounded, the last month
  taking the rest).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from close.money import ZERO, cents
from close.periods import Month, month_of

TWELVE = Decimal(12)


@dataclass(frozen=True)
class Period:
    month: Month
    opening: Decimal
    interest: Decimal
    payment: Decimal
    principal: Decimal
    closing: Decimal


def _annuity_factor(r: Decimal, n: int) -> Decimal:
    """(1 - (1+r)^-n) / r, the present value of 1 a month for n months."""
    with localcontext() as ctx:
        ctx.prec = 34
        if r == 0:
            return Decimal(n)
        return (1 - (1 + r) ** -n) / r


def level_payment(principal: Decimal, annual_rate: Decimal, term: int, *, currency: str) -> Decimal:
    return cents(principal / _annuity_factor(annual_rate / TWELVE, term), currency)


def present_value(payment: Decimal, annual_rate: Decimal, term: int, *, currency: str) -> Decimal:
    return cents(payment * _annuity_factor(annual_rate / TWELVE, term), currency)


def schedule(start: date, opening: Decimal, annual_rate: Decimal, term: int,
             payment: Decimal, *, currency: str) -> list[Period]:
    """Month by month: interest on the opening balance, payment, the last one clearing it."""
    r = annual_rate / TWELVE
    rows, balance, month = [], opening, month_of(start)
    for k in range(1, term + 1):
        month = month.shift(1)
        interest = cents(balance * r, currency)
        pay = balance + interest if k == term else payment
        principal = pay - interest
        rows.append(Period(month, balance, interest, pay, principal, balance - principal))
        balance -= principal
    return rows


def loan_schedule(loan: dict, currency: str) -> tuple[Decimal, list[Period]]:
    """(level payment, schedule) of a loans.csv row."""
    payment = level_payment(loan["principal"], loan["annual_rate"], loan["term_months"], currency=currency)
    return payment, schedule(loan["start_date"], loan["principal"], loan["annual_rate"],
                             loan["term_months"], payment, currency=currency)


def lease_schedule(lease: dict, currency: str) -> tuple[Decimal, list[Period]]:
    """(liability at start, schedule) of a leases.csv row."""
    initial = present_value(lease["monthly_payment"], lease["discount_rate"], lease["term_months"],
                            currency=currency)
    return initial, schedule(lease["start_date"], initial, lease["discount_rate"],
                             lease["term_months"], lease["monthly_payment"], currency=currency)


def balance_at(rows: list[Period], opening: Decimal, start: date, month: Month) -> Decimal:
    """Balance after the payments through `month` (the opening amount before the first)."""
    if month < month_of(start):
        return ZERO
    balance = opening
    for row in rows:
        if row.month <= month:
            balance = row.closing
    return balance


def period_of(rows: list[Period], month: Month) -> Period | None:
    for row in rows:
        if row.month == month:
            return row
    return None


def straight_line_carrying(cost: Decimal, start: date, term: int, month: Month, *,
                           currency: str) -> Decimal:
    """Carrying amount after straight-line depreciation from the month after `start`."""
    first = month_of(start).shift(1)
    if month < month_of(start):
        return ZERO
    done = (month.year - first.year) * 12 + (month.month - first.month) + 1
    if done <= 0:
        return cost
    if done >= term:
        return ZERO
    return cost - cents(cost / Decimal(term), currency) * done
