"""stmt.comparatives and stmt.trial_balance_export agree with the statements they extend."""
from decimal import Decimal

import pytest

from skills.stmt.balance_sheet import SKILL as BALANCE_SHEET
from skills.stmt.comparatives import SKILL as COMPARATIVES
from skills.stmt.income_statement import SKILL as INCOME
from skills.stmt.trial_balance_export import SKILL as TB_EXPORT
from tests.support.books import statement_books


@pytest.fixture
def outcome():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2025-01-02", [("1000", "10000.00"), ("3000", "-10000.00")])
    b.post("US01", "2025-05-09", [("1100", "2000.00"), ("4000", "-2000.00")])
    b.post("US01", "2026-04-09", [("1100", "4000.00"), ("4000", "-4000.00")])
    b.post("US01", "2026-05-09", [("1100", "5000.00"), ("4000", "-5000.00")])
    b.post("US01", "2026-05-19", [("6000", "1000.00"), ("1000", "-1000.00")])
    return b.close([BALANCE_SHEET, INCOME, COMPARATIVES, TB_EXPORT], "2026-05")


def test_comparative_columns_and_variances(outcome):
    result = outcome.result("stmt.comparatives", "US01")
    rev = [r for r in result.metrics["income_statement"] if r["line"] == "Revenue"][0]
    assert (rev["mtd"], rev["prior_month"], rev["prior_year"]) == (
        Decimal("5000.00"), Decimal("4000.00"), Decimal("2000.00"))
    assert rev["vs_prior_month"] == Decimal("1000.00") and rev["vs_prior_month_pct"] == Decimal("25.0")
    assert rev["vs_prior_year_pct"] == Decimal("150.0")
    assert rev["vs_prior_year_ytd"] == Decimal("7000.00")
    recv = [r for r in result.metrics["balance_sheet"] if r["line"] == "Trade receivables"][0]
    assert (recv["amount"], recv["prior"], recv["prior_year"]) == (
        Decimal("11000.00"), Decimal("6000.00"), Decimal("2000.00"))


def test_comparatives_agree_with_the_statements(outcome):
    comp = outcome.result("stmt.comparatives", "US01")
    bs = outcome.result("stmt.balance_sheet", "US01")
    inc = outcome.result("stmt.income_statement", "US01")
    bs_lines = {(ln["line"], ln["kind"]): (ln["amount"], ln["prior"]) for ln in bs.metrics["lines"]}
    for row in comp.metrics["balance_sheet"]:
        assert bs_lines[(row["line"], row["kind"])] == (row["amount"], row["prior"])
    assert comp.metrics["net_income"]["ytd"] == inc.metrics["net_income_ytd"]


def test_trial_balance_export_rows_roll_forward(outcome):
    result = outcome.result("stmt.trial_balance_export", "US01")
    rows = {r["account_id"]: r for r in result.metrics["rows"]}
    assert rows["1100"]["opening"] == Decimal("6000.00")
    assert rows["1100"]["debit"] == Decimal("5000.00")
    assert rows["1100"]["closing"] == Decimal("11000.00")
    assert rows["4000"]["ytd"] == Decimal("-9000.00") and rows["1100"]["ytd"] is None
    for r in rows.values():
        assert r["opening"] + r["debit"] - r["credit"] == r["closing"]
    m = result.metrics
    assert m["total_debit"] == m["total_credit"] and m["total_closing"] == Decimal("0.00")
    assert {"line": "Revenue", "section": "income_statement", "amount": Decimal("-11000.00")} in m["lines"]
