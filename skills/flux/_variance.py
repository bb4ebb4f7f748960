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

from bisect import bisect_left, insort
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from close.ledger import first_posting_day
from close.money import ZERO, cents
from close.statements import BS_SECTIONS, EPOCH, PNL_TYPES, account_amounts
from skills.lib.percent import percent_change

CREDIT_NATURAL = ("liability", "equity", "revenue")

# The entries behind variances are summed and ranked in DuckDB, for all the variances of a
# kind in one query: at a million lines an account's year of entries is a hundred
# thousand rows, too many to bring into Python, and a scan of the journal per variance
# adds up. `$members` has one row per variance (its position) and account, with the
# variance's natural sign and direction (1 up, -1 down).
MEMBERS = """member AS (
  SELECT m.variance, m.account_id, m.sign, m.direction
  FROM (SELECT unnest($members) AS m) AS listed
)"""

# A balance has no comparison window (Periods.balance_windows), so nothing pairs: an
# entry's contribution is its sum over the variance's accounts, and only the
# `max_entries` largest in the variance's direction (ties on je_id, as _chosen) can be
# chosen. A year of a balance sheet account is a hundred thousand entries, too many to
# rank one by one, so they are first sized by powers of two (`bucket`): counting from the
# largest bucket down, the buckets reached before `max_entries` entries are counted hold
# every entry that can be chosen, and their smallest size (`cutoff`) is a floor no chosen
# entry is under (at least `max_entries` entries are as large). The floor is compared on
# the exact amounts, so the buckets' rounding can only let more entries through, never
# drop one; only those are ranked.
BALANCE_DRIVERS = "WITH " + MEMBERS + """, entry AS (
  SELECT m.variance, m.direction, j.je_id,
         m.sign * CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS amount
  FROM journal_lines j
  JOIN member m ON m.account_id = j.account_id
  WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $cur_start AND $cur_end
  GROUP BY m.variance, m.sign, m.direction, j.je_id
), fit AS (
  SELECT e.variance, e.je_id, e.amount, ABS(e.amount) AS size,
         CAST(FLOOR(LOG2(CAST(ABS(e.amount) AS DOUBLE) + 1)) AS INTEGER) AS bucket
  FROM entry e
  WHERE (e.amount > 0 AND e.direction > 0) OR (e.amount < 0 AND e.direction < 0)
), bucket AS (
  SELECT f.variance, f.bucket, COUNT(*) AS n, MIN(f.size) AS smallest
  FROM fit f
  GROUP BY f.variance, f.bucket
), reach AS (
  SELECT b.variance, b.n, b.smallest,
         SUM(b.n) OVER (PARTITION BY b.variance ORDER BY b.bucket DESC
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS at_least
  FROM bucket b
), cutoff AS (
  SELECT r.variance, MIN(r.smallest) AS size
  FROM reach r
  WHERE r.at_least - r.n < $max_entries
  GROUP BY r.variance
), ranked AS (
  SELECT f.variance, f.je_id, f.amount,
         ROW_NUMBER() OVER (PARTITION BY f.variance ORDER BY f.size DESC, f.je_id) AS n
  FROM fit f
  JOIN cutoff c ON c.variance = f.variance
  WHERE f.size >= c.size
)
SELECT r.variance, r.je_id, r.amount
FROM ranked r
WHERE r.n <= $max_entries
ORDER BY r.variance, r.n
"""

