"""flux.budget_vs_actual and flux.opex_by_department against a small budget."""
from decimal import Decimal

import pytest

from skills.flux.budget_vs_actual import SKILL as BVA
from skills.flux.opex_by_department import SKILL as OPEX
from tests.support.books import statement_books


@pytest.fixture
def books():
    b = statement_books(materiality="1000.00")
    b.entity("US01")
    b.add("budget")
    for period, account, dept, amount in (
            ("2026-05", "4000", None, "-10000.00"), ("2026-04", "4000", None, "-9000.00"),
            ("2026-05", "6000", "Sales", "2000.00"), ("2026-05", "6000", "Engineering", "3000.00"),
            ("2026-05", "6100", "Engineering", "5000.00")):
        b.insert("budget", entity_id="US01", period=period, account_id=account,
                 amount=Decimal(amount), department=dept)
    b.post("US01", "2026-04-10", [("1100", "9500.00"), ("4000", "-9500.00")], department="Sales")
    b.post("US01", "2026-05-10", [("1100", "6000.00"), ("4000", "-6000.00")], department="Sales")
    b.post("US01", "2026-05-11", [("1100", "2500.00"), ("4000", "-2500.00")], department="Engineering")
    b.post("US01", "2026-05-12", [("6000", "2100.00"), ("1000", "-2100.00")], department="Sales")
    b.post("US01", "2026-05-13", [("6000", "4500.00"), ("1000", "-4500.00")], department="Engineering",
           je_id="JE-ENG-RENT", source="ap")
    b.post("US01", "2026-05-14", [("6100", "5050.00"), ("1000", "-5050.00")], department="Engineering")
    b.post("US01", "2026-04-14", [("6100", "4000.00"), ("1000", "-4000.00")], department="Engineering")
    return b


def test_budget_variances_by_account_and_department(books):
    r = books.result([BVA], "flux.budget_vs_actual", "2026-05", "US01")
    lines = {(ln["account_id"], ln["department"]): ln for ln in r.metrics["lines"]}
    revenue = lines[("4000", None)]                         # budget without department: total
    assert (revenue["actual"], revenue["budget"], revenue["variance"]) == (
        Decimal("8500.00"), Decimal("10000.00"), Decimal("-1500.00"))
    assert revenue["actual_ytd"] == Decimal("18000.00") and revenue["budget_ytd"] == Decimal("19000.00")
    eng = lines[("6000", "Engineering")]
    assert eng["variance"] == Decimal("1500.00") and eng["pct"] == Decimal("50.0")
    assert lines[("6000", "Sales")]["variance"] == Decimal("100.00")
    found = sorted((f.amount, f.severity, f.refs) for f in r.findings)
    assert found == [(Decimal("1500.00"), "medium", ("accounts:4000",)),
                     (Decimal("1500.00"), "medium", ("accounts:6000", "journal_lines:JE-ENG-RENT"))]


def test_opex_by_department(books):
    r = books.result([OPEX], "flux.opex_by_department", "2026-05", "US01")
    eng = [ln for ln in r.metrics["lines"] if ln["line"] == "Engineering"][0]
    assert (eng["amount"], eng["prior"], eng["budget"]) == (
        Decimal("9550.00"), Decimal("4000.00"), Decimal("8000.00"))
    assert eng["vs_budget"] == Decimal("1550.00")
    assert r.metrics["total"] == Decimal("11650.00") and r.metrics["total_budget"] == Decimal("10000.00")
