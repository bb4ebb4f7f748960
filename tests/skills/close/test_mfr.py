"""close.mfr: the review's monthly series tie to the income statements, translated once."""
from __future__ import annotations

from decimal import Decimal

from close.money import cents
from close.registry import Registry
from tests.support.books import build, parent_and_sub_books, rates, run_skill, simple_entry

REGISTRY = Registry.discover(include_plugins=False)
MFR = REGISTRY.get("close.mfr")
INCOME_STATEMENT = REGISTRY.get("stmt.income_statement")


def group_books(drop_rate=None):
    lines = (
        simple_entry("US-CAP", "2026-03-01", "1000", "3000", "10000.00", entity="US01")
        + simple_entry("US-S3", "2026-03-10", "1100", "4000", "1000.00", entity="US01")
        + simple_entry("US-C3", "2026-03-10", "5000", "2000", "400.00", entity="US01")
        + simple_entry("US-O3", "2026-03-20", "6000", "1000", "100.00", entity="US01")
        + simple_entry("US-S4", "2026-04-10", "1100", "4000", "1200.00", entity="US01")
        + simple_entry("US-C4", "2026-04-10", "5000", "2000", "500.00", entity="US01")
        + simple_entry("US-IC4", "2026-04-28", "1100", "4900", "300.00", counterparty="UK01", entity="US01")
        + simple_entry("US-S5", "2026-05-10", "1100", "4000", "1500.00", entity="US01")
        + simple_entry("US-C5", "2026-05-10", "5000", "2000", "600.00", entity="US01")
        + simple_entry("US-O5", "2026-05-20", "6000", "1000", "200.00", entity="US01")
        + simple_entry("US-IC5", "2026-05-28", "1100", "4900", "300.00", counterparty="UK01", entity="US01")
        + simple_entry("US-X5", "2026-05-29", "1100", "4900", "50.00", counterparty="C-OUTSIDE", entity="US01")
        + simple_entry("UK-S4", "2026-04-12", "1100", "4000", "800.00", entity="UK01")
        + simple_entry("UK-IC4", "2026-04-28", "6900", "2000", "240.00", entity="UK01", counterparty="US01")
        + simple_entry("UK-S5", "2026-05-12", "1100", "4000", "1000.00", entity="UK01")
        + simple_entry("UK-C5", "2026-05-12", "5000", "2000", "300.00", entity="UK01")
        + simple_entry("UK-IC5", "2026-05-28", "6900", "2000", "236.00", entity="UK01", counterparty="US01")
    )
    fx = (rates("2026-03-31", "GBP", "1.20", "1.21") + rates("2026-04-30", "GBP", "1.25", "1.26")
          + rates("2026-05-31", "GBP", "1.30", "1.31"))
    if drop_rate:
        fx = [r for r in fx if (r["date"], r["rate_type"]) != drop_rate]
    return build({"journal_lines": lines, "fx_rates": fx}, base=parent_and_sub_books())


def by_month(rows):
    return {r["month"]: r for r in rows}


def test_group_series_is_external_revenue_and_net_income_at_average_rates():
    con, pack = group_books()
    result = run_skill(MFR, con, pack, "2026-05", None)
    assert result.status == "pass", result.summary
    series = by_month(result.metrics["series"])
    assert list(series) == ["2026-03", "2026-04", "2026-05"]  # from the first month with activity
    # May: US 1500 + 50 (intercompany-coded, but to no group entity: kept) + UK 1000 GBP x
    # 1.30; intercompany revenue toward UK01 (300) is eliminated.
    assert series["2026-05"]["revenue"] == Decimal("2850.00")
    # May net income without intercompany profit: US 1500 + 50 - 600 - 200 = 750;
    # UK (1000 - 300) x 1.30 = 910. The 300 USD charge vs 236 GBP x 1.30 = 306.80 would
    # leave 6.80 of FX difference in profit; consolidation moves it out, and so does this.
    assert series["2026-05"]["net_income"] == Decimal("1660.00")
    assert series["2026-04"]["revenue"] == Decimal("2200.00")
    assert series["2026-04"]["net_income"] == Decimal("1700.00")  # 700 + 800 x 1.25
    assert series["2026-03"] == {"month": "2026-03", "revenue": Decimal("1000.00"),
                                 "cost_of_sales": Decimal("-400.00"), "net_income": Decimal("500.00")}


