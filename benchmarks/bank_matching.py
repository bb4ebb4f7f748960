"""Benchmark: recon.bank's matching, a million bank lines against a million book lines.

    python benchmarks/bank_matching.py                       # 1M x 1M, median of 3 runs
    python benchmarks/bank_matching.py --lines 200000 --check
    python benchmarks/bank_matching.py --window-days 7 --max-group 4

The books are made up (seeded, so every run builds the same ones) to look like a busy
operating account over two years:
- 55% of the bank lines echo a reference the book line carries (INV-/PAY- numbers in the
  description, ar_receipts:/ap_payments: document refs): pass 1;
- 43.5% carry none and clear within -2..+4 days of the posting; a fifth of those use one of
  300 recurring amounts (rent, fees, payroll), so lines contend for the same book lines
  and form chains across nearby days: pass 2, the in-order picking at its hardest;
- 1% are deposits of two or three receipts of one customer: pass 3;
- 0.5% are bank fees not in the books, and 0.5% more book lines are not yet on the
  statement: what a reconciliation reports.
They are loaded straight into the matching's scratch tables (bank_match_bank,
bank_match_book, as recon.bank fills them from a pack) and `match_loaded` is timed alone:
candidates, rounds, residue, leftovers and pass 3. `--check` also runs the in-order loop
the set-based passes replace (tests/skills/recon/bank_matching_reference.py) on the same
lines and fails unless both give the same counts and the same leftovers.

Target (2-core machine): 1M x 1M in <= 10 s. A script, not a timed test: the figures
depend on the machine, so it prints the machine and its load beside them, and the CPU
time beside the wall time (on a shared machine the wall time follows the load).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_pack import cpu_model  # noqa: E402
from skills.recon.bank_matching import drop_scratch, match_loaded  # noqa: E402

FIRST_DAY = np.datetime64("2024-06-01")
DAYS = 730
RECURRING = 300


def books(lines: int, seed: int) -> tuple[pa.Table, pa.Table]:
    """(bank, book) as Arrow tables; amounts in cents (int64), made DECIMAL when loaded."""
    rng = np.random.default_rng(seed)
    n_ref, n_amt = int(lines * 0.55), int(lines * 0.435)
    n_group, n_fee = int(lines * 0.01), int(lines * 0.005)
    n_transit = int(lines * 0.005)

    # Pass 1: referenced receipts (positive) and payments (negative).
    ref_day = rng.integers(0, DAYS - 5, n_ref)
    ref_cents = rng.integers(1_000, 5_000_000, n_ref) * rng.choice([1, -1], n_ref, p=[0.6, 0.4])
    ref_party = rng.integers(0, 2_000, n_ref)
    # Pass 2: no reference; a fifth on recurring amounts.
    amt_day = rng.integers(2, DAYS - 5, n_amt)
    recurring = rng.integers(2_500, 900_000, RECURRING) * rng.choice([1, -1], RECURRING)
    amt_cents = np.where(rng.random(n_amt) < 0.2, recurring[rng.integers(0, RECURRING, n_amt)],
                         rng.integers(100, 2_000_000, n_amt) * rng.choice([1, -1], n_amt, p=[0.5, 0.5]))
    # Pass 3: deposits of two or three receipts of one customer, banked a day or two later.
    group_size = rng.integers(2, 4, n_group)
    group_day = rng.integers(3, DAYS - 5, n_group)
    group_party = rng.integers(0, 2_000, n_group)
    part_of = np.repeat(np.arange(n_group), group_size)
    part_cents = rng.integers(5_000, 2_000_000, len(part_of))
    part_day = group_day[part_of] - rng.integers(1, 3, len(part_of))
    group_cents = np.bincount(part_of, weights=part_cents, minlength=n_group).astype(np.int64)
    # Unrecorded fees and deposits in transit.
    fee_day = rng.integers(0, DAYS, n_fee)
    fee_cents = -rng.integers(50, 5_000, n_fee)
    transit_day = rng.integers(DAYS - 20, DAYS, n_transit)
    transit_cents = rng.integers(1_000, 900_000, n_transit)

    receipt = ref_cents > 0
    keys = np.arange(n_ref)
    bank_refs = [f"INV-{k:07d}" if r else f"PAY-{k:07d}" for k, r in zip(keys.tolist(), receipt.tolist())]
    ref_desc = [f"Receipt RCT-{k:07d} INV-{k:07d} Customer C{p:04d}" if r
                else f"Payment PAY-{k:07d} BILL-{k:07d} Vendor V{p:04d}"
                for k, r, p in zip(keys.tolist(), receipt.tolist(), ref_party.tolist())]
    ref_docs = [f"ar_receipts:RCT-{k:07d}" if r else f"ap_payments:PAY-{k:07d}"
                for k, r in zip(keys.tolist(), receipt.tolist())]

    bank_day = np.concatenate([ref_day + rng.integers(0, 4, n_ref),
                               amt_day + rng.integers(-2, 5, n_amt), group_day, fee_day])
    bank_cents = np.concatenate([ref_cents, amt_cents, group_cents, fee_cents])
    n_bank = len(bank_cents)
    bank = pa.table({
        "txn_id": [f"BT-{i:08d}" for i in range(n_bank)],
        "booking_date": pa.array(FIRST_DAY + bank_day.astype("timedelta64[D]"), pa.date32()),
        "amount_cents": bank_cents,
        "reference": bank_refs + [None] * (n_bank - n_ref),
        "description": (["ACH"] * n_ref + ["CHEQUE DEPOSIT"] * n_amt + ["DEPOSIT"] * n_group
                        + ["BANK CHARGES"] * n_fee),
    })

    book_day = np.concatenate([ref_day, amt_day, part_day, transit_day])
    book_cents = np.concatenate([ref_cents, amt_cents, part_cents, transit_cents])
    n_book = len(book_cents)
    parties = ([f"CUS-{p:04d}" for p in ref_party.tolist()] + [None] * n_amt
               + [f"CUS-{p:04d}" for p in group_party[part_of].tolist()] + [None] * n_transit)
    book = pa.table({
        "je_id": [f"JE-{i:08d}" for i in range(n_book)],
        "line_no": pa.array(np.ones(n_book, dtype=np.int32)),
        "posting_date": pa.array(FIRST_DAY + book_day.astype("timedelta64[D]"), pa.date32()),
        "amount_cents": book_cents,
        "description": ref_desc + ["Cash receipt"] * n_amt + ["Receipt"] * len(part_of) + ["Receipt"] * n_transit,
        "doc_ref": ref_docs + [None] * (n_amt + len(part_of) + n_transit),
        "counterparty": parties,
    })
    return bank, book


LOAD_BANK = """
CREATE OR REPLACE TEMP TABLE bank_match_bank AS
SELECT row_number() OVER (ORDER BY booking_date, txn_id) AS bank_ord, txn_id, booking_date,
       CAST(amount_cents * 0.01 AS DECIMAL(18,2)) AS amount, reference, description
