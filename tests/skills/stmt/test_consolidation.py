"""stmt.consolidation and stmt.ic_eliminations on a three-entity group with a minority."""
from decimal import Decimal

import pytest

from skills.stmt.consolidation import SKILL as CONSOLIDATION
from skills.stmt.ic_eliminations import SKILL as ELIMINATIONS
from tests.support.books import statement_books


@pytest.fixture
def outcome():
    b = statement_books()
    b.entity("US01")
    b.entity("UK01", currency="GBP", country="GB", parent_id="US01", ownership_pct="100")
    b.entity("DE01", currency="EUR", country="DE", parent_id="US01", ownership_pct="60")
    for day, kind, rate in (("2025-12-31", "closing", "1.20"), ("2026-01-31", "average", "1.25"),
                            ("2026-01-31", "closing", "1.30")):
        b.rate(day, "GBP", "USD", kind, rate)
    for day, kind in (("2025-12-31", "closing"), ("2026-01-31", "average"), ("2026-01-31", "closing")):
        b.rate(day, "EUR", "USD", kind, "1.10")
    b.post("US01", "2026-01-01", [("1000", "1000.00"), ("3000", "-1000.00")])
    b.post("US01", "2026-01-15", [("1150", "130.00"), ("4100", "-130.00")], counterparty="UK01")
    b.post("UK01", "2026-01-01", [("1000", "500.00"), ("3000", "-500.00")])
    b.post("UK01", "2026-01-15", [("6300", "100.00"), ("2150", "-100.00")], counterparty="US01")
    b.post("DE01", "2026-01-01", [("1000", "1000.00"), ("3000", "-1000.00")])
    b.post("DE01", "2026-01-20", [("1000", "200.00"), ("4000", "-200.00")])
    return b.close([CONSOLIDATION, ELIMINATIONS], "2026-01")


def lines(result, key="lines"):
    return {ln["line"]: ln["amount"] for ln in result.metrics[key] if ln["kind"] == "line"}


def test_consolidated_balance_sheet(outcome):
    r = outcome.result("stmt.consolidation", None)
    assert r.status == "pass", [f.message for f in r.findings]
    bs = lines(r)
    assert bs["Cash and cash equivalents"] == Decimal("2970.00")         # 1000 + 650 + 1320
    assert "Intercompany receivables" not in bs or bs["Intercompany receivables"] == 0
    assert bs["Share capital"] == Decimal("2260.00")                      # 1000 + 600 + 60% x 1100
    # UK01's CTA 45
    assert bs["Translation reserve"] == Decimal("45.00")
    assert bs["Non-controlling interests"] == Decimal("528.00")           # 40% x (1100 + 220)
    assert bs["Current period profit"] == Decimal("132.00")
    # The balances agree (130 = 100 GBP x 1.30), but the IC charge does not: 130 revenue vs
    # 100 GBP x 1.25 = 125 expense. Eliminated in full, the 5 stays in group equity on its
    # own line, the difference recon.intercompany_pnl reports.
    assert bs["Unreconciled intercompany differences"] == Decimal("5.00")
    assert r.metrics["eliminations"]["unreconciled_through_profit"] == Decimal("5.00")
    assert r.metrics["eliminations"]["unreconciled_balances"] == Decimal("0.00")
    m = r.metrics
    assert m["difference"] == Decimal("0.00")
    assert m["total_assets"] == m["total_liabilities"] + m["total_equity"]


def test_consolidated_income_statement_and_minority_share(outcome):
    r = outcome.result("stmt.consolidation", None)
    pnl = lines(r, "income_statement")
    assert pnl["Revenue"] == Decimal("220.00")                            # IC revenue eliminated
    assert r.metrics["net_income_ytd"] == Decimal("220.00")
    attributable = r.metrics["net_income_attributable"]
    assert attributable["non_controlling_interests"]["ytd"] == Decimal("88.00")
    assert attributable["owners_of_parent"]["ytd"] == Decimal("132.00")
    assert r.metrics["ownership"]["DE01"] == Decimal("60.00")


def test_elimination_entries_on_the_provider(outcome):
    us = outcome.result("stmt.ic_eliminations", "US01")
    (pair,) = us.metrics["pairs"]
    assert (pair["receivable"], pair["payable"]) == (Decimal("130.00"), Decimal("130.00"))
    assert (pair["revenue_ytd"], pair["expense_ytd"]) == (Decimal("130.00"), Decimal("125.00"))
    assert [e["difference"] for e in us.metrics["entries"]] == [Decimal("0.00"), Decimal("5.00")]
    uk = outcome.result("stmt.ic_eliminations", "UK01")
    assert uk.metrics["entries"] == [] and uk.status == "pass"


def test_receivable_without_payable_stays_visible():
    b = statement_books()
    b.entity("US01")
    b.entity("UK01", currency="GBP", country="GB", parent_id="US01", ownership_pct="100")
    for kind in ("closing", "average"):
        b.rate("2025-12-31", "GBP", "USD", kind, "1.25")
        b.rate("2026-01-31", "GBP", "USD", kind, "1.25")
    b.post("US01", "2026-01-01", [("1000", "1000.00"), ("3000", "-1000.00")])
    b.post("UK01", "2026-01-01", [("1000", "800.00"), ("3000", "-800.00")])
    b.post("US01", "2026-01-20", [("1150", "40.00"), ("1000", "-40.00")], counterparty="UK01")
    r = b.close([CONSOLIDATION], "2026-01").result("stmt.consolidation", None)
    equity = {ln["line"]: ln["amount"] for ln in r.metrics["lines"]
              if ln["kind"] == "line" and ln["section"] == "equity"}
    assert equity["Unreconciled intercompany differences"] == Decimal("-40.00")
    assert r.metrics["difference"] == Decimal("0.00") and r.status == "pass"
    m = r.metrics
    assert m["total_equity"] == m["total_assets"] - m["total_liabilities"]


def test_missing_rate_stops_consolidation_with_a_finding():
    b = statement_books()
    b.entity("US01")
    b.entity("UK01", currency="GBP", country="GB", parent_id="US01", ownership_pct="100")
    b.post("UK01", "2026-01-01", [("1000", "500.00"), ("3000", "-500.00")])
    r = b.close([CONSOLIDATION], "2026-01").result("stmt.consolidation", None)
    assert r.status == "exceptions" and r.findings[0].severity == "high"


def test_an_entitys_unbalanced_entry_unbalances_the_group_with_its_ref():
    b = statement_books()
    b.entity("US01")
    b.entity("UK01", currency="GBP", country="GB", parent_id="US01", ownership_pct="100")
    for kind in ("closing", "average"):
        b.rate("2025-12-31", "GBP", "USD", kind, "1.25")
        b.rate("2026-01-31", "GBP", "USD", kind, "1.25")
    b.post("US01", "2026-01-01", [("1000", "1000.00"), ("3000", "-1000.00")])
    je = b.post("UK01", "2026-01-05", [("1000", "8.00")])
    r = b.close([CONSOLIDATION], "2026-01").result("stmt.consolidation", None)
    (finding,) = r.findings
    assert finding.amount == Decimal("10.00") and finding.refs == (f"journal_lines:{je}",)
