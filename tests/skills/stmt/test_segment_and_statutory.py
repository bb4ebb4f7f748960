"""stmt.segment_report adds up to the income statement; stmt.statutory_pack assembles it."""
from datetime import date
from decimal import Decimal

import pytest

from skills.stmt import (balance_sheet, cash_flow, equity_changes, income_statement, notes_debt,
                         notes_fixed_assets)
from skills.stmt.income_statement import SKILL as INCOME
from skills.stmt.segment_report import SKILL as SEGMENTS
from skills.stmt.statutory_pack import SKILL as PACK
from tests.support.books import statement_books

# The pack reads the statements and notes from the run: they run with it.
WITH_PACK = [PACK, *(m.SKILL for m in (balance_sheet, income_statement, cash_flow, equity_changes,
                                       notes_fixed_assets, notes_debt))]


@pytest.fixture
def books():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2026-01-02", [("1000", "10000.00"), ("3000", "-10000.00")])
    b.post("US01", "2026-04-02", [("1100", "700.00"), ("4000", "-700.00")], department="Sales")
    b.post("US01", "2026-05-02", [("1100", "3000.00"), ("4000", "-3000.00")], department="Sales")
    b.post("US01", "2026-05-03", [("6100", "1200.00"), ("1000", "-1200.00")], department="Engineering")
    b.post("US01", "2026-05-04", [("6000", "300.00"), ("1000", "-300.00")])
    b.post("US01", "2026-05-05", [("7000", "50.00"), ("8000", "400.00"), ("1000", "-450.00")])
    b.insert("loans", entity_id="US01", loan_id="L1", account_id="2500", interest_account_id="7000",
             principal=Decimal("1000.00"), annual_rate=Decimal("0.12"),
             start_date=date(2026, 1, 1), term_months=12)
    return b


def test_segments_add_up_to_operating_profit(books):
    outcome = books.close([SEGMENTS, INCOME], "2026-05")
    seg = outcome.result("stmt.segment_report", "US01").metrics
    rows = {r["segment"]: r for r in seg["segments"]}
    assert rows["Sales"]["revenue"] == Decimal("3000.00") and rows["Sales"]["revenue_ytd"] == Decimal("3700.00")
    assert rows["Engineering"]["operating_profit"] == Decimal("-1200.00")
    assert rows["Unassigned"]["operating_profit"] == Decimal("-300.00")
    inc = outcome.result("stmt.income_statement", "US01").metrics
    assert seg["entity_total"]["operating_profit"] == inc["operating_profit"] == Decimal("1500.00")
    assert seg["entity_total"]["operating_profit_ytd"] == inc["totals"]["operating_profit"]["ytd"]


def test_statutory_pack_holds_the_statements_and_notes(books):
    outcome = books.close(WITH_PACK, "2026-05")
    pack = outcome.result("stmt.statutory_pack", "US01")
    inc = outcome.result("stmt.income_statement", "US01")
    m = pack.metrics
    assert m["statements"]["income_statement"]["metrics"]["net_income_ytd"] == inc.metrics["net_income_ytd"]
    assert m["statements"]["balance_sheet"]["metrics"]["difference"] == Decimal("0.00")
    assert m["notes"]["debt"]["status"] == "pass"
    assert m["notes"]["fixed_assets"]["status"] == "skipped"
    tax = m["notes"]["tax"]["metrics"]
    assert tax["income_tax_expense_ytd"] == Decimal("400.00")
    assert tax["profit_before_tax_ytd"] == Decimal("2150.00")          # 3700 - 1200 - 300 - 50
    assert tax["effective_rate_pct"] == Decimal("18.6")
    assert pack.status == "pass" and m["open_issues"] == []


def test_statutory_pack_reads_the_statements_from_the_run_not_running_them_again(books):
    """Each statement is computed once: the pack holds the run's own results (the very
    objects), and a missing note does not block the pack."""
    outcome = books.close(WITH_PACK, "2026-05")
    pack = outcome.result("stmt.statutory_pack", "US01")
    for part, skill_id in (("balance_sheet", "stmt.balance_sheet"), ("cash_flow", "stmt.cash_flow")):
        assert pack.metrics["statements"][part]["metrics"] is outcome.result(skill_id, "US01").metrics
    assert outcome.result("stmt.notes_fixed_assets", "US01").status == "skipped"
    assert pack.status == "pass"
    assert PACK.depends == ("stmt.balance_sheet", "stmt.income_statement", "stmt.cash_flow",
                            "stmt.equity_changes")
    assert PACK.uses == ("stmt.notes_fixed_assets", "stmt.notes_debt")


def test_statutory_pack_lists_statement_issues_without_repeating_findings(books):
    books.post("US01", "2026-05-20", [("1000", "1.00")])
    pack = books.close(WITH_PACK, "2026-05").result("stmt.statutory_pack", "US01")
    assert pack.findings == [] and any("balance_sheet" in i for i in pack.metrics["open_issues"])