# Activity compares two windows. `entry` is one row per variance, account, entry and
# window, in the variance's natural sign. The rows that may pair with one of the other
# window (same account, source, counterparty and sign, in a group with entries in both
# windows) come back one by one ('line') for _net_recurring. Every other row counts in
# full, summed per entry over the variance's accounts ('total'): all of them for the
# entries that also have a pairing row, so Python can add the two parts; of the rest
# only the `max_entries` largest in the variance's direction, since no other can be among
# the entries chosen.
DRIVERS = "WITH " + MEMBERS + """, entry AS (
  SELECT m.variance, m.direction, j.account_id, j.je_id,
         CASE WHEN j.posting_date BETWEEN $cur_start AND $cur_end THEN 'cur' ELSE 'cmp' END AS side,
         MIN(j.source) AS source, MIN(j.counterparty) AS counterparty,
         m.sign * CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS amount
  FROM journal_lines j
  JOIN member m ON m.account_id = j.account_id
  WHERE j.entity_id = $entity_id
    AND (j.posting_date BETWEEN $cur_start AND $cur_end
         OR j.posting_date BETWEEN $cmp_start AND $cmp_end)
  GROUP BY m.variance, m.sign, m.direction, j.account_id, j.je_id,
           CASE WHEN j.posting_date BETWEEN $cur_start AND $cur_end THEN 'cur' ELSE 'cmp' END
), recurring AS (
  SELECT e.variance, e.account_id, e.source, e.counterparty, e.amount > 0 AS positive
  FROM entry e
  GROUP BY e.variance, e.account_id, e.source, e.counterparty, e.amount > 0
  HAVING MIN(e.side) <> MAX(e.side)
), keyed AS (
  SELECT e.variance, e.direction, e.account_id, e.je_id, e.side, e.source, e.counterparty,
         e.amount, r.variance IS NOT NULL AS pairs
  FROM entry e
  LEFT JOIN recurring r
    ON r.variance = e.variance AND r.account_id = e.account_id
   AND r.source IS NOT DISTINCT FROM e.source
   AND r.counterparty IS NOT DISTINCT FROM e.counterparty AND r.positive = (e.amount > 0)
), pairing AS (
  SELECT DISTINCT k.variance, k.je_id FROM keyed k WHERE k.pairs
), unpaired AS (
  SELECT k.variance, k.direction, k.je_id,
         SUM(CASE WHEN k.side = 'cur' THEN k.amount ELSE -k.amount END) AS amount
  FROM keyed k
  WHERE NOT k.pairs
  GROUP BY k.variance, k.direction, k.je_id
), candidate AS (
  SELECT u.variance, u.je_id, u.amount,
         ROW_NUMBER() OVER (PARTITION BY u.variance ORDER BY ABS(u.amount) DESC, u.je_id) AS n
  FROM unpaired u
  LEFT JOIN pairing p ON p.variance = u.variance AND p.je_id = u.je_id
  WHERE p.je_id IS NULL
    AND ((u.amount > 0 AND u.direction > 0) OR (u.amount < 0 AND u.direction < 0))
)
SELECT 'total' AS kind, c.variance, '' AS account_id, c.je_id, '' AS side, NULL AS source,
       NULL AS counterparty, c.amount
FROM candidate c
WHERE c.n <= $max_entries
UNION ALL
SELECT 'total', u.variance, '', u.je_id, '', NULL, NULL, u.amount
FROM unpaired u
JOIN pairing p ON p.variance = u.variance AND p.je_id = u.je_id
UNION ALL
SELECT 'line', k.variance, k.account_id, k.je_id, k.side, k.source, k.counterparty, k.amount
FROM keyed k
WHERE k.pairs
ORDER BY kind, variance, account_id, je_id, side
"""


def natural_sign(account_type: str | None) -> int:
    return -1 if account_type in CREDIT_NATURAL else 1


def above_thresholds(variance: Decimal, base: Decimal, amount: Decimal, pct: Decimal) -> bool:
    """At least `amount` and at least `pct` % of `base`, compared exactly (not on the
    rounded percentage); a change from zero is an infinite change."""
    if variance == ZERO or abs(variance) < amount:
        return False
    return base == ZERO or abs(variance) * 100 >= pct * abs(base)


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
        return percent_change(self.variance, self.comparison)

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


def books_begin(ctx) -> date | None:
    """The entity's first posting date: before it the books say nothing."""
    return first_posting_day(ctx)


def account_variances(ctx, periods: Periods) -> list[Variance]:
    windows = {"cur_act": periods.current, "cmp_act": periods.comparison,
               "cur_bal": (EPOCH, periods.current[1]), "cmp_bal": (EPOCH, periods.comparison[1])}
    out = []
    for acc in account_amounts(ctx, windows):
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


def group_by_line(ctx, accounts: list[Variance]) -> list[Variance]:
    """Statement-line variances: the account variances added up by accounts.statement_line."""
    rows = ctx.rows("SELECT account_id, statement_line FROM accounts ORDER BY account_id")
    line_of = {r["account_id"]: (r["statement_line"] or "Unmapped") for r in rows}
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


