"""close.toml [spark.tables]: a table the lakehouse holds, read by Spark in place of the
pack's copy, only once it is proved to hold the pack's rows (close.engines.lakehouse)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from close.config import Config, ConfigError
from close.engines.lakehouse import (IDENTIFIER, LakehouseError, attach, check_same_rows,
                                     duckdb_digest, spark_digest, spark_tables)
from tests.engines.conftest import spark_missing

PACK_TABLES = frozenset({"journal_lines", "accounts", "bank_transactions"})
needs_spark = pytest.mark.skipif(spark_missing() is not None, reason=spark_missing() or "")


def config(text: str) -> Config:
    import tomllib

    return Config(tomllib.loads(text), Path("/books/close.toml"))


# --- close.toml -----------------------------------------------------------------------

def test_tables_named_in_close_toml():
    got = spark_tables(config('[spark.tables]\njournal_lines = "lake.finance.journal_lines"\n'
                              'bank_transactions = " parquet.`/lake/bank 2026/` "\n'), PACK_TABLES)
    assert got == {"journal_lines": "lake.finance.journal_lines",
                   "bank_transactions": "parquet.`/lake/bank 2026/`"}
    assert spark_tables(config(""), PACK_TABLES) == {}


@pytest.mark.parametrize("text, said", [
    ('[spark.tables]\njournal = "lake.jl"', "names 'journal', which the pack does not have"),
    ('[spark.tables]\njournal_lines = 7', "is not a table name Spark reads"),
    ('[spark]\ntables = "lake.jl"', "[spark] tables must be a table"),
    ('[spark]\nmaster = "local[4]"', "[spark] has no setting 'master'"),
    ('spark = 3', "[spark] must be a table"),
])
def test_a_bad_section_is_refused_naming_close_toml(text, said):
    with pytest.raises(ConfigError) as refused:
        spark_tables(config(text), PACK_TABLES)
    assert said in str(refused.value) and "close.toml" in str(refused.value)


@pytest.mark.parametrize("name", [
    "jl", "lake.jl", "cat.db.jl", "spark_catalog.finance.gl.jl", "parquet.`/lake/jl`",
    "delta.`s3://bucket/gl lines`", "`odd name`.jl"])
def test_table_names_spark_reads(name):
    assert IDENTIFIER.fullmatch(name)


@pytest.mark.parametrize("name", [
    "jl; DROP TABLE accounts", "jl -- comment", "jl WHERE 1=1", "(SELECT 1)", "a.b.c.d.e",
    "parquet.`/a`b`", "lake..jl", ".jl", "jl.", "`", "``", "jl\n", "1jl", "x'y",
    "parquet.`/a\x00`"])
def test_anything_else_never_reaches_the_sql(name):
    assert not IDENTIFIER.fullmatch(name)


def test_differences_are_named_by_entity():
    pack = {"US01": (10, 5), "DE01": (4, 9), "UK01": (3, 1)}
    check_same_rows("journal_lines", "lake.jl", pack, dict(pack))
    with pytest.raises(LakehouseError) as refused:
        check_same_rows("journal_lines", "lake.jl", pack, {"US01": (9, 5), "DE01": (4, 8)})
    said = str(refused.value)
    assert "entity DE01: the same 4 rows in number, other values" in said
    assert "entity UK01: 3 rows in the pack, 0 in the table" in said
    assert "entity US01: 10 rows in the pack, 9 in the table" in said
    with pytest.raises(LakehouseError, match="rows without an entity: 0 rows in the pack, 2 in the table"):
        check_same_rows("journal_lines", "lake.jl", pack, {**pack, None: (2, 7)})


# --- on Spark -------------------------------------------------------------------------

JOURNAL = """
CREATE TABLE journal_lines (entity_id VARCHAR, je_id VARCHAR, line_no INTEGER, posting_date DATE,
    account_id VARCHAR, debit DECIMAL(18,2), credit DECIMAL(18,2), description VARCHAR,
    rate DECIMAL(18,10), approved BOOLEAN, created_at TIMESTAMP);
