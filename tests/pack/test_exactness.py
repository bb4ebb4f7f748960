"""Money goes from text to DECIMAL without ever passing through a float."""
import csv
import random
from decimal import Decimal

import duckdb

from close.pack import load_pack


def test_random_amounts_sum_exactly(good_pack, tmp_path):
    """Thousands of amounts, from a cent to 99,999,999,999.99, whose float sums would
    drift: the loaded totals equal Decimal sums of the CSV text. (Their column totals stay
    below close.pack.limits.AMOUNT_LIMIT; a larger amount is refused at load.)"""
    rng = random.Random(20260531)
    path = good_pack / "journal_lines.csv"
    with open(path, newline="") as fh:
        reader = csv.reader(fh)
        header, template = next(reader), next(reader)
    debit_at, credit_at, je_at, no_at = (header.index(c) for c in ("debit", "credit", "je_id", "line_no"))
    rows = []
    for n in range(6000):
        cents = rng.choice([1, 10, 99, rng.randrange(1, 10**6), rng.randrange(1, 10**13), 10**13 - 1])
        amount = f"{cents // 100}.{cents % 100:02d}"
        row = list(template)
        row[je_at], row[no_at] = f"JE-{n // 2}", str(n % 2 + 1)
        row[debit_at], row[credit_at] = (amount, "0.00") if n % 2 == 0 else ("0", amount[:-1] if amount.endswith("0") else amount)
        rows.append(row)
    with open(path, "w", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    load_pack(good_pack, tmp_path / "db.duckdb")
    debit = sum(Decimal(r[debit_at]) for r in rows)
    credit = sum(Decimal(r[credit_at]) for r in rows)
    assert Decimal(sum(float(r[debit_at]) for r in rows)) != debit  # a float path would be caught
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        assert con.execute("SELECT sum(debit), sum(credit) FROM journal_lines").fetchone() == (debit, credit)
        assert con.execute("SELECT max(debit) FROM journal_lines").fetchone()[0] == Decimal("99999999999.99")
