"""stmt.income_statement on hand-built books: columns, subtotals and the equity tie."""
from decimal import Decimal

import pytest

from skills.stmt.balance_sheet import SKILL as BALANCE_SHEET
from skills.stmt.income_statement import SKILL
from tests.support.books import statement_books


def line(result, name):
    hits = [ln for ln in result.metrics["lines"] if ln["line"] == name]
    assert len(hits) == 1, f"{name}: {hits}"
    return hits[0]


@pytest.fixture
def books():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2025-01-01", [("1000", "50000.00"), ("3000", "-50000.00")])
    b.post("US01", "2025-05-10", [("1100", "7000.00"), ("4000", "-7000.00")])    # May last year
    b.post("US01", "2026-03-03", [("1100", "4000.00"), ("4000", "-4000.00")])
    b.post("US01", "2026-04-30", [("1100", "6000.00"), ("4000", "-6000.00")])    # prior month
    b.post("US01", "2026-05-04", [("1100", "9000.00"), ("4000", "-8000.00"), ("4100", "-1000.00")])
    b.post("US01", "2026-05-05", [("5000", "3500.00"), ("2000", "-3500.00")])
    b.post("US01", "2026-05-06", [("6000", "1000.00"), ("6100", "2000.00"), ("1000", "-3000.00")])
    b.post("US01", "2026-05-07", [("7000", "100.00"), ("8000", "600.00"), ("1000", "-700.00")])
    return b


def test_columns_and_subtotals(books):
    result = books.result([SKILL], "stmt.income_statement", "2026-05", "US01")
    assert result.status == "pass"
    revenue = line(result, "Revenue")
    assert revenue["section"] == "revenue"
    assert (revenue["amount"], revenue["ytd"], revenue["prior"], revenue["prior_year"]) == (
        Decimal("9000.00"), Decimal("19000.00"), Decimal("6000.00"), Decimal("7000.00"))
    assert revenue["prior_year_ytd"] == Decimal("7000.00")
    assert line(result, "Cost of sales")["amount"] == Decimal("-3500.00")
    t = result.metrics["totals"]
    assert t["gross_profit"]["amount"] == Decimal("5500.00")
    assert t["operating_profit"]["amount"] == Decimal("2500.00")
    assert t["profit_before_tax"]["amount"] == Decimal("2400.00")
    assert t["net_income"]["amount"] == Decimal("1800.00")
    assert t["net_income"]["ytd"] == Decimal("11800.00")
    assert result.metrics["net_income_ytd"] == result.metrics["equity_profit_ytd"]
    subtotal_rows = [ln["line"] for ln in result.metrics["lines"] if ln["kind"] == "subtotal"]
    assert subtotal_rows == ["Gross profit", "Operating profit", "Profit before tax", "Net income"]
    # lines (without the subtotal rows) add up to net income in every column
    for key in ("amount", "ytd", "prior", "prior_year", "prior_year_ytd"):
        total = sum(ln[key] for ln in result.metrics["lines"] if ln["kind"] == "line")
        assert total == t["net_income"][key], key


def test_net_income_ytd_ties_to_balance_sheet_profit(books):
    outcome = books.close([BALANCE_SHEET, SKILL], "2026-05")
    bs = outcome.result("stmt.balance_sheet", "US01")
    inc = outcome.result("stmt.income_statement", "US01")
    assert bs.metrics["current_period_profit"] == inc.metrics["net_income_ytd"]


def test_one_sided_expense_line_breaks_the_tie(books):
    je = books.post("US01", "2026-05-20", [("6000", "45.10")])   # expense with no credit
    result = books.result([SKILL], "stmt.income_statement", "2026-05", "US01")
    (finding,) = result.findings
    assert finding.severity == "high" and finding.amount == Decimal("45.10")
    assert finding.refs == (f"journal_lines:{je}",)


def test_last_years_unbalanced_entry_does_not_break_this_years_tie(books):
    books.post("US01", "2025-08-20", [("6000", "45.10")])
    result = books.result([SKILL], "stmt.income_statement", "2026-05", "US01")
    assert result.status == "pass"
