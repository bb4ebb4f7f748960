"""Variance analysis shared by the flux skills: two periods, per account and per line.

A variance is the current figure less the comparison figure, both in their natural sign
(assets and expenses debit-positive; liabilities, equity and revenue credit-positive), so
"up" means more of whatever the line is. Income-statement accounts compare the activity
of two windows; balance-sheet accounts compare balances at two days.

The entries that drive a variance are found by contribution: an entry in the current
window adds its amount on the account, one in the comparison window subtracts it (for a
balance, the entries between the two days add). A recurring entry and its counterpart of
the comparison month (same source and counterparty) cancel down to their difference, so
the new bill is named rather than the monthly one beside it. Entries are taken largest
contribution first, in the direction of the variance, until they explain `coverage` of it.

A comparison needs books on both sides: a period before the entity's first posting is not
"zero", it is unknown, so `books_begin` tells the skills where the books start and they
decline to compare against a month the books do not hold.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from close.money import ZERO, cents
from close.statements import BS_SECTIONS, EPOCH, PNL_TYPES, account_amounts

CREDIT_NATURAL = ("liability", "equity", "revenue")

DRIVERS = """
SELECT j.je_id,
       CASE WHEN j.posting_date BETWEEN $cur_start AND $cur_end THEN 'cur' ELSE 'cmp' END AS side,
       MIN(j.source) AS source, MIN(j.counterparty) AS counterparty,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS amount
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.account_id = $account_id
  AND (j.posting_date BETWEEN $cur_start AND $cur_end
       OR j.posting_date BETWEEN $cmp_start AND $cmp_end)
GROUP BY j.je_id, CASE WHEN j.posting_date BETWEEN $cur_start AND $cur_end THEN 'cur' ELSE 'cmp' END
ORDER BY j.je_id, side
"""


def natural_sign(account_type: str | None) -> int:
    return -1 if account_type in CREDIT_NATURAL else 1


def above_thresholds(variance: Decimal, base: Decimal, amount: Decimal, pct: Decimal) -> bool:
    """At least `amount` and at least `pct` % of `base`, compared exactly (not on the
    rounded percentage); a change from zero is an infinite change."""
    if variance == ZERO or abs(variance) < amount:
        return False
    return base == ZERO or abs(variance) * 100 >= pct * abs(base)


def pct_change(variance: Decimal, base: Decimal) -> Decimal | None:
    """Variance as a percentage of the comparison figure; None when that is zero."""
    if base == ZERO:
        return None
    return (variance * 100 / abs(base)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Variance:
    key: str                 # account id, or statement line
    name: str
    section: str             # assets / liabilities / equity / revenue / expense
    account_type: str | None
    current: Decimal
    comparison: Decimal
    accounts: list[str] = field(default_factory=list)

    @property
    def variance(self) -> Decimal:
        return self.current - self.comparison

    @property
    def pct(self) -> Decimal | None:
        return pct_change(self.variance, self.comparison)

    def above(self, amount: Decimal, pct: Decimal) -> bool:
        """Both thresholds: at least `amount` and at least `pct` % of the comparison
        (a figure that was zero counts as an infinite change)."""
        return above_thresholds(self.variance, self.comparison, amount, pct)

    def metric(self, currency: str) -> dict:
        return {"line": self.name, "amount": cents(self.current, currency),
                "key": self.key, "name": self.name, "section": self.section,
                "current": cents(self.current, currency),
                "comparison": cents(self.comparison, currency),
                "variance": cents(self.variance, currency), "pct": self.pct}


@dataclass(frozen=True)
class Periods:
    """The two windows for activity and the two days for balances."""

    current: tuple[date, date]
    comparison: tuple[date, date]

    @property
    def balance_windows(self) -> tuple[tuple[date, date], tuple[date, date]]:
        """A balance changes by the entries after the comparison day up to the current
        day; nothing is subtracted (the second window ends before it starts: empty)."""
        return ((self.comparison[1] + timedelta(days=1), self.current[1]),
                (EPOCH, EPOCH - timedelta(days=1)))


def books_begin(con, entity_id: str) -> date | None:
    """The entity's first posting date: before it the books say nothing."""
    row = con.execute("SELECT MIN(posting_date) FROM journal_lines WHERE entity_id = $entity_id",
                      {"entity_id": entity_id}).fetchone()
    return row[0] if row else None


