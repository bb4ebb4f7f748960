"""stmt.cash_flow: indirect method on hand-built books, tying to the change in cash."""
from decimal import Decimal

import pytest

from skills.stmt.cash_flow import SKILL
from tests.support.books import statement_books


@pytest.fixture
def books():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2026-01-02", [("1000", "20000.00"), ("3000", "-20000.00")])
    b.post("US01", "2026-04-15", [("1100", "3000.00"), ("4000", "-3000.00")])
    b.post("US01", "2026-05-03", [("1100", "5000.00"), ("4000", "-5000.00")])         # sale on credit
    b.post("US01", "2026-05-08", [("1000", "3000.00"), ("1100", "-3000.00")])         # April collected
    b.post("US01", "2026-05-10", [("6000", "700.00"), ("2000", "-700.00")])           # unpaid bill
    b.post("US01", "2026-05-12", [("1500", "4000.00"), ("1000", "-4000.00")])         # equipment
    b.post("US01", "2026-05-31", [("6200", "100.00"), ("1510", "-100.00")])           # depreciation
    b.post("US01", "2026-05-20", [("1000", "2500.00"), ("2500", "-2500.00")])         # loan drawn
    return b


def section(result, line):
    return {ln["line"]: ln["amount"] for ln in result.metrics["lines"]}[line]


def test_indirect_method_ties_to_cash(books):
    result = books.result([SKILL], "stmt.cash_flow", "2026-05", "US01")
    assert result.status == "pass"
    m = result.metrics
    assert section(result, "Net income") == Decimal("4200.00")            # 5000 - 700 - 100
    assert section(result, "Depreciation and amortisation") == Decimal("100.00")
    assert section(result, "Trade receivables") == Decimal("-2000.00")     # +5000 -3000
    assert section(result, "Trade payables") == Decimal("700.00")
    assert m["operating"] == Decimal("3000.00")
    assert m["investing"] == Decimal("-4000.00")
    assert m["financing"] == Decimal("2500.00")
    assert m["net_change_in_cash"] == Decimal("1500.00") == m["balance_sheet_cash_change"]
    assert m["cash_closing"] - m["cash_opening"] == m["net_change_in_cash"]
    assert m["difference"] == Decimal("0.00") and m["ytd"]["difference"] == Decimal("0.00")
    assert m["ytd"]["net_change_in_cash"] == Decimal("21500.00")


def test_unbalanced_entry_breaks_the_tie(books):
    je = books.post("US01", "2026-05-25", [("1000", "12.34")])
    result = books.result([SKILL], "stmt.cash_flow", "2026-05", "US01")
    (finding,) = result.findings
    assert finding.amount == Decimal("12.34") and finding.refs == (f"journal_lines:{je}",)