FROM generated_bank
"""
LOAD_BOOK = """
CREATE OR REPLACE TEMP TABLE bank_match_book AS
SELECT row_number() OVER (ORDER BY posting_date, je_id, line_no) AS book_ord, je_id, line_no,
       posting_date, CAST(amount_cents * 0.01 AS DECIMAL(18,4)) AS amount, description,
       doc_ref, counterparty
FROM generated_book
"""


def load(con, bank: pa.Table, book: pa.Table) -> None:
    con.register("generated_bank", bank)
    con.register("generated_book", book)
    con.execute(LOAD_BANK)
    con.execute(LOAD_BOOK)
    con.unregister("generated_bank")
    con.unregister("generated_book")


def check(con, found, window_days: int, max_group: int) -> None:
    """The in-order loop on the same lines: same counts, same leftovers, or exit 1."""
    sys.path.insert(0, str(ROOT / "tests" / "skills" / "recon"))
    from bank_matching_reference import reference_match
    from skills.recon.bank_matching import BankItem, BookItem

    bank = [BankItem(r[0], r[1], r[2], r[3], r[4] or "") for r in con.execute(
        "SELECT txn_id, booking_date, amount, reference, description FROM bank_match_bank").fetchall()]
    book = [BookItem(r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6]) for r in con.execute(
        "SELECT je_id, line_no, posting_date, amount, description, doc_ref, counterparty "
        "FROM bank_match_book").fetchall()]
    started = time.perf_counter()
    expected = reference_match(bank, book, window_days, max_group)
    print(f"in-order loop (reference): {time.perf_counter() - started:.1f} s")
    ours = (found.counts, [b.txn_id for b in found.unmatched_bank],
            [(b.je_id, b.line_no) for b in found.unmatched_book])
    theirs = ({m: n for m, n in expected.counts.items() if n or m == "one_to_many"},
              [b.txn_id for b in expected.unmatched_bank],
              [(b.je_id, b.line_no) for b in expected.unmatched_book])
    if ours != theirs:
        print(f"MISMATCH: set-based {ours[0]}, in-order {theirs[0]}")
        raise SystemExit(1)
    print("check: same counts and leftovers as the in-order loop")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="about this many bank lines, and book lines")
    parser.add_argument("--seed", type=int, default=20260531)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--window-days", type=int, default=5)
    parser.add_argument("--max-group", type=int, default=5)
    parser.add_argument("--check", action="store_true", help="compare with the in-order loop (slow)")
    args = parser.parse_args()

    started = time.perf_counter()
    bank, book = books(args.lines, args.seed)
    con = duckdb.connect(":memory:")
    load(con, bank, book)
    print(f"built {bank.num_rows:,} bank lines and {book.num_rows:,} book lines "
          f"(seed {args.seed}) in {time.perf_counter() - started:.1f} s")

    times, cpu, found = [], [], None
    for run in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        found = match_loaded(con, args.window_days, args.max_group)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        print(f"run {run + 1}: {times[-1]:.2f} s wall, {cpu[-1]:.2f} s CPU (all threads)")
    counts = ", ".join(f"{m} {found.count(m):,}" for m in ("reference", "amount_date", "one_to_many"))
    print(f"matched: {counts}; unmatched: {len(found.unmatched_bank):,} bank, "
          f"{len(found.unmatched_book):,} book")
    print(f"median of {args.runs}: {statistics.median(times):.2f} s wall, {statistics.median(cpu):.2f} s CPU "
          f"(target <= 10 s wall at 1M x 1M)")
    print(f"machine: nproc {len(os.sched_getaffinity(0))}, {cpu_model()}, "
          f"load average {os.getloadavg()[0]:.2f}, duckdb {duckdb.__version__}")
    if args.check:
        check(con, found, args.window_days, args.max_group)
    drop_scratch(con)


if __name__ == "__main__":
    main()
