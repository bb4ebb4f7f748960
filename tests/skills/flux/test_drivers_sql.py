"""The driving entries, summed and ranked in DuckDB, are the ones the plain rule picks.

skills/flux/_variance.py finds a variance's drivers with two batched queries and pairs
only the recurring entries in Python. This holds it to the rule written out the plain way
(every entry of every account into Python, each comparison entry paired greedily with
the closest current one of the same source, counterparty and sign), on random books made
to be awkward: ties in amount, zero amounts, entries without a counterparty, entries on
several accounts of a line, entries with lines in both windows, and far more entries
than `max_entries` (down to one, where the balances' size floor
falls inside a run of tied amounts).
"""
from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from close.money import ZERO
from close.statements import BS_SECTIONS
from skills.flux._variance import Periods, Variance, drivers, natural_sign

PER_ACCOUNT = """
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


def plain_net_recurring(rows):
    current = [[je, src, cp, amt] for je, side, src, cp, amt in rows if side == "cur"]
    earlier = sorted(((je, src, cp, amt) for je, side, src, cp, amt in rows if side == "cmp"),
                     key=lambda r: (-abs(r[3]), r[0]))
    out = {c[0]: c[3] for c in current}
    paired = set()
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


def plain_drivers(con, entity_id, variance, periods, coverage, max_entries):
    if variance.account_type in BS_SECTIONS:
        cur, cmp_ = periods.balance_windows
    else:
        cur, cmp_ = periods.current, periods.comparison
    sign = natural_sign(variance.account_type)
    contributions = {}
    for account_id in variance.accounts:
        rows = con.execute(PER_ACCOUNT, {"entity_id": entity_id, "account_id": account_id,
                                         "cur_start": cur[0], "cur_end": cur[1],
                                         "cmp_start": cmp_[0], "cmp_end": cmp_[1]}).fetchall()
        rows = [(je, side, src, cp, sign * Decimal(amt)) for je, side, src, cp, amt in rows]
        for je_id, amount in plain_net_recurring(rows):
            contributions[je_id] = contributions.get(je_id, ZERO) + amount
    direction = 1 if variance.variance >= ZERO else -1
    ranked = sorted(((je, amt) for je, amt in contributions.items() if amt * direction > ZERO),
                    key=lambda item: (-abs(item[1]), item[0]))
    chosen, explained = [], ZERO
    for je_id, amount in ranked:
        if explained >= abs(variance.variance) * coverage or len(chosen) >= max_entries:
            break
        chosen.append((je_id, amount))
        explained += abs(amount)
    return chosen


ACCOUNTS = ("1100", "1200", "2000", "4000", "4100", "6000")
DAYS = (date(2025, 5, 14), date(2026, 4, 3), date(2026, 4, 20), date(2026, 5, 2),
        date(2026, 5, 19), date(2026, 5, 31), date(2026, 6, 2))


def random_books(seed: int):
    rng = random.Random(seed)
    con = duckdb.connect()
    con.execute("CREATE TABLE journal_lines (entity_id VARCHAR, je_id VARCHAR, line_no INTEGER, "
                "posting_date DATE, account_id VARCHAR, debit DECIMAL(18,2), "
                "credit DECIMAL(18,2), source VARCHAR, counterparty VARCHAR)")
    rows = []
    for n in range(400):
        je = f"JE-{rng.randrange(10_000):05d}-{n}"
        source = rng.choice(("ap", "ar", "manual"))
        counterparty = rng.choice(("C-1", "C-2", "V-1", None))
        for line_no in range(1, rng.choice((2, 2, 3, 4)) + 1):
            amount = Decimal(rng.choice((0, 50, 100, 100, 250, 999, 1000, 1000, 5000)))
            amount += Decimal(rng.choice((0, 0, 1, 37))) / 100
            debit, credit = (amount, ZERO) if rng.random() < 0.5 else (ZERO, amount)
            day = rng.choice(DAYS) if line_no == 1 or rng.random() < 0.2 else rows[-1][3]
            rows.append(("E1", je, line_no, day, rng.choice(ACCOUNTS), debit, credit, source,
                         counterparty))
    con.executemany("INSERT INTO journal_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return con


def variances(rng):
    """Account and line variances of every kind, up and down."""
    out = []
    for account_type, accounts in (("asset", ["1100"]), ("asset", ["1100", "1200"]),
                                   ("liability", ["2000"]), ("revenue", ["4000"]),
                                   ("revenue", ["4000", "4100"]), ("expense", ["6000"]),
                                   ("expense", ["6000", "4100", "1200"])):
        for up in (True, False):
            current, comparison = (Decimal(rng.randrange(1, 90_000)) for _ in range(2))
            if up != (current >= comparison):
                current, comparison = comparison, current
            out.append(Variance("+".join(accounts), "v", "section", account_type,
                                 current, comparison, list(accounts)))
    return out


PERIODS = Periods((date(2026, 5, 1), date(2026, 5, 31)), (date(2026, 4, 1), date(2026, 4, 30)))
YEAR = Periods((date(2026, 5, 1), date(2026, 5, 31)), (date(2025, 5, 1), date(2025, 5, 31)))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("periods", [PERIODS, YEAR], ids=["month", "year"])
@pytest.mark.parametrize("coverage, max_entries",
                         [(Decimal("0.8"), 3), (Decimal("5"), 40), (Decimal("5"), 1)])
def test_batched_drivers_are_the_plain_rule(seed, periods, coverage, max_entries):
    con = random_books(seed)
    wanted = variances(random.Random(seed))
    found = drivers(con, "E1", wanted, periods, coverage, max_entries)
    assert found == [plain_drivers(con, "E1", v, periods, coverage, max_entries) for v in wanted]


def test_no_variances_no_query():
    assert drivers(duckdb.connect(), "E1", [], PERIODS, Decimal("0.8"), 10) == []


@pytest.mark.parametrize("seed", range(30))
def test_recurring_pairing_by_bisection_is_the_plain_closest_amount_pairing(seed):
    """Many entries of one vendor, equal amounts and amounts equally far on either side:
    the bisection picks what a scan of every candidate picks."""
    from skills.flux._variance import _net_recurring

    rng = random.Random(seed)
    rows = []
    for n in range(rng.randint(0, 60)):
        amount = Decimal(rng.choice([-1, 1]) * rng.choice([100, 110, 120, 90, 105, 95, 1000])) / 10
        rows.append((f"JE{rng.randint(0, 40):03d}-{n}", rng.choice(["cur", "cmp"]),
                     rng.choice(["AP", "AR"]), rng.choice(["V1", "V2", None]), amount))
    assert _net_recurring(rows) == plain_net_recurring(rows)
