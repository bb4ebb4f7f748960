"""Straight-line depreciation schedules, computed from the fixed-asset register alone.

The rollforward and the recalculation both need what the books *should* hold for an
asset, independently of what was posted. The rules (LEDGER-PACK.md):

- depreciable base = cost - salvage_value, spread over useful_life_months;
- depreciation starts the month after in_service_date and is posted on each month's last
  day;
- each month's charge is base / life rounded to the minor unit of the entity's functional
  currency (ISO 4217: cents, whole yen for JPY; half away from zero), and the last month
  of the life takes what is left, so the total is exactly the base (the same rule as a
  loan's last payment clearing the balance). A yen register rounded to cents would
  differ from right books by a few yen every month;
- a disposed asset is depreciated up to and including the month before its disposal
  month; in the disposal month its cost and accumulated depreciation leave the books.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from close.money import ZERO, cents
from close.periods import Month, month_of

REGISTER = """
SELECT asset_id, asset_class, description, in_service_date, cost, salvage_value,
       useful_life_months, method, disposal_date, disposal_proceeds, cost_account_id,
       accum_account_id
FROM fixed_assets
WHERE entity_id = $entity_id
ORDER BY asset_id
"""


@dataclass(frozen=True)
class Asset:
    asset_id: str
    asset_class: str
    in_service_date: date
    cost: Decimal
    salvage_value: Decimal
    life: int
    disposal_date: date | None
    cost_account_id: str
    accum_account_id: str
    currency: str | None = None  # functional currency: the schedule's minor unit

    @property
    def ref(self) -> str:
        return f"fixed_assets:{self.asset_id}"

    @property
    def first_month(self) -> Month:
        return month_of(self.in_service_date).shift(1)

    @property
    def monthly(self) -> Decimal:
        if self.life <= 0:
            return ZERO
        return cents((self.cost - self.salvage_value) / Decimal(self.life), self.currency)

    def charge(self, month: Month) -> Decimal:
        """Depreciation for one month (zero outside the life, or from the disposal month)."""
        if self.life <= 0:
            return ZERO
        index = _months_between(self.first_month, month)  # 0 = first month of the life
        if index < 0 or index >= self.life:
            return ZERO
        if self.disposal_date is not None and month >= month_of(self.disposal_date):
            return ZERO
        if index == self.life - 1:
            return (self.cost - self.salvage_value) - self.monthly * (self.life - 1)
        return self.monthly

    def accumulated(self, month: Month) -> Decimal:
        """Depreciation charged from the start of the life through `month`, inclusive."""
        if self.life <= 0 or month < self.first_month:
            return ZERO
        last = month
        if self.disposal_date is not None:
            last = min(last, month_of(self.disposal_date).prev)
        months = min(_months_between(self.first_month, last) + 1, self.life)
        if months <= 0:
            return ZERO
        if months == self.life:
            return self.cost - self.salvage_value
        return self.monthly * months

    def in_books(self, day: date) -> bool:
        """In service on `day` and not yet disposed of."""
        return self.in_service_date <= day and (self.disposal_date is None or self.disposal_date > day)

    # What the cost and accumulated-depreciation accounts hold for the asset at a month
    # end, and the movements that get them there (in, out): the register side of the
    # balance-and-movement tie (schedule_tie.py).

    def _disposed_in(self, month: Month) -> bool:
        return (self.disposal_date is not None and month_of(self.disposal_date) == month
                and self.in_service_date <= self.disposal_date)

    def cost_balance(self, month: Month) -> Decimal:
        return self.cost if self.in_books(month.last_day) else ZERO

    def cost_moves(self, month: Month) -> tuple[Decimal, Decimal]:
        added = (month_of(self.in_service_date) == month
                 and (self.disposal_date is None or self.disposal_date >= self.in_service_date))
        return (self.cost if added else ZERO, -self.cost if self._disposed_in(month) else ZERO)

    def accum_balance(self, month: Month) -> Decimal:
        return self.accumulated(month) if self.in_books(month.last_day) else ZERO

    def accum_moves(self, month: Month) -> tuple[Decimal, Decimal]:
        removed = self.accumulated(month.prev) if self._disposed_in(month) else ZERO
        return (self.charge(month), -removed)


def _months_between(a: Month, b: Month) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def register(ctx) -> list[Asset]:
    """The entity's assets, their schedules rounded to its functional currency."""
    return [Asset(r["asset_id"], r["asset_class"], r["in_service_date"], r["cost"],
                  r["salvage_value"] or ZERO, r["useful_life_months"], r["disposal_date"],
                  r["cost_account_id"], r["accum_account_id"], ctx.currency)
            for r in ctx.rows(REGISTER)]
