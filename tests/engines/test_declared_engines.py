"""A skill declares the engines its SQL runs on; on any other it is skipped, saying why,
never run to give a wrong answer. Every built-in skill runs on both."""
from __future__ import annotations

from decimal import Decimal

from close.periods import parse_month
from close.registry import Registry
from close.runner import run_skill
from close.skill import Skill


class SparkShaped:
    """Stands for close.engines.spark.SparkConnection: only its engine name is read."""

    engine = "spark"

    def execute(self, sql, params=None):  # pragma: no cover - a skipped skill never queries
        raise AssertionError("a skill declared for DuckDB only must not query Spark")


class Pack:
    tables = frozenset({"journal_lines"})
    reporting_currency = "USD"
    fiscal_year_start_month = 1
    materiality = Decimal("1000.00")


def duckdb_only() -> Skill:
    return Skill(id="je.trial_balance", title="t", description="DuckDB-only query.",
                 run=lambda ctx: ctx.result(), needs=("journal_lines",), engines=("duckdb",))


def test_a_skill_declared_for_duckdb_only_is_skipped_on_spark_with_the_reason():
    result = run_skill(duckdb_only(), con=SparkShaped(), pack=Pack(), month=parse_month("2026-05"),
                       entity=None, params={}, deps={}, fx=None, group=())
    assert result.status == "skipped"
    assert result.summary == "declared for duckdb only, not spark"


def test_every_builtin_skill_runs_on_duckdb_and_spark():
    assert [s.id for s in Registry.discover().all() if set(s.engines) != {"duckdb", "spark"}] == []
