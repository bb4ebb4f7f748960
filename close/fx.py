"""FX rates as LEDGER-PACK.md defines them: direct, inverse, or crossed.

A rate may be given in one direction only (the inverse is 1 / rate), and a pair with no
rate crosses through the reporting currency. A needed rate that is missing returns None
so the caller reports it as a finding instead of guessing.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from close.periods import Month


class FxRates:
    """All rates of a pack, read once, looked up by (date, from, to, rate_type)."""

    def __init__(self, rows, reporting_currency: str):
        self.reporting_currency = reporting_currency
        self._rates: dict[tuple[date, str, str, str], Decimal] = {}
        for day, src, dst, kind, rate in rows:
            self._rates[(day, src, dst, kind)] = Decimal(rate)

    @classmethod
    def from_connection(cls, con, reporting_currency: str) -> "FxRates":
        rows = con.execute(
            "SELECT date, from_currency, to_currency, rate_type, rate FROM fx_rates"
            " ORDER BY date, from_currency, to_currency, rate_type"
        ).fetchall()
        return cls(rows, reporting_currency)

    def _direct(self, day: date, src: str, dst: str, kind: str) -> Decimal | None:
        if src == dst:
            return Decimal(1)
        rate = self._rates.get((day, src, dst, kind))
        if rate is not None:
            return rate
        inverse = self._rates.get((day, dst, src, kind))
        if inverse is not None and inverse != 0:
            return Decimal(1) / inverse
        return None

    def rate(self, src: str, dst: str, on: date | Month, kind: str = "closing") -> Decimal | None:
        """Units of `dst` for one `src` on a day (a Month means its last day)."""
        day = on.last_day if isinstance(on, Month) else on
        direct = self._direct(day, src, dst, kind)
        if direct is not None:
            return direct
        via = self.reporting_currency
        first = self._direct(day, src, via, kind)
        second = self._direct(day, via, dst, kind)
        if first is None or second is None:
            return None
        return first * second

    def convert(self, amount: Decimal, src: str, dst: str, on, kind: str = "closing") -> Decimal | None:
        """Exact product, unrounded: round once when the figure is written."""
        rate = self.rate(src, dst, on, kind)
        return None if rate is None else amount * rate
