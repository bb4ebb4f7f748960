"""The generator is deterministic, scales, and its own totals match what it wrote."""
from __future__ import annotations

from decimal import Decimal

from fixtures.generate import generate

from .conftest import SMALL_SCALE


def test_same_seed_gives_byte_identical_files(small_pack, tmp_path):
    first, _ = small_pack
    generate(tmp_path, scale=SMALL_SCALE)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    different = [n for n in names if (first / n).read_bytes() != (tmp_path / n).read_bytes()]
    assert not different


def test_another_seed_gives_other_books(small_pack, tmp_path):
    first, _ = small_pack
    generate(tmp_path, seed=7, scale=SMALL_SCALE)
    assert (first / "journal_lines.csv").read_bytes() != (tmp_path / "journal_lines.csv").read_bytes()


def test_line_count_grows_with_scale(small_pack, tmp_path):
    _, small = small_pack
    bigger = generate(tmp_path, scale=SMALL_SCALE * 4)
    assert bigger["lines"] > small["lines"] * 1.6


def test_returned_totals_equal_the_csv_to_the_cent(small_pack, small_db):
    _, totals = small_pack
    con = small_db
    rows = con.execute("""
        SELECT entity_id, SUM(CAST(debit AS DECIMAL(18,2))), SUM(CAST(credit AS DECIMAL(18,2))), COUNT(*)
        FROM journal_lines GROUP BY entity_id ORDER BY entity_id""").fetchall()
    assert {r[0]: {"debit": str(r[1]), "credit": str(r[2])} for r in rows} == totals["entities"]
    assert sum(r[3] for r in rows) == totals["lines"]
    assert all(Decimal(v["debit"]) > 0 for v in totals["entities"].values())


def test_money_is_written_with_two_decimals(small_db):
    con = small_db
    bad = con.execute(r"""
        SELECT count(*) FROM journal_lines
        WHERE NOT regexp_full_match(debit, '\d+\.\d\d') OR NOT regexp_full_match(credit, '\d+\.\d\d')
           OR (amount_txn IS NOT NULL AND NOT regexp_full_match(amount_txn, '-?\d+\.\d\d'))""").fetchone()[0]
    assert bad == 0


def test_parquet_holds_the_same_rows_as_csv(tmp_path):
    import duckdb

    generate(tmp_path / "csv", scale=0.02)
    generate(tmp_path / "pq", scale=0.02, fmt="parquet")
    con = duckdb.connect()
    for table in ("journal_lines", "budget", "ar_invoices"):
        csv_rows = con.execute("SELECT * FROM read_csv($p, all_varchar=true) ORDER BY ALL",
                               {"p": str(tmp_path / "csv" / f"{table}.csv")}).fetchall()
        pq_rows = con.execute("SELECT * FROM read_parquet($p) ORDER BY ALL",
                              {"p": str(tmp_path / "pq" / f"{table}.parquet")}).fetchall()
        assert csv_rows == pq_rows, table
