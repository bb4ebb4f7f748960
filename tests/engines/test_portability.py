"""Every skill's SQL is in the portable subset (PORTABLE-SQL.md), so the same skills run
on Spark with DuckDB's results. "Every skill's SQL" is every statement a demo close
executes (recorded on the connection), plus the SQL constants of close.statements and of
the skills' modules (helpers included, whether or not the demo reaches them)."""
from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

from close.engines.translate import portability_problems

_SQL_START = re.compile(r"\s*(SELECT|WITH|INSERT|CREATE|DELETE|DROP)\b", re.IGNORECASE)


class Recording:
    """A DuckDB connection that remembers every SQL text executed through it."""

    def __init__(self, con, seen: dict):
        self._con, self._seen = con, seen

    def execute(self, sql, params=None):
        self._seen.setdefault(sql, None)
        return self._con.execute(sql, params) if params is not None else self._con.execute(sql)

    def cursor(self):
        return Recording(self._con.cursor(), self._seen)

    def close(self):
        self._con.close()


@pytest.fixture(scope="module")
def executed_sql(demo_books) -> list[str]:
    from close.periods import parse_month
    from close.runner import run_close

    con, info = demo_books
    seen: dict[str, None] = {}
    outcome = run_close(Recording(con.cursor(), seen), info, parse_month("2026-05"))
    assert not [r for r in outcome.results if r.status == "error"]
    return list(seen)


def module_sql() -> dict[str, str]:
    """name -> SQL of the string constants of close.statements and every skills module."""
    import close.statements
    import skills

    modules = [close.statements]
    for info in pkgutil.walk_packages(skills.__path__, "skills."):
        modules.append(importlib.import_module(info.name))
    found = {}
    for module in modules:
        for name, value in vars(module).items():
            if not name.startswith("__") and isinstance(value, str) and _SQL_START.match(value) \
                    and re.search(r"\b(FROM|AS|TABLE)\b", value, re.IGNORECASE):
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_statement_a_demo_close_runs_is_portable(executed_sql):
    assert len(executed_sql) > 100  # the whole close was recorded, not a corner of it
    wrong = {sql[:300]: problems for sql in executed_sql if (problems := portability_problems(sql))}
    assert not wrong, wrong


def checkable(sql: str) -> str | None:
    """The statement to check: a CTE prefix (composed with its query at run time) gets a
    final SELECT; a template with {fields} is checked as the close executes it."""
    if re.search(r"\{[a-z_]*\}", sql):
        return None
    if portability_problems(sql)[:1] and re.match(r"\s*WITH\b", sql, re.IGNORECASE):
        return sql.rstrip().rstrip(",") + "\nSELECT 1"
    return sql


def test_the_sql_constants_of_statements_and_skills_are_portable():
    found = module_sql()
    assert len(found) > 100
    wrong = {name: problems for name, sql in found.items()
             if (text := checkable(sql)) is not None and (problems := portability_problems(text))}
    assert not wrong, wrong


@pytest.mark.parametrize("sql, phrase", [
    ("SELECT account_id, SUM(debit) AS d FROM journal_lines GROUP BY ALL", "GROUP BY ALL"),
    ("SELECT account_id FROM accounts ORDER BY ALL", "ORDER BY ALL"),
    ("SELECT je_id, row_number() OVER (ORDER BY je_id) AS n FROM journal_lines QUALIFY n = 1", "QUALIFY"),
    ("SELECT debit * 2 AS doubled, doubled + 1 AS more FROM journal_lines", "lateral column alias"),
    ("SELECT debit * 2 AS doubled FROM journal_lines WHERE doubled > 3", "used in WHERE"),
    ("SELECT list(je_id ORDER BY line_no) FROM journal_lines", "ordered aggregate"),
    ("SELECT debit // 2 FROM journal_lines", "integer division"),
    ("SELECT * EXCLUDE (debit) FROM journal_lines", "EXCLUDE"),
    ("SELECT COLUMNS('de.*') FROM journal_lines", "COLUMNS()"),
    ("SELECT * FROM a ASOF JOIN b ON a.t >= b.t", "ASOF JOIN"),
    ("SELECT je_id FROM a UNION BY NAME SELECT je_id FROM b", "UNION BY NAME"),
    ("SELECT list_transform(l, x -> x + 1) FROM t", "lambda"),
    ("SELECT hash(je_id) FROM journal_lines", "hash()"),
    ("SELECT * FROM read_csv('books.csv')", "read_csv"),
    ("SELECT * FROM 'books/journal_lines.parquet'", "file path"),
    ("SELECT je_id FROM journal_lines WHERE entity_id = ?", "positional"),
    ("SELECT posting_date + 3 FROM journal_lines", "date + integer"),
    ("SELECT unnest($a) AS x, unnest($b) AS y", "unnests side by side"),
    ("SELECT je_id FROM", "not parsed"),
])
def test_each_construct_outside_the_subset_is_named(sql, phrase):
    problems = portability_problems(sql)
    assert any(phrase in p for p in problems), problems


def test_portable_sql_passes():
    sql = """WITH ranked AS (
      SELECT je_id, line_no, CAST(date_trunc('month', posting_date) AS DATE) AS period_month,
             row_number() OVER (PARTITION BY je_id ORDER BY line_no) AS n
      FROM journal_lines
      WHERE entity_id = $entity_id AND date_diff('day', posting_date, $month_end) BETWEEN -$n AND $n
    )
    SELECT je_id, line_no, period_month FROM ranked WHERE n = 1 ORDER BY je_id, line_no"""
    assert portability_problems(sql) == []