def drivers(con, entity_id: str, variances: list[Variance], periods: Periods,
            coverage: Decimal, max_entries: int) -> list[list[tuple[str, Decimal]]]:
    """Per variance (in the order given), the entries that explain `coverage` of it,
    largest first, in its natural sign. DuckDB sums and ranks the entries, one query for
    the balances and one for the activity (BALANCE_DRIVERS, DRIVERS); Python only pairs
    the recurring entries, a greedy pairing awkward in SQL."""
    contributions: list[dict[str, Decimal]] = [{} for _ in variances]
    balances = [i for i, v in enumerate(variances) if v.account_type in BS_SECTIONS]
    activity = [i for i, v in enumerate(variances) if v.account_type not in BS_SECTIONS]
    params = {"entity_id": entity_id, "max_entries": max_entries}
    if balances:
        (start, end), _ = periods.balance_windows
        rows = con.execute(BALANCE_DRIVERS, {**params, "members": _members(variances, balances),
                                             "cur_start": start, "cur_end": end})
        for i, je_id, amount in rows.fetchall():
            contributions[i][je_id] = amount
    if activity:
        (cur_start, cur_end), (cmp_start, cmp_end) = periods.current, periods.comparison
        rows = con.execute(DRIVERS, {**params, "members": _members(variances, activity),
                                     "cur_start": cur_start, "cur_end": cur_end,
                                     "cmp_start": cmp_start, "cmp_end": cmp_end})
        pairing: dict[tuple[int, str], list] = {}
        for kind, i, account_id, je_id, side, src, cp, amount in rows.fetchall():
            if kind == "total":
                contributions[i][je_id] = contributions[i].get(je_id, ZERO) + amount
            else:
                pairing.setdefault((i, account_id), []).append((je_id, side, src, cp, amount))
        for (i, _), rows_ in sorted(pairing.items()):
            for je_id, amount in _net_recurring(rows_):
                contributions[i][je_id] = contributions[i].get(je_id, ZERO) + amount
    return [_chosen(v, found, coverage, max_entries) for v, found in zip(variances, contributions)]


def _direction(variance: Variance) -> int:
    return 1 if variance.variance >= ZERO else -1


def _members(variances: list[Variance], positions: list[int]) -> list[dict]:
    """The $members rows: each listed variance's accounts, with its sign and direction."""
    return [{"variance": i, "account_id": account_id,
             "sign": natural_sign(variances[i].account_type), "direction": _direction(variances[i])}
            for i in positions for account_id in variances[i].accounts]


def _chosen(variance: Variance, contributions: dict[str, Decimal], coverage: Decimal,
            max_entries: int) -> list[tuple[str, Decimal]]:
    """Largest contribution first, in the variance's direction, until `coverage` of it."""
    direction = _direction(variance)
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


class _Waiting:
    """Unpaired current entries of one (source, counterparty, sign), by amount: the one
    closest to an amount is found by bisection, not by a scan of them all (a vendor with
    thousands of bills a month made the pairing quadratic). Ties go to the smaller entry
    id, of either neighbouring amount when both are as close."""

    def __init__(self):
        self.amounts: list[Decimal] = []          # distinct amounts waiting, ascending
        self.entries: dict[Decimal, list[str]] = {}   # amount -> entry ids, ascending

    def __bool__(self) -> bool:
        return bool(self.amounts)

    def add(self, amount: Decimal, je_id: str) -> None:
        if amount not in self.entries:
            insort(self.amounts, amount)
            self.entries[amount] = []
        insort(self.entries[amount], je_id)

    def take_closest(self, amount: Decimal) -> str:
        """Remove and return the entry whose amount is closest to `amount`."""
        at = bisect_left(self.amounts, amount)
        near = [self.amounts[i] for i in (at - 1, at) if 0 <= i < len(self.amounts)]
        best = min(abs(a - amount) for a in near)
        chosen = min((self.entries[a][0], a) for a in near if abs(a - amount) == best)[1]
        ids = self.entries[chosen]
        je_id = ids.pop(0)
        if not ids:
            del self.entries[chosen]
            self.amounts.pop(bisect_left(self.amounts, chosen))
        return je_id


def _net_recurring(rows) -> list[tuple[str, Decimal]]:
    """Contributions per entry after the recurring ones cancel.

    This month's rent bill and last month's are not what moved the account; the new bill
    beside them is. Each comparison-window entry is paired with the unpaired current
    entry of the same source and counterparty whose amount is closest (largest
    comparison entries first) and the pair counts once, as its difference, on the
    current entry. What is left unpaired counts in full (a current entry adds, a
    comparison entry subtracts). Current entries wait in lists by (source, counterparty,
    sign), so each comparison entry looks only at the ones it may pair with.
    """
    current = [(je, src, cp, amt) for je, side, src, cp, amt in rows if side == "cur"]
    earlier = sorted(((je, src, cp, amt) for je, side, src, cp, amt in rows if side == "cmp"),
                     key=lambda r: (-abs(r[3]), r[0]))
    out: dict[str, Decimal] = {c[0]: c[3] for c in current}
    waiting: dict[tuple, _Waiting] = {}
    for je, src, cp, amt in current:
        waiting.setdefault((src, cp, amt > ZERO), _Waiting()).add(amt, je)
    for je, src, cp, amt in earlier:
        candidates = waiting.get((src, cp, amt > ZERO))
        if not candidates:
            out[je] = out.get(je, ZERO) - amt
            continue
        out[candidates.take_closest(amt)] -= amt
    return sorted(out.items())