def account_variances(con, entity_id: str, periods: Periods) -> list[Variance]:
    windows = {"cur_act": periods.current, "cmp_act": periods.comparison,
               "cur_bal": (EPOCH, periods.current[1]), "cmp_bal": (EPOCH, periods.comparison[1])}
    out = []
    for acc in account_amounts(con, entity_id, windows):
        if acc.type in PNL_TYPES:
            cur, cmp_ = acc.amounts["cur_act"], acc.amounts["cmp_act"]
            section = acc.type
        elif acc.type in BS_SECTIONS:
            cur, cmp_ = acc.amounts["cur_bal"], acc.amounts["cmp_bal"]
            section = BS_SECTIONS[acc.type]
        else:
            continue
        sign = natural_sign(acc.type)
        out.append(Variance(acc.account_id, acc.name or acc.account_id, section, acc.type,
                            sign * cur, sign * cmp_, [acc.account_id]))
    return out


def group_by_line(con, accounts: list[Variance]) -> list[Variance]:
    """Statement-line variances: the account variances added up by accounts.statement_line."""
    rows = con.execute("SELECT account_id, statement_line FROM accounts ORDER BY account_id").fetchall()
    line_of = {aid: (line or "Unmapped") for aid, line in rows}
    grouped: dict[tuple[str, str], Variance] = {}
    for v in accounts:
        key = (v.section, line_of.get(v.key, "Unmapped"))
        if key not in grouped:
            grouped[key] = Variance(key[1], key[1], v.section, v.account_type, ZERO, ZERO)
        g = grouped[key]
        g.current += v.current
        g.comparison += v.comparison
        g.accounts.append(v.key)
    return [grouped[k] for k in sorted(grouped)]


def drivers(con, entity_id: str, variance: Variance, periods: Periods,
            coverage: Decimal, max_entries: int) -> list[tuple[str, Decimal]]:
    """The entries that explain `coverage` of the variance, largest first, in the
    variance's natural sign."""
    is_balance = variance.account_type in BS_SECTIONS
    if is_balance:
        cur, cmp_ = periods.balance_windows
    else:
        cur, cmp_ = periods.current, periods.comparison
    sign = natural_sign(variance.account_type)
    contributions: dict[str, Decimal] = {}
    for account_id in variance.accounts:
        cursor = con.execute(DRIVERS, {"entity_id": entity_id, "account_id": account_id,
                                       "cur_start": cur[0], "cur_end": cur[1],
                                       "cmp_start": cmp_[0], "cmp_end": cmp_[1]})
        rows = [(je, side, src, cp, sign * Decimal(amt)) for je, side, src, cp, amt in cursor.fetchall()]
        for je_id, amount in _net_recurring(rows):
            contributions[je_id] = contributions.get(je_id, ZERO) + amount
    direction = 1 if variance.variance >= ZERO else -1
    ranked = sorted(((je, amt) for je, amt in contributions.items() if amt * direction > ZERO),
                    key=lambda item: (-abs(item[1]), item[0]))
    target = abs(variance.variance) * coverage
    chosen, explained = [], ZERO
    for je_id, amount in ranked:
        if explained >= target or len(chosen) >= max_entries:
            break
        chosen.append((je_id, amount))
        explained += abs(amount)
    return chosen


def _net_recurring(rows) -> list[tuple[str, Decimal]]:
    """Contributions per entry after the recurring ones cancel.

    This month's rent bill and last month's are not what moved the account; the new bill
    beside them is. Each comparison-window entry is paired with the unpaired current
    entry of the same source and counterparty whose amount is closest (largest
    comparison entries first) and the pair counts once, as its difference, on the
    current entry. What is left unpaired counts in full (a current entry adds, a
    comparison entry subtracts).
    """
    current = [[je, src, cp, amt] for je, side, src, cp, amt in rows if side == "cur"]
    earlier = sorted(((je, src, cp, amt) for je, side, src, cp, amt in rows if side == "cmp"),
                     key=lambda r: (-abs(r[3]), r[0]))
    out: dict[str, Decimal] = {c[0]: c[3] for c in current}
    paired: set[str] = set()
    for je, src, cp, amt in earlier:
        candidates = [c for c in current if c[0] not in paired and c[1] == src and c[2] == cp
                      and (c[3] > ZERO) == (amt > ZERO)]
        if not candidates:
            out[je] = out.get(je, ZERO) - amt
            continue
        match = min(candidates, key=lambda c: (abs(c[3] - amt), c[0]))
        paired.add(match[0])
        out[match[0]] -= amt
    return sorted(out.items())