INSERT INTO journal_lines VALUES
  ('US01', 'JE-1', 1, DATE '2026-05-03', '1000', 100.50, 0, 'Café crème — 5 €', 1.0825, true, TIMESTAMP '2026-05-03 09:15:00'),
  ('US01', 'JE-1', 2, DATE '2026-05-03', '4000', 0, 100.50, NULL, NULL, false, TIMESTAMP '2026-05-03 09:15:00.25'),
  ('DE01', 'JE-7', 1, DATE '0001-01-01', '1000', 12345678901234.99, 0, '', 0.0000000001, NULL, TIMESTAMP '1999-12-31 23:59:59.999999'),
  ('DE01', 'JE-7', 2, DATE '2026-12-31', '2000', 0, 12345678901234.99, 'a|b', -3.5, true, TIMESTAMP '2026-05-01 00:00:00');
"""


@pytest.fixture()
def duck():
    con = duckdb.connect(":memory:")
    con.execute(JOURNAL)
    yield con
    con.close()


def lake_table(spark, duck, view: str, sql: str = "SELECT * FROM journal_lines"):
    """A Spark view of `sql` over the DuckDB journal, as a lakehouse would hold it."""
    spark.createDataFrame(duck.sql(sql).to_arrow_table()).createOrReplaceTempView(view)
    return view


@needs_spark
def test_the_same_rows_give_the_same_digest_on_both_engines(spark, duck):
    columns = [(r[0], r[1]) for r in duck.execute("DESCRIBE journal_lines").fetchall()]
    frame = spark.table(lake_table(spark, duck, "lake_same"))
    assert spark_digest(spark, frame, columns) == duckdb_digest(duck, "journal_lines")
    assert set(duckdb_digest(duck, "journal_lines")) == {"US01", "DE01"}


@needs_spark
def test_a_lakehouse_table_stands_in_by_column_name(spark, duck):
    """Column names in another case and order, an extra column, looser types (text and
    double): read as the pack's columns and types, and the same rows."""
    view = lake_table(spark, duck, "lake_loose", """
        SELECT 'ignored' AS batch, CAST(created_at AS VARCHAR) AS CREATED_AT, approved AS Approved,
               CAST(rate AS VARCHAR) AS rate, description, CAST(credit AS VARCHAR) AS credit,
               CAST(debit AS VARCHAR) AS DEBIT, account_id, CAST(posting_date AS VARCHAR) AS posting_date,
               CAST(line_no AS BIGINT) AS line_no, je_id, entity_id
        FROM journal_lines""")
    frame = attach(spark, duck, "journal_lines", view)
    assert frame.columns == [r[0] for r in duck.execute("DESCRIBE journal_lines").fetchall()]
    from close.engines.spark import _python

    got = sorted(tuple(_python(v) for v in row) for row in frame.collect())
    want = sorted(duck.execute("SELECT * FROM journal_lines").fetchall())
    assert got == want


@needs_spark
@pytest.mark.parametrize("sql, said", [
    ("SELECT * REPLACE (CASE WHEN je_id = 'JE-7' AND line_no = 1 THEN debit + 0.01 ELSE debit END AS debit) "
     "FROM journal_lines", "entity DE01: the same 2 rows in number, other values"),
    ("SELECT * FROM journal_lines WHERE NOT (je_id = 'JE-1' AND line_no = 2)",
     "entity US01: 2 rows in the pack, 1 in the table"),
    ("SELECT * FROM journal_lines UNION ALL SELECT * REPLACE ('UK01' AS entity_id) FROM journal_lines "
     "WHERE je_id = 'JE-1'", "entity UK01: 0 rows in the pack, 2 in the table"),
    ("SELECT * REPLACE (CASE WHEN description IS NULL THEN '' ELSE description END AS description) "
     "FROM journal_lines", "entity US01: the same 2 rows in number, other values"),
    ("SELECT * REPLACE (CASE WHEN line_no = 1 THEN 'n/a' ELSE CAST(debit AS VARCHAR) END AS debit) "
     "FROM journal_lines", "other values"),       # text that is no amount reads as NULL: refused
    ("SELECT * REPLACE (created_at + INTERVAL 1 MICROSECOND AS created_at) FROM journal_lines",
     "other values"),
])
def test_a_table_that_is_not_the_packs_is_refused(spark, duck, sql, said):
    view = lake_table(spark, duck, "lake_other", sql)
    with pytest.raises(LakehouseError) as refused:
        attach(spark, duck, "journal_lines", view)
    assert said in str(refused.value) and "lake_other" in str(refused.value)


