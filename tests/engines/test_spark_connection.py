"""SparkConnection gives skills DuckDB's connection surface: the same SQL text, the same
bound parameters, the same Python values back, and scratch tables of a cursor's own.
Each case is run on DuckDB too and the rows compared."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from tests.engines.conftest import spark_missing

pytestmark = pytest.mark.skipif(spark_missing() is not None, reason=spark_missing() or "")


@pytest.fixture(scope="module")
def both(spark):
    """(duckdb connection, SparkConnection) over the same small journal."""
    from close.engines.spark import SparkConnection

    duck = duckdb.connect(":memory:")
    duck.execute("CREATE TABLE journal_lines (je_id VARCHAR, line_no INTEGER, posting_date DATE, "
                 "account_id VARCHAR, debit DECIMAL(18,2), credit DECIMAL(18,2))")
    duck.execute("INSERT INTO journal_lines VALUES ('JE-1', 1, DATE '2026-05-03', '1000', 100.50, 0), "
                 "('JE-1', 2, DATE '2026-05-03', '4000', 0, 100.50), "
                 "('JE-2', 1, DATE '2026-04-30', '1000', 7.25, 0), ('JE-2', 2, DATE '2026-04-30', '2000', 0, 7.00)")
    spark.createDataFrame(duck.sql("SELECT * FROM journal_lines").to_arrow_table()) \
        .createOrReplaceTempView("journal_lines")
    yield duck, SparkConnection(spark)
    duck.close()


def rows(con, sql, params=None):
    cursor = con.execute(sql, params or {})
    return [d[0] for d in cursor.description], cursor.fetchall()


@pytest.mark.parametrize("sql, params", [
    ("SELECT account_id, CAST(SUM(debit - credit) AS DECIMAL(18,2)) AS balance FROM journal_lines "
     "WHERE posting_date BETWEEN $start AND $end GROUP BY account_id ORDER BY account_id",
     {"start": dt.date(1, 1, 1), "end": dt.date(2026, 5, 31)}),
    ("SELECT je_id, CAST(date_trunc('month', posting_date) AS DATE) AS period_month, COUNT(*) AS n "
     "FROM journal_lines GROUP BY je_id, CAST(date_trunc('month', posting_date) AS DATE) ORDER BY je_id", {}),
    ("SELECT je_id, line_no FROM journal_lines WHERE account_id IN (SELECT unnest(CAST($ids AS VARCHAR[]))) "
     "ORDER BY je_id, line_no", {"ids": ["1000", "2000"]}),
    ("SELECT je_id FROM journal_lines WHERE account_id IN (SELECT unnest(CAST($ids AS VARCHAR[]))) ORDER BY je_id",
     {"ids": []}),
    ("SELECT m.account_id, m.sign FROM (SELECT unnest($members) AS m) AS listed ORDER BY m.account_id",
     {"members": [{"account_id": "4000", "sign": -1}, {"account_id": "1000", "sign": 1}]}),
    ("SELECT CAST(debit AS DOUBLE) / NULLIF(CAST(credit AS DOUBLE), 0) AS ratio, array_to_string(list_sort(list_distinct(list(account_id))), ',') AS accounts "
     "FROM journal_lines WHERE je_id = $je GROUP BY debit, credit ORDER BY debit", {"je": "JE-1"}),
])
def test_same_rows_and_types_as_duckdb(both, sql, params):
    duck, spark = both
    assert rows(spark, sql, params) == rows(duck, sql, params)
    got, want = rows(spark, sql, params)[1], rows(duck, sql, params)[1]
    assert [[type(v) for v in r] for r in got] == [[type(v) for v in r] for r in want]
    assert [[str(v) for v in r] for r in got] == [[str(v) for v in r] for r in want]  # Decimal scale


SCRATCH = [
    ("CREATE OR REPLACE TEMP TABLE picks (je_id VARCHAR, n BIGINT)", {}),
    ("INSERT INTO picks SELECT je_id, COUNT(*) AS n FROM journal_lines GROUP BY je_id", {}),
    ("INSERT INTO picks SELECT m.je_id, m.n FROM (SELECT unnest($rows) AS m) AS listed",
     {"rows": [{"je_id": "JE-9", "n": 5}]}),
    ("DELETE FROM picks WHERE n = $n", {"n": 2}),
]


def test_scratch_tables_behave_as_duckdbs_and_stay_with_their_cursor(both):
    duck, spark = both
    duck_cursor, spark_cursor, other = duck.cursor(), spark.cursor(), spark.cursor()
    for sql, params in SCRATCH:
        duck_cursor.execute(sql, params)
        spark_cursor.execute(sql, params)
    query = "SELECT p.je_id, p.n FROM picks p ORDER BY p.je_id"
    assert rows(spark_cursor, query) == rows(duck_cursor, query) == (["je_id", "n"], [("JE-9", 5)])
    with pytest.raises(Exception):
        other.execute(query).fetchall()          # another cursor's scratch is not visible
    spark_cursor.execute("DROP TABLE IF EXISTS temp.picks")
    with pytest.raises(Exception):
        spark_cursor.execute(query).fetchall()
    duck_cursor.close()
    spark_cursor.close()
