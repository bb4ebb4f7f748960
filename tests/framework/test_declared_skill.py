"""The declarative skill form: sql= and RowFindings instead of run=, checked when declared,
and read exactly as a hand-written run function would."""
from dataclasses import replace
from decimal import Decimal

import duckdb
import pytest

from close.pack import load_pack
from close.periods import parse_month
from close.registry import Registry
from close.runner import run_close
from close.skill import (Count, CountDistinct, Distinct, Money, ParamValue, RowFindings, Skill,
                         Total)
from tests.support.books import mini_books

MAY = parse_month("2026-05")

# Each month line with its entry, account and debit: the rows are the findings.
DEBITS = """
SELECT je_id, account_id, CAST(debit AS DECIMAL(18,2)) AS debit,
       CASE WHEN debit >= $high_from THEN 'high' ELSE 'low' END AS severity
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
  AND debit > 0
ORDER BY je_id, account_id
"""

ROWS = RowFindings(
    severity="severity",
    message="Entry {je_id} debits {debit} {currency} to {account_id} (from {high_from}) in {month}.",
    amount="debit",
    refs=("journal_lines:{je_id}", "accounts:{account_id}"),
    metrics={"lines": Count(), "entries": CountDistinct("je_id"), "accounts": Distinct("account_id"),
             "debits": Total("debit"), "high_from": ParamValue("high_from")},
    summary="{lines:debit line|debit lines} in {month_end}, {debits} {currency}.",
    clean="No debits in {month}.",
)


def declared(**kw):
    return Skill(id="je.debits", title="Debits", description="Lists the month's debit lines.",
                 needs=("journal_lines",), params={"high_from": Money("500.00", "high from here")},
                 **kw)


@pytest.fixture
def books(tmp_path):
    info = load_pack(mini_books().write(tmp_path / "pack"), tmp_path / "ledger.duckdb")
    con = duckdb.connect(str(tmp_path / "ledger.duckdb"), read_only=True)
    yield con, info
    con.close()


def results(books, skill):
    con, info = books
    outcome = run_close(con, info, MAY, registry=Registry([skill]))
    return {r.entity_id: r for r in outcome.results}


def test_rows_become_findings_metrics_and_summary(books):
    by = results(books, declared(sql=DEBITS, findings=ROWS))
    us, uk = by["US01"], by["UK01"]
    assert us.status == "exceptions"
    [finding] = us.findings
    assert finding.severity == "high"
    assert finding.message == "Entry JE-2 debits 1000.00 USD to 1000 (from 500.00) in 2026-05."
    assert finding.amount == Decimal("1000.00")
    assert finding.refs == ("journal_lines:JE-2", "accounts:1000")
    assert us.metrics == {"lines": 1, "entries": 1, "accounts": ["1000"],
                          "debits": Decimal("1000.00"), "high_from": Decimal("500.00")}
    assert us.summary == "1 debit line in 2026-05-31, 1000.00 USD."
    # materiality-free parameter in GBP stays as declared; 250.50 < 500 is low severity
    assert [f.severity for f in uk.findings] == ["low"]


def test_no_rows_is_a_pass_with_the_clean_summary(books):
    quiet = DEBITS.replace("debit > 0", "debit > 1000000")
    by = results(books, declared(sql=quiet, findings=ROWS))
    assert by["US01"].status == "pass"
    assert by["US01"].summary == "No debits in 2026-05."
    assert by["US01"].metrics["accounts"] == [] and by["US01"].metrics["debits"] == Decimal("0.00")


def test_both_forms_or_neither_are_refused_at_declaration():
    with pytest.raises(ValueError, match="both run= and sql="):
        declared(sql=DEBITS, findings=ROWS, run=lambda ctx: ctx.result())
    with pytest.raises(ValueError, match="needs run= or sql="):
        declared()
    with pytest.raises(ValueError, match="needs findings="):
        declared(sql=DEBITS)
    with pytest.raises(ValueError, match="sql=, which is missing"):
        declared(findings=ROWS, run=lambda ctx: ctx.result())


def test_a_copy_keeps_its_declared_run():
    skill = declared(sql=DEBITS, findings=ROWS)
    copy = replace(skill, module="skills.je.debits")
    assert copy.run == skill.run and copy.sql == DEBITS


def test_severity_is_a_known_one_or_a_column_name():
    with pytest.raises(ValueError, match="severity"):
        RowFindings(message="x", severity="very high")