def test_entity_series_ties_to_each_income_statement():
    con, pack = group_books()
    rows = run_skill(MFR, con, pack, "2026-05", None).metrics["entity_series"]
    checked = 0
    for month in ("2026-04", "2026-05"):
        for entity_id in ("US01", "UK01"):
            statement = run_skill(INCOME_STATEMENT, con, pack, month, entity_id)
            assert statement.status == "pass", statement.summary
            row = next(r for r in rows if r["entity_id"] == entity_id and r["month"] == month)
            assert row["revenue"] == statement.metrics["revenue"]
            assert row["net_income"] == statement.metrics["net_income"]
            checked += 1
    assert checked == 4


def test_kpis_compare_the_month_with_the_prior_month():
    con, pack = group_books()
    kpis = {k["key"]: k for k in run_skill(MFR, con, pack, "2026-05", None).metrics["kpis"]}
    assert (kpis["revenue"]["value"], kpis["revenue"]["prior"]) == (Decimal("2850.00"), Decimal("2200.00"))
    # Gross profit May: 2850 - 600 - 300 x 1.30 = 1860 -> 65.3 % of 2850.
    assert kpis["gross_margin_pct"]["value"] == Decimal("65.3")
    assert kpis["net_margin_pct"]["value"] == Decimal("58.2")  # 1660 / 2850
    # Year to date covers March to May; no data for the same months of 2025.
    assert kpis["revenue_ytd"]["value"] == Decimal("6050.00")
    assert kpis["revenue_ytd"]["prior"] is None
    # Cash: 10000 capital less 100 (March) and 200 (May) opex; April end 9900.
    assert (kpis["cash"]["value"], kpis["cash"]["prior"]) == (Decimal("9700.00"), Decimal("9900.00"))


def test_group_figures_round_each_translated_account_once_as_consolidation_does():
    lines = (simple_entry("A1", "2026-05-05", "1100", "4000", "0.01", entity="UK01")
             + simple_entry("A2", "2026-05-06", "1100", "4000", "0.01", entity="UK01")
             + simple_entry("B", "2026-05-05", "1100", "4000", "0.01", entity="DE01"))
    entities = [
        {"entity_id": "US01", "name": "Parent", "functional_currency": "USD", "country": "US",
         "parent_id": None, "ownership_pct": None},
        {"entity_id": "UK01", "name": "UK", "functional_currency": "GBP", "country": "GB",
         "parent_id": "US01", "ownership_pct": "100"},
        {"entity_id": "DE01", "name": "DE", "functional_currency": "EUR", "country": "DE",
         "parent_id": "US01", "ownership_pct": "100"},
    ]
    fx = rates("2026-05-31", "GBP", "1.25", "1.25") + rates("2026-05-31", "EUR", "1.5", "1.5")
    con, pack = build({"entities": entities, "journal_lines": lines, "fx_rates": fx}, base=parent_and_sub_books())
    series = run_skill(MFR, con, pack, "2026-05", None).metrics["series"]
    # UK account 4000: 0.02 x 1.25 = 0.025 -> 0.03; DE: 0.01 x 1.5 = 0.015 -> 0.02.
    # Rounding each line would give 0.04, rounding the group total once 0.04 too.
    assert series[-1]["revenue"] == Decimal("0.04")


def test_a_missing_average_rate_is_a_finding_and_leaves_the_month_out():
    con, pack = group_books(drop_rate=("2026-04-30", "average"))
    result = run_skill(MFR, con, pack, "2026-05", None)
    assert result.status == "exceptions"
    assert [f.refs for f in result.findings] == [("fx_rates:2026-04-30/GBP/USD/average",)]
    series = by_month(result.metrics["series"])
    assert series["2026-04"]["revenue"] is None and series["2026-04"]["net_income"] is None
    assert series["2026-05"]["revenue"] == Decimal("2850.00")


def test_status_counts_come_from_the_run_results():
    from close.skill import Finding, Result

    con, pack = group_books()
    results = [Result("recon.bank", "US01", "pass"),
               Result("recon.bank", "UK01", "exceptions", findings=[Finding("high", "x", Decimal("1"))]),
               Result("tax.vat_return", "UK01", "skipped", "needs tax_codes.csv"),
               Result("je.trial_balance", "US01", "error", "boom")]
    metrics = run_skill(MFR, con, pack, "2026-05", None, run_results=results).metrics
    assert metrics["readiness"] == {"pass": 1, "exceptions": 1, "skipped": 1, "error": 1}
    assert metrics["reconciliations"] == {"pass": 1, "exceptions": 1, "skipped": 0, "error": 0}
    assert metrics["findings_by_severity"] == {"high": 1, "medium": 0, "low": 0}


