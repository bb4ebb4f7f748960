"""Accounting identities on every entity of the demo group, May 2026, to the cent.

The statements are only worth reading if they agree with each other: the balance sheet
balances, net income is the profit equity carries, the cash flow ends at the balance
sheet's cash, the equity statement closes at the balance sheet's equity, and the group
figures are the entities' figures translated, added up and eliminated. An entity with a
seeded case for a statement skill is exempt from that skill's identity (the case is the
deliberate break the known-answer test checks).
"""
from decimal import Decimal

import pytest


ZERO = Decimal("0")


@pytest.fixture(scope="module")
def run(demo_close):
    return demo_close


@pytest.fixture(scope="module")
def seeded(answer_key):
    return {(c["skill"], c["entity_id"]) for c in answer_key["cases"]}


def entity_ids(run):
    return [e.id for e in run.entities]


def metrics(run, skill_id, entity_id):
    result = run.result(skill_id, entity_id)
    assert result is not None and result.status in ("pass", "exceptions"), (skill_id, entity_id)
    return result.metrics


def line_total(lines, section):
    return sum((ln["amount"] for ln in lines if ln["section"] == section and ln["kind"] == "line"), ZERO)


def test_balance_sheet_balances(run, seeded):
    for eid in entity_ids(run):
        m = metrics(run, "stmt.balance_sheet", eid)
        for section in ("assets", "liabilities", "equity"):
            assert line_total(m["lines"], section) == m[f"total_{section}"], (eid, section)
        if ("stmt.balance_sheet", eid) in seeded:
            continue
        assert m["total_assets"] == m["total_liabilities"] + m["total_equity"], eid
        assert m["difference"] == ZERO and m["prior"]["difference"] == ZERO, eid


def test_net_income_ties_to_the_profit_in_equity(run, seeded):
    for eid in entity_ids(run):
        inc = metrics(run, "stmt.income_statement", eid)
        for key in ("amount", "ytd", "prior", "prior_year", "prior_year_ytd"):
            lines = sum((ln[key] for ln in inc["lines"] if ln["kind"] == "line"), ZERO)
            assert lines == inc["totals"]["net_income"][key], (eid, key)
        if ("stmt.income_statement", eid) in seeded or ("stmt.balance_sheet", eid) in seeded:
            continue
        bs = metrics(run, "stmt.balance_sheet", eid)
        assert inc["net_income_ytd"] == inc["equity_profit_ytd"] == bs["current_period_profit"], eid


def test_cash_flow_ends_at_balance_sheet_cash(run, seeded):
    for eid in entity_ids(run):
        if ("stmt.cash_flow", eid) in seeded:
            continue
        cf = metrics(run, "stmt.cash_flow", eid)
        assert cf["difference"] == ZERO and cf["ytd"]["difference"] == ZERO, eid
        assert cf["operating"] + cf["investing"] + cf["financing"] == cf["net_change_in_cash"], eid
        bs = metrics(run, "stmt.balance_sheet", eid)
        cash = [ln for ln in bs["lines"] if ln["line"] == "Cash and cash equivalents"][0]
        assert cf["cash_closing"] == cash["amount"] and cf["cash_opening"] == cash["prior"], eid


def test_equity_statement_closes_at_balance_sheet_equity(run, seeded):
    for eid in entity_ids(run):
        eq = metrics(run, "stmt.equity_changes", eid)
        bs = metrics(run, "stmt.balance_sheet", eid)
        assert eq["total_closing"] == bs["total_equity"], eid
        assert eq["total_opening"] + eq["profit"] + eq["other_movements"] == eq["total_closing"], eid


def run_fx(con, reporting_currency):
    from close.fx import FxRates
    return FxRates.from_connection(con, reporting_currency)


def test_translation_balances_and_group_adds_up(run, seeded, demo_books):
    group = run.result("stmt.consolidation", None)
    assert group is not None and group.status in ("pass", "exceptions")
    g = group.metrics
    for eid in entity_ids(run):
        t = metrics(run, "stmt.fx_translation", eid)
        if ("stmt.balance_sheet", eid) not in seeded:
            assert t["difference"] == ZERO, eid
    # Group totals are the exact translated sums rounded once (LEDGER-PACK.md), so they
    # are recomputed here from the exact figures, not from the entities' rounded totals.
    from close.money import cents
    from skills.stmt.consolidated import consolidate
    con, info = demo_books
    rc = info.reporting_currency
    exact = consolidate(con, run_fx(con, rc), run.entities, run.month,
                        info.fiscal_year_start_month, rc)
    assets = sum((a.amounts["amount_cum"] for t in exact.translations.values()
                  for a in t.accounts if a.type == "asset"), ZERO)
    net_income = -sum((a.amounts["ytd"] for t in exact.translations.values()
                       for a in t.accounts if a.type in ("revenue", "expense")), ZERO)
    receivables = sum((p.receivable for p in exact.pairs), ZERO)
    ic_margin = sum((p.revenue_ytd - p.expense_ytd for p in exact.pairs), ZERO)
    assert g["total_assets"] == cents(assets - receivables, rc)
    assert g["net_income_ytd"] == cents(net_income - ic_margin, rc)
    for eid in entity_ids(run):
        t = metrics(run, "stmt.fx_translation", eid)
        own = sum((a.amounts["amount_cum"] for a in exact.translations[eid].accounts
                   if a.type == "asset"), ZERO)
        assert t["total_assets"] == cents(own, rc), eid
    attributable = g["net_income_attributable"]
    assert (attributable["owners_of_parent"]["ytd"] + attributable["non_controlling_interests"]["ytd"]
            == g["net_income_ytd"])
    if not any(skill == "stmt.consolidation" for skill, _ in seeded):
        assert g["difference"] == ZERO
        assert g["total_assets"] == g["total_liabilities"] + g["total_equity"]


def test_minority_share_follows_ownership(run):
    g = run.result("stmt.consolidation", None).metrics
    partly_owned = [e for e in run.entities if e.ownership_pct is not None and e.ownership_pct < 100]
    assert partly_owned, "the demo group has a partly owned subsidiary"
    for e in partly_owned:
        nci = g["non_controlling_interests"][e.id]
        t = metrics(run, "stmt.fx_translation", e.id)
        share = (Decimal(100) - e.ownership_pct) / 100
        assert abs(nci["equity"] - t["total_equity"] * share) <= Decimal("0.05"), e.id
        assert abs(nci["profit_ytd"] - t["net_income_ytd"] * share) <= Decimal("0.05"), e.id


def test_segments_comparatives_and_kpis_agree_with_the_statements(run):
    for eid in entity_ids(run):
        inc = metrics(run, "stmt.income_statement", eid)
        seg = metrics(run, "stmt.segment_report", eid)
        assert seg["entity_total"]["operating_profit"] == inc["operating_profit"], eid
        comp = metrics(run, "stmt.comparatives", eid)
        assert comp["net_income"]["ytd"] == inc["net_income_ytd"], eid
        assert comp["net_income"]["prior_month"] == inc["totals"]["net_income"]["prior"], eid
        kpis = metrics(run, "flux.kpis", eid)
        assert kpis["net_income"] == inc["net_income"] and kpis["revenue"] == inc["revenue"], eid
        bridge = metrics(run, "flux.net_income_bridge", eid)
        assert bridge["end"] == inc["net_income"] and bridge["start"] == inc["totals"]["net_income"]["prior"]
