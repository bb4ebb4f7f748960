"""A good pack loads into typed tables whose keys are unique, exactly, atomically and repeatably."""
import csv
import datetime as dt
import hashlib
from decimal import Decimal

import duckdb
import pytest

from close.pack import PackError, load_pack
from close.pack.schema import DUCKDB_TYPES, TABLES, TABLES_BY_NAME

from .packs import GOOD_PACK, build_bad_pack
from .tables import table_rows


@pytest.fixture
def loaded(tmp_path):
    db = tmp_path / "ledger.duckdb"
    info = load_pack(GOOD_PACK, db)
    con = duckdb.connect(str(db), read_only=True)
    yield con, info
    con.close()


def test_pack_info(loaded):
    _, info = loaded
    assert (info.name, info.reporting_currency, info.fiscal_year_start_month) == ("Tiny Group", "USD", 1)
    assert info.materiality == Decimal("1000.00") and isinstance(info.materiality, Decimal)
    assert info.tables == frozenset(t.name for t in TABLES)
    assert info.path == GOOD_PACK.resolve()
    assert len(info.sha256) == 64


def test_every_column_has_its_schema_type(loaded):
    con, _ = loaded
    for spec in TABLES:
        described = {r[0]: (r[1], r[2]) for r in con.execute(f'DESCRIBE "{spec.name}"').fetchall()}
        assert list(described) == list(spec.column_names)
        for col in spec.columns:
            typ, nullable = described[col.name]
            assert typ == DUCKDB_TYPES[col.kind], (spec.name, col.name)
            assert nullable == ("YES" if not col.required else "NO"), (spec.name, col.name)


@pytest.mark.parametrize("table", ["journal_lines", "accounts", "fx_rates", "budget"])
def test_a_repeated_key_is_refused_and_both_lines_named(table, good_pack, tmp_path):
    """The database keeps no key index (close.pack.build): the load's own check refuses
    a row that repeats another's key (one column, several, a part that may be blank) and
    names both lines."""
    path = good_pack / f"{table}.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines) + lines[1])
    db = tmp_path / "out" / "ledger.duckdb"
    with pytest.raises(PackError) as err:
        load_pack(good_pack, db)
    repeats = [p for p in err.value.problems if p.file == path.name and p.message.startswith("repeats the key")]
    assert [(p.line, p.message) for p in repeats] == [(len(lines) + 1, "repeats the key of line 2")]
    assert not db.exists()


def test_the_load_finds_a_repeated_key_in_every_table_whose_key_is_required(tmp_path):
    """repeats_a_key, the one-pass load's check, on each loaded table of the good pack:
    false as loaded, true once any row is there twice."""
    from close.pack.fastload import repeats_a_key

    db = tmp_path / "ledger.duckdb"
    load_pack(GOOD_PACK, db)
    keyed = [spec for spec in TABLES if spec.key and all(spec.column(k).required for k in spec.key)]
    with duckdb.connect(str(db)) as con:
        loaded = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        keyed = [spec for spec in keyed if spec.name in loaded]
        assert len(keyed) >= 20
        for spec in keyed:
            assert not repeats_a_key(con, spec), spec.name
            con.execute(f'INSERT INTO "{spec.name}" SELECT * FROM "{spec.name}" LIMIT 1')
            assert repeats_a_key(con, spec), spec.name


def test_a_key_repeated_in_another_spelling_is_refused(good_pack, tmp_path):
    """Keys compare as loaded values: line_no 01 is line 1 of its entry."""
    path = good_pack / "journal_lines.csv"
    lines = path.read_text().splitlines(keepends=True)
    header = lines[0].rstrip("\r\n").split(",")
    first = lines[1].split(",")
    first[header.index("line_no")] = "0" + first[header.index("line_no")]
    path.write_text("".join(lines) + ",".join(first))
    with pytest.raises(PackError) as err:
        load_pack(good_pack, tmp_path / "ledger.duckdb")
    assert any(p.file == path.name and p.message == "repeats the key of line 2" for p in err.value.problems)


def test_the_database_keeps_no_key_index(loaded):
    con, _ = loaded
    assert con.execute("SELECT count(*) FROM duckdb_indexes()").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM duckdb_constraints() "
                       "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE')").fetchone()[0] == 0


