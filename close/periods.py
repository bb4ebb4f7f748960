"""Calendar months, the unit a close works in.

A month is written `YYYY-MM` everywhere: on the command line, in the pack and in refs.
Anything else (`2026-13`, `May`, `2026-5`) is refused with one line that says what is
expected, because a close run against the wrong month is worse than no run.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class BadMonth(ValueError):
    """A month string that is not `YYYY-MM` with a month from 01 to 12."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    # Cached on the instance (frozen dataclasses allow it; equality and hashing read the
    # fields only): skills ask a month its days once per row they convert.
    @cached_property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @cached_property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shift(self, months: int) -> "Month":
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    @property
    def prev(self) -> "Month":
        return self.shift(-1)

    def fiscal_year_start(self, start_month: int = 1) -> "Month":
        """First month of the fiscal year this month falls in."""
        year = self.year if self.month >= start_month else self.year - 1
        return Month(year, start_month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def parse_month(text: str) -> Month:
    match = _MONTH.match(str(text).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadMonth(f"month {text!r} is not a month: expected YYYY-MM, for example 2026-05")
    return Month(int(match.group(1)), int(match.group(2)))


@lru_cache(maxsize=16384)
def month_of(day: date) -> Month:
    """The month a day falls in. Cached: skills ask it of every journal line, and a
    ledger has a few thousand distinct days at most."""
    return Month(day.year, day.month)
