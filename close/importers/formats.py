"""Numbers and dates as ERP exports write them, read exactly.

A general-ledger export writes amounts the way its locale does (`1.234,56`,
`(1,234.56)`, `$1,234.56`, `1 234,56-`) and dates in its own order (`31/05/2026`,
`05/31/2026`, `31 May 2026`). The map says which; a value that does not fit is refused,
never guessed, since `01/02/2026` is two different days depending on who wrote it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal



@dataclass(frozen=True)
class NumberFormat:
    decimal: str = "."
    thousands: str = ","
    symbols: str = "$€£¥"

    def parse(self, text: str) -> Decimal:
        """The exact amount, or ValueError saying which format was expected."""
        s = text.strip()
        negative = False
        if s.startswith("(") and s.endswith(")"):
            negative, s = True, s[1:-1].strip()
        for ch in self.symbols:
            s = s.replace(ch, "")
        s = s.strip()
        if s.startswith("-") or s.startswith("\u2212"):
            negative, s = not negative, s[1:].strip()
        elif s.endswith("-"):
            negative, s = not negative, s[:-1].strip()
        elif s.startswith("+"):
            s = s[1:].strip()
        if self.thousands == " ":
            s = s.replace("\u00a0", " ").replace("\u202f", " ")
        whole, _, fraction = s.partition(self.decimal)
        grouped = bool(self.thousands) and re.fullmatch(
            r"[0-9]{1,3}(" + re.escape(self.thousands) + r"[0-9]{3})+", whole) is not None
        if not (grouped or re.fullmatch(r"[0-9]+", whole)) or (fraction and not re.fullmatch(r"[0-9]+", fraction)) \
                or (_ and not fraction):
            raise ValueError(self.describe())
        value = Decimal(whole.replace(self.thousands, "") if self.thousands else whole) \
            + (Decimal("0." + fraction) if fraction else Decimal(0))
        return -value if negative else value

    def describe(self) -> str:
        thousands = {"": "none", " ": "space"}.get(self.thousands, repr(self.thousands))
        return f"not an amount in the map's format (decimal {self.decimal!r}, thousands {thousands})"


def parse_date(text: str, fmt: str) -> date:
    try:
        return datetime.strptime(text.strip(), fmt).date()
    except ValueError:
        raise ValueError(f"not a date in the map's format {fmt!r}") from None