def test_demo_series_ties_to_the_income_statements(demo_close):
    mfr = demo_close.result("close.mfr", None)
    assert mfr is not None and mfr.status == "pass", mfr and mfr.summary
    rows = mfr.metrics["entity_series"]
    statements = [r for r in demo_close.results if r.skill_id == "stmt.income_statement"]
    assert statements
    for statement in statements:
        now = next(r for r in rows if r["entity_id"] == statement.entity_id and r["month"] == "2026-05")
        before = next(r for r in rows if r["entity_id"] == statement.entity_id and r["month"] == "2026-04")
        assert now["revenue"] == statement.metrics["revenue"]
        assert now["net_income"] == statement.metrics["net_income"]
        assert before["revenue"] == statement.metrics["totals"]["revenue"]["prior"]
        assert before["net_income"] == statement.metrics["totals"]["net_income"]["prior"]
    reporting = mfr.metrics["reporting_currency"]
    group_may = next(r for r in mfr.metrics["series"] if r["month"] == "2026-05")
    expected = Decimal(0)
    for row in (r for r in rows if r["month"] == "2026-05"):
        expected += (row["revenue"] - row["intercompany_revenue"]) * row["average_rate"]
    assert group_may["revenue"] == cents(expected, reporting)
    assert mfr.metrics["series"][0]["month"] == "2025-01"


def test_demo_group_figures_tie_to_the_consolidated_income_statement(demo_close):
    mfr = demo_close.result("close.mfr", None)
    consolidated = demo_close.result("stmt.consolidation", None)
    # Seeded problems (an unbalanced entry) are findings; the statements are still stated.
    assert consolidated is not None and consolidated.status in ("pass", "exceptions"), \
        consolidated and consolidated.summary
    may = next(r for r in mfr.metrics["series"] if r["month"] == "2026-05")
    revenue = sum(line["amount"] for line in consolidated.metrics["income_statement"]
                  if line["section"] == "revenue" and line["kind"] == "line")
    assert may["revenue"] == revenue
    assert may["net_income"] == consolidated.metrics["net_income"]
    kpis = {k["key"]: k for k in mfr.metrics["kpis"]}
    assert kpis["net_income_ytd"]["value"] == consolidated.metrics["net_income_ytd"]


def test_euro_reporting_with_one_way_rates_and_a_missing_month():
    """Reporting in EUR with rates given EUR->USD and EUR->GBP only: figures translate
    through the inverse rates; a month without a rate is said to be not stated, never
    printed as 'None'."""
    con, _ = group_books()
    lines = [dict(zip([d[0] for d in con.execute("SELECT * FROM journal_lines").description], r))
             for r in con.execute("SELECT * FROM journal_lines ORDER BY je_id, line_no").fetchall()]
    fx = []
    for day, usd, gbp in (("2026-04-30", "1.10", "0.85"), ("2026-05-31", "1.12", "0.86")):
        for kind in ("average", "closing"):
            fx += [{"date": day, "from_currency": "EUR", "to_currency": "USD", "rate_type": kind, "rate": usd},
                   {"date": day, "from_currency": "EUR", "to_currency": "GBP", "rate_type": kind, "rate": gbp}]
    con, pack = build({"journal_lines": lines, "fx_rates": fx}, reporting_currency="EUR", base=parent_and_sub_books())
    result = run_skill(MFR, con, pack, "2026-05", None)
    may = by_month(result.metrics["series"])["2026-05"]
    assert may["revenue"] is not None
    assert f"group revenue {may['revenue']} EUR" in result.summary and "USD" not in result.summary
    con, pack = build({"journal_lines": lines, "fx_rates": [r for r in fx if r["date"] != "2026-05-31"
                                                            or r["rate_type"] != "average"]},
                      reporting_currency="EUR", base=parent_and_sub_books())
    result = run_skill(MFR, con, pack, "2026-05", None)
    assert "None" not in result.summary and "not stated" in result.summary
