"""flux.kpis, flux.net_income_bridge, flux.working_capital, flux.cash_runway on small books."""
from decimal import Decimal

import pytest

from skills.flux.cash_runway import SKILL as RUNWAY
from skills.flux.kpis import SKILL as KPIS
from skills.flux.net_income_bridge import SKILL as BRIDGE
from skills.flux.working_capital import SKILL as WC
from skills.stmt.income_statement import SKILL as INCOME
from tests.support.books import statement_books


@pytest.fixture
def books():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2026-01-02", [("1000", "30000.00"), ("3000", "-30000.00")])
    b.post("US01", "2026-04-03", [("1100", "8000.00"), ("4000", "-8000.00")])
    b.post("US01", "2026-04-04", [("5000", "3000.00"), ("2000", "-3000.00")])
    b.post("US01", "2026-04-05", [("6100", "2000.00"), ("1000", "-2000.00")])
    b.post("US01", "2026-05-03", [("1100", "10000.00"), ("4000", "-10000.00")])
    b.post("US01", "2026-05-04", [("5000", "4000.00"), ("2000", "-4000.00")])
    b.post("US01", "2026-05-05", [("6100", "2500.00"), ("1000", "-2500.00")])
    b.post("US01", "2026-05-06", [("6000", "500.00"), ("1000", "-500.00")])
    b.post("US01", "2026-05-31", [("6200", "1000.00"), ("1510", "-1000.00")])
    b.post("US01", "2026-05-20", [("7100", "-200.00"), ("1000", "200.00")])       # FX gain
    return b


def test_kpis_from_statement_figures(books):
    outcome = books.close([KPIS, INCOME], "2026-05")
    k = outcome.result("flux.kpis", "US01").metrics
    assert k["revenue"] == Decimal("10000.00") and k["gross_profit"] == Decimal("6000.00")
    assert k["gross_margin_pct"] == Decimal("60.0")
    assert k["operating_profit"] == Decimal("2000.00")          # 6000 - 2500 - 500 - 1000
    assert k["ebitda"] == Decimal("3000.00") and k["ebitda_margin_pct"] == Decimal("30.0")
    assert k["opex_ratio_pct"] == Decimal("40.0")
    assert k["net_income"] == outcome.result("stmt.income_statement", "US01").metrics["net_income"]
    # current assets: cash 25200 + receivables 18000; current liabilities: payables 7000
    assert k["current_ratio"] == Decimal("6.17")
    assert k["prior"]["gross_margin_pct"] == Decimal("62.5")


def test_bridge_adds_up(books):
    r = books.result([BRIDGE], "flux.net_income_bridge", "2026-05", "US01")
    steps = {s["line"]: s["amount"] for s in r.metrics["lines"]}
    assert (r.metrics["start"], r.metrics["end"]) == (Decimal("3000.00"), Decimal("2200.00"))
    assert steps["Revenue"] == Decimal("2000.00") and steps["Cost of sales"] == Decimal("-1000.00")
    assert steps["Payroll"] == Decimal("-500.00") and steps["Depreciation"] == Decimal("-1000.00")
    assert steps["Foreign exchange"] == Decimal("200.00")
    assert r.metrics["start"] + sum(steps.values()) == r.metrics["end"]
    assert r.status == "pass"


def test_working_capital_components(books):
    r = books.result([WC], "flux.working_capital", "2026-05", "US01")
    lines = {ln["line"]: ln for ln in r.metrics["lines"]}
    assert lines["Trade receivables"]["movement"] == Decimal("10000.00")
    assert lines["Trade payables"]["movement"] == Decimal("-4000.00")
    assert r.metrics["working_capital"] == Decimal("11000.00")      # 18000 - 7000
    assert r.metrics["movement"] == Decimal("6000.00")
    assert r.metrics["drivers"][0]["line"] == "Trade receivables"


def test_runway_finding_when_cash_runs_short(books):
    r = books.result([RUNWAY], "flux.cash_runway", "2026-05", "US01",
                     params={"flux.cash_runway": {"months": 2}})
    # cash falls 2000 in April and 2800 in May: burn 2400/month, cash 25200 -> 10.5 months
    assert r.metrics["net_burn"] == Decimal("2400.00") and r.metrics["runway_months"] == Decimal("10.5")
    assert r.status == "pass"
    r = books.result([RUNWAY], "flux.cash_runway", "2026-05", "US01",
                     params={"flux.cash_runway": {"months": 2, "min_months": 12}})
    (finding,) = r.findings
    assert finding.amount == Decimal("3600.00")                    # 12 x 2400 - 25200
    assert len(finding.refs) == 3


def test_runway_averages_only_months_after_the_books_open():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2026-04-01", [("1000", "60000.00"), ("3000", "-60000.00")], source="system")
    b.post("US01", "2026-04-20", [("6100", "20000.00"), ("1000", "-20000.00")], source="payroll")
    b.post("US01", "2026-05-20", [("6100", "20000.00"), ("1000", "-20000.00")], source="payroll")
    r = b.result([RUNWAY], "flux.cash_runway", "2026-05", "US01")
    # the opening balance is not cash received: May alone burns 20,000; 20,000 left = 1 month
    assert r.metrics["months_averaged"] == 1 and r.metrics["net_burn"] == Decimal("20000.00")
    (finding,) = r.findings
    assert finding.amount == Decimal("100000.00")                  # 6 x 20,000 - 20,000


def test_runway_skips_books_that_open_in_the_month():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2026-05-01", [("1000", "60000.00"), ("3000", "-60000.00")], source="system")
    r = b.result([RUNWAY], "flux.cash_runway", "2026-05", "US01")
    assert r.status == "skipped" and r.findings == []
