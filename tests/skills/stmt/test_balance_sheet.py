"""stmt.balance_sheet on hand-built books: presentation signs, profit in equity, identity."""
from decimal import Decimal

import pytest

from skills.stmt.balance_sheet import SKILL
from tests.support.books import statement_books


def line(result, name):
    hits = [ln for ln in result.metrics["lines"] if ln["line"] == name and ln["kind"] == "line"]
    assert len(hits) == 1, f"{name}: {hits}"
    return hits[0]


@pytest.fixture
def books():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2025-01-01", [("1000", "10000.00"), ("3000", "-10000.00")])
    b.post("US01", "2025-06-15", [("1100", "5000.00"), ("4000", "-5000.00")])   # 2025 profit
    b.post("US01", "2025-07-01", [("6000", "1200.00"), ("2000", "-1200.00")])   # 2025 cost
    b.post("US01", "2026-04-10", [("1000", "800.00"), ("4000", "-800.00")])
    b.post("US01", "2026-05-12", [("1500", "3000.00"), ("2500", "-3000.00")])
    b.post("US01", "2026-05-20", [("6100", "250.50"), ("1000", "-250.50")])
    b.post("US01", "2026-06-01", [("1000", "99.00"), ("4000", "-99.00")])       # after the month
    return b


def test_lines_signs_and_profit_split(books):
    result = books.result([SKILL], "stmt.balance_sheet", "2026-05", "US01")
    assert result.status == "pass"
    cash = line(result, "Cash and cash equivalents")
    assert (cash["section"], cash["amount"], cash["prior"]) == ("assets", Decimal("10549.50"), Decimal("10800.00"))
    assert line(result, "Trade payables")["amount"] == Decimal("1200.00")        # credit-positive
    assert line(result, "Borrowings")["amount"] == Decimal("3000.00")
    assert line(result, "Borrowings")["prior"] == Decimal("0.00")
    # 2025 profit 5000 - 1200 sits in retained earnings; 2026 YTD 800 - 250.50 is current
    assert line(result, "Retained earnings")["amount"] == Decimal("3800.00")
    profit = line(result, "Current period profit")
    assert (profit["amount"], profit["prior"]) == (Decimal("549.50"), Decimal("800.00"))
    assert result.metrics["current_period_profit"] == Decimal("549.50")
    m = result.metrics
    assert m["total_assets"] == Decimal("10549.50") + 5000 + 3000
    assert m["total_assets"] == m["total_liabilities"] + m["total_equity"]
    assert m["difference"] == Decimal("0.00") and m["prior"]["difference"] == Decimal("0.00")


def test_fiscal_year_start_moves_profit_into_retained_earnings(books):
    books.fiscal_year_start_month = 7   # FY starts in July: 2025-07 cost is this year's
    result = books.result([SKILL], "stmt.balance_sheet", "2026-05", "US01")
    assert line(result, "Retained earnings")["amount"] == Decimal("5000.00")
    assert line(result, "Current period profit")["amount"] == Decimal("-650.50")


def test_january_prior_column_is_last_fiscal_year(books):
    result = books.result([SKILL], "stmt.balance_sheet", "2026-01", "US01")
    re_line, profit = line(result, "Retained earnings"), line(result, "Current period profit")
    assert (re_line["amount"], re_line["prior"]) == (Decimal("3800.00"), Decimal("0.00"))
    assert (profit["amount"], profit["prior"]) == (Decimal("0.00"), Decimal("3800.00"))
    assert result.metrics["prior"]["difference"] == Decimal("0.00")


def test_unbalanced_entry_is_a_high_finding_with_the_difference(books):
    je = books.post("US01", "2026-05-25", [("1000", "75.25")])     # one-sided line
    result = books.result([SKILL], "stmt.balance_sheet", "2026-05", "US01")
    assert result.status == "exceptions"
    (finding,) = result.findings
    assert finding.severity == "high"
    assert finding.amount == Decimal("75.25")
    assert finding.refs == (f"journal_lines:{je}",)
    assert result.metrics["difference"] == Decimal("75.25")


def test_entity_with_no_lines_balances_at_zero(books):
    books.entity("UK01", currency="GBP", country="GB")
    books.rate("2026-05-31", "USD", "GBP", "closing", "0.8")
    result = books.result([SKILL], "stmt.balance_sheet", "2026-05", "UK01")
    assert result.status == "pass"
    assert result.metrics["total_assets"] == Decimal("0.00")
