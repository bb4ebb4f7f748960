"""A large, structurally valid ledger pack for load benchmarks, written by DuckDB.

The reference tables come from tests/pack/good_pack (three entities, seventeen
accounts, a customer and two vendors); journal_lines.csv is generated row by row in
SQL, so ten million lines take seconds rather than minutes of Python. Entries are
balanced four-line journals with both money sides, offsets in timestamps,
counterparties and document refs, so every check has real work to do.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb

GOOD_PACK = Path(__file__).resolve().parent.parent / "tests" / "pack" / "good_pack"
KEEP = ("pack.toml", "entities.csv", "accounts.csv", "fx_rates.csv", "customers.csv", "vendors.csv")

JOURNAL_SQL = """
COPY (
  WITH n AS (SELECT i, i // 4 AS je, i % 4 AS k FROM range($lines) t(i)),
  c AS (SELECT *, (je * 7919) % 9999991 + 100 AS cents FROM n),
  a AS (SELECT *, CAST(cents // 100 AS VARCHAR) || '.' || lpad(CAST(cents % 100 AS VARCHAR), 2, '0') AS amt FROM c)
  SELECT
    ['US01', 'UK01', 'DE01'][je % 3 + 1] AS entity_id,
    'JE-' || lpad(CAST(je AS VARCHAR), 9, '0') AS je_id,
    k + 1 AS line_no,
    strftime(DATE '2025-01-01' + CAST(je % 517 AS INTEGER), '%Y-%m-%d') AS posting_date,
    CASE WHEN je % 5 = 0 THEN NULL ELSE strftime(DATE '2025-01-01' + CAST(je % 517 AS INTEGER), '%Y-%m-%d') END AS document_date,
    ['1100', '4000', '6000', '2000'][k + 1] AS account_id,
    CASE WHEN k IN (0, 2) THEN amt ELSE '0.00' END AS debit,
    CASE WHEN k IN (1, 3) THEN amt ELSE '0.00' END AS credit,
    CASE WHEN je % 7 = 0 THEN 'EUR' END AS currency,
    CASE WHEN je % 7 = 0 THEN CASE WHEN k IN (0, 2) THEN amt ELSE '-' || amt END END AS amount_txn,
    'Entry ' || je || ' line ' || (k + 1) AS description,
    ['manual', 'ar', 'ap', 'payroll', 'bank', 'fixed_assets', 'tax', 'system'][je % 8 + 1] AS source,
    'user' || (je % 40) AS preparer,
    CASE WHEN je % 3 = 0 THEN 'approver' || (je % 9) END AS approver,
    ['C001', 'V001', 'V002', NULL, 'US01'][je % 5 + 1] AS counterparty,
    ['sales', 'ops', NULL][je % 3 + 1] AS department,
    strftime(TIMESTAMP '2025-01-01 08:00:00' + to_seconds(CAST(je % 44668800 AS BIGINT)), '%Y-%m-%dT%H:%M:%S')
      || ['Z', '+02:00', '-05:00'][je % 3 + 1] AS created_at,
    CASE WHEN je % 8 = 1 THEN 'ar_invoices:INV-' || je END AS doc_ref
  FROM a
) TO '{out}' (FORMAT {fmt}{options})
"""


def write_pack(dest: Path, lines: int, fmt: str = "csv") -> Path:
    """Write a pack with `lines` journal lines (a multiple of 4) into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in KEEP:
        shutil.copy(GOOD_PACK / name, dest / name)
    out = dest / f"journal_lines.{fmt}"
    options = ", HEADER true" if fmt == "csv" else ""
    with duckdb.connect() as con:
        con.execute("SET preserve_insertion_order = true")
        con.execute(JOURNAL_SQL.format(out=str(out).replace("'", "''"), fmt=fmt, options=options),
                    {"lines": lines})
    return dest


if __name__ == "__main__":
    write_pack(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "csv")