def test_the_journal_loads_alike_beside_the_other_tables_or_after_them(tmp_path, monkeypatch):
    """Loaded beside the others (a journal up to BESIDE_UP_TO_BYTES) or in turn (a larger
    one), every table holds the same rows in the same order."""
    from close.pack import fastload

    def contents(db):
        with duckdb.connect(str(db), read_only=True) as con:
            return {spec.name: con.execute(f'SELECT * FROM "{spec.name}"').fetchall()
                    for spec in TABLES}

    load_pack(GOOD_PACK, tmp_path / "beside.duckdb")
    monkeypatch.setattr(fastload, "BESIDE_UP_TO_BYTES", 0)
    load_pack(GOOD_PACK, tmp_path / "in_turn.duckdb")
    beside = contents(tmp_path / "beside.duckdb")
    assert beside == contents(tmp_path / "in_turn.duckdb")
    assert len(beside["journal_lines"]) == 8


def test_timestamps_are_utc_whatever_the_machine_s_time_zone(tmp_path):
    """The journal loads on a cursor of its own (close.pack.fastload), a session that
    starts in the machine's time zone: the load sets UTC on it, so an offset timestamp
    becomes the same UTC time on a machine in New York as in London."""
    import os
    import subprocess
    import sys

    db = tmp_path / "ledger.duckdb"
    script = ("import sys; from close.pack import load_pack; "
              "load_pack(sys.argv[1], sys.argv[2])")
    subprocess.run([sys.executable, "-c", script, str(GOOD_PACK), str(db)], check=True,
                   env={**os.environ, "TZ": "America/New_York"})
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT created_at FROM journal_lines WHERE je_id = 'JE-0002' AND line_no = 1"
                           ).fetchone()[0] == dt.datetime(2026, 5, 3, 8, 15, 30)


def test_typed_values(loaded):
    con, _ = loaded
    row = con.execute(
        "SELECT posting_date, document_date, debit, credit, amount_txn, created_at, doc_ref "
        "FROM journal_lines WHERE je_id = 'JE-0003' AND line_no = 1").fetchone()
    assert row == (dt.date(2026, 5, 10), None, Decimal("99.99"), Decimal("0.00"), Decimal("115.20"),
                   dt.datetime(2026, 5, 10, 13, 0, 0, 123456), "ap_bills:BILL-1")
    # +02:00 becomes UTC
    assert con.execute("SELECT created_at FROM journal_lines WHERE je_id = 'JE-0002' AND line_no = 1"
                       ).fetchone()[0] == dt.datetime(2026, 5, 3, 8, 15, 30)
    assert con.execute("SELECT rate FROM fx_rates WHERE rate_type = 'closing' AND from_currency = 'GBP'"
                       ).fetchone()[0] == Decimal("1.2712345678")
    assert con.execute("SELECT active FROM accounts WHERE account_id = '6100'").fetchone()[0] is False
    assert con.execute("SELECT ownership_pct FROM entities WHERE entity_id = 'DE01'").fetchone()[0] == Decimal("80.5")
    assert con.execute("SELECT useful_life_months FROM fixed_assets").fetchone()[0] == 36