@needs_spark
def test_a_missing_column_or_table_is_named(spark, duck):
    view = lake_table(spark, duck, "lake_short", "SELECT * EXCLUDE (created_at, rate) FROM journal_lines")
    with pytest.raises(LakehouseError, match="lacks the column\\(s\\) rate, created_at that the pack's journal_lines has"):
        attach(spark, duck, "journal_lines", view)
    with pytest.raises(LakehouseError, match="Spark cannot read it"):
        attach(spark, duck, "journal_lines", "no_such_lake_table")


@needs_spark
def test_close_run_on_a_lakehouse_journal_gives_duckdbs_results_json(tmp_path):
    """The whole command: the journal from a Parquet table in the lakehouse (upper-case
    column names, an extra column), results.json byte for byte DuckDB's; the same table
    with one amount changed stops the close with one line and exit 2."""
    pack = tmp_path / "pack"
    subprocess.run([sys.executable, "-m", "fixtures.generate", str(pack), "--scale", "0.05"],
                   check=True, capture_output=True)
    on_duckdb = close_run(pack, tmp_path / "ws", tmp_path / "duckdb")
    books = duckdb.connect(str(tmp_path / "ws" / "ledger.duckdb"), read_only=True)
    lake = tmp_path / "lake"
    lake.mkdir()
    columns = [r[0] for r in books.execute("DESCRIBE journal_lines").fetchall()]
    upper = ", ".join(f'"{c}" AS "{c.upper()}"' for c in reversed(columns))
    books.execute(f"COPY (SELECT {upper}, 'batch-1' AS loaded_by FROM journal_lines) "
                  f"TO '{lake / 'journal.parquet'}' (FORMAT parquet)")
    books.execute(f"COPY (SELECT * REPLACE (CASE WHEN rowid = 7 THEN debit + 1 ELSE debit END AS debit) "
                  f"FROM journal_lines) TO '{lake / 'changed.parquet'}' (FORMAT parquet)")
    books.close()

    (pack / "close.toml").write_text(f'[spark.tables]\njournal_lines = "parquet.`{lake / "journal.parquet"}`"\n')
    on_spark = close_run(pack, tmp_path / "ws", tmp_path / "spark", "--engine", "spark")
    assert on_spark == on_duckdb
    cached = list((tmp_path / "ws" / "spark").glob("*/*.parquet"))
    assert cached and not [p for p in cached if p.name == "journal_lines.parquet"]   # read in place

    (pack / "close.toml").write_text(f'[spark.tables]\njournal_lines = "parquet.`{lake / "changed.parquet"}`"\n')
    refused = close_command(pack, tmp_path / "ws", tmp_path / "refused", "--engine", "spark")
    assert refused.returncode == 2
    assert "does not hold the pack's journal_lines" in refused.stderr.splitlines()[-1]
    assert not (tmp_path / "refused" / "results.json").exists()


def close_command(pack: Path, workspace: Path, out: Path, *extra: str):
    return subprocess.run([sys.executable, "-m", "close", "run", "--month", "2026-05", "--pack", str(pack),
                           "--workspace", str(workspace), "--out", str(out), "--entity", "US01",
                           "--skills", "je.*", "--as", "tester", *extra],
                          capture_output=True, text=True, env={**os.environ, "ANTHROPIC_API_KEY": ""})


def close_run(pack: Path, workspace: Path, out: Path, *extra: str) -> bytes:
    done = close_command(pack, workspace, out, *extra)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return (out / "results.json").read_bytes()