def test_totals_are_exact(loaded):
    """Debit and credit totals equal the sums of the CSV text, computed with Decimal."""
    con, _ = loaded
    with open(GOOD_PACK / "journal_lines.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    debit = sum(Decimal(r["debit"]) for r in rows)
    credit = sum(Decimal(r["credit"]) for r in rows)
    assert con.execute("SELECT sum(debit), sum(credit) FROM journal_lines").fetchone() == (debit, credit)
    assert debit == Decimal("11334.56")


def test_metadata_row(loaded):
    con, info = loaded
    assert con.execute("SELECT name, reporting_currency, materiality, sha256, source_format FROM _pack").fetchall() == [
        ("Tiny Group", "USD", Decimal("1000.00"), info.sha256, "folder")]


def test_loading_twice_gives_the_same_content(tmp_path):
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert load_pack(GOOD_PACK, first) == load_pack(GOOD_PACK, second)
    assert table_rows(first) == table_rows(second)
    load_pack(GOOD_PACK, first)  # over an existing database
    assert table_rows(first) == table_rows(second)


def test_failed_load_leaves_the_previous_database_untouched(tmp_path):
    db = tmp_path / "ledger.duckdb"
    load_pack(GOOD_PACK, db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    rows = table_rows(db)
    with pytest.raises(PackError):
        load_pack(build_bad_pack("unknown_account", tmp_path / "bad"), db)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert table_rows(db) == rows
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "ledger.duckdb"]


def test_absent_optional_tables_are_not_created(good_pack, tmp_path):
    for name in ("payroll", "leases", "customers", "deferred_revenue", "ar_invoices", "ar_receipts"):
        (good_pack / f"{name}.csv").unlink()
    # the journal's counterparty C001 was a customer: make it a vendor's id
    journal = good_pack / "journal_lines.csv"
    journal.write_text(journal.read_text().replace(",C001,", ",V001,"))
    info = load_pack(good_pack, tmp_path / "db.duckdb")
    assert "payroll" not in info.tables and "journal_lines" in info.tables
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "payroll" not in names and "customers" not in names and "vendors" in names


def test_optional_columns_exist_when_absent(good_pack, tmp_path):
    for name, column in (("journal_lines", "doc_ref"), ("budget", "department")):
        path = good_pack / f"{name}.csv"
        with open(path, newline="") as fh:
            rows = list(csv.DictReader(fh))
        keep = [c for c in TABLES_BY_NAME[name].column_names if c != column]
        with open(path, "w", newline="") as fh:
            writer = csv.DictWriter(fh, keep, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    load_pack(good_pack, tmp_path / "db.duckdb")
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*), count(doc_ref) FROM journal_lines").fetchone() == (8, 0)
        assert con.execute("SELECT count(*), count(department) FROM budget").fetchone() == (2, 0)


def test_extra_columns_are_ignored(good_pack, tmp_path):
    path = good_pack / "vendors.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + ",notes"] + [l + ",anything" for l in lines[1:]]) + "\n")
    load_pack(good_pack, tmp_path / "db.duckdb")
    with duckdb.connect(str(tmp_path / "db.duckdb"), read_only=True) as con:
        assert [r[0] for r in con.execute("DESCRIBE vendors").fetchall()] == list(TABLES_BY_NAME["vendors"].column_names)


def test_one_read_gives_the_packs_digest_and_each_files(tmp_path):
    """open_pack digests every file in the read that checks the pack: the pack's sha256
    is the framed stream it always was, each file's is hashlib's of its bytes."""
    from close.pack import open_pack
    from close.pack.sources import locate

    files = sorted(locate(GOOD_PACK).content_files, key=lambda p: p.name)
    stream = hashlib.sha256()
    for f in files:
        stream.update(f.name.encode() + b"\0" + str(f.stat().st_size).encode() + b"\0" + f.read_bytes())
    con, info = open_pack(GOOD_PACK, tmp_path / "ws")
    con.close()
    assert info.sha256 == stream.hexdigest()
    assert [(d.name, d.sha256, d.size) for d in info.files] == [
        (f.name, hashlib.sha256(f.read_bytes()).hexdigest(), f.stat().st_size) for f in files]
    # a warm reopen reads the same digests
    con, again = open_pack(GOOD_PACK, tmp_path / "ws")
    con.close()
    assert again.files == info.files and again.sha256 == info.sha256


def test_a_close_queries_under_the_loads_memory_limit(tmp_path, monkeypatch):
    """Left to DuckDB's default (80% of the machine) a 10M-line close held 2.2 GB."""
    import close.pack.database as database
    from close.pack import open_pack

    monkeypatch.setattr(database, "MEMORY_LIMIT", "300MB")
    con, _ = open_pack(GOOD_PACK, tmp_path / "ws")
    try:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        assert limit.endswith("MiB") and 250 < float(limit.split()[0]) < 300, limit
        assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "UTC"
    finally:
        con.close()


def test_a_csv_pack_loads_without_the_workbook_reader(tmp_path):
    """openpyxl reads .xlsx packs only: loading a folder of CSV files does not import it
    (a fifth of a second of every cold close)."""
    import subprocess
    import sys
    from pathlib import Path

    script = ("import sys; from close.pack import load_pack; "
              f"load_pack({str(GOOD_PACK)!r}, {str(tmp_path / 'ledger.duckdb')!r}); "
              "print('openpyxl' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout.strip()
    assert out == "False"
