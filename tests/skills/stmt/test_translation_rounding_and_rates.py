"""Translation and consolidation: exact products rounded once, rates given one way only.

LEDGER-PACK.md: totals are sums of exact translated amounts rounded once (a rounded line
never moves a total); a rate given one way only is inverted, a pair with no rate crosses
through the reporting currency, and a missing rate is a finding, not a guess.
"""
from datetime import date, datetime
from decimal import Decimal

from skills.stmt.consolidation import SKILL as CONSOLIDATION
from skills.stmt.fx_revaluation import SKILL as REVALUATION
from skills.stmt.fx_translation import SKILL as TRANSLATION
from tests.support.books import Books, statement_books


def half_cent_group() -> Books:
    """UK01's three asset lines each translate to 0.015 USD: 0.02 each when rounded, 0.045
    (0.05) together."""
    b = statement_books()
    b.entity("US01")
    b.entity("UK01", currency="GBP", country="GB", parent_id="US01", ownership_pct="100")
    for day in ("2025-12-31", "2026-01-31"):
        for kind in ("closing", "average"):
            b.rate(day, "GBP", "USD", kind, "1.5")
    b.post("UK01", "2026-01-01", [("1000", "0.01"), ("1100", "0.01"), ("1500", "0.01"),
                                  ("3000", "-0.03")])
    return b


def written(result, name):
    return [ln["amount"] for ln in result.metrics["lines"] if ln["line"] == name]


def test_consolidated_totals_are_exact_sums_rounded_once():
    b = half_cent_group()
    r = b.result([CONSOLIDATION], "stmt.consolidation", "2026-01", None)
    assert r.status == "pass", [f.message for f in r.findings]
    for line in ("Cash and cash equivalents", "Trade receivables", "Property, plant and equipment"):
        assert written(r, line) == [Decimal("0.02")]          # 0.015, rounded once
    m = r.metrics
    assert m["total_assets"] == Decimal("0.05")                # 0.045, not 0.02 x 3
    assert written(r, "Total assets") == [Decimal("0.05")]
    assert m["total_equity"] == m["total_assets"] - m["total_liabilities"] == Decimal("0.05")
    assert m["difference"] == Decimal("0.00")


def test_entity_translation_totals_are_exact_sums_rounded_once():
    b = half_cent_group()
    r = b.result([TRANSLATION], "stmt.fx_translation", "2026-01", "UK01")
    m = r.metrics
    assert m["total_assets"] == Decimal("0.05")
    assert m["total_equity"] == m["total_assets"] - m["total_liabilities"]
    assert m["difference"] == Decimal("0.00")


def yen_group() -> Books:
    """EUR reporting; JP01 keeps yen books; US01 holds a yen deposit. Rates are given one
    way only: EUR->JPY and USD->EUR."""
    b = statement_books(reporting_currency="EUR")
    b.entity("NL01", currency="EUR", country="NL")
    b.entity("JP01", currency="JPY", country="JP", parent_id="NL01", ownership_pct="70")
    b.entity("US01", currency="USD", country="US", parent_id="NL01", ownership_pct="100")
    for day, closing, average in (("2026-03-31", "160", "160"), ("2026-04-30", "150", "155")):
        b.rate(day, "EUR", "JPY", "closing", closing)
        b.rate(day, "EUR", "JPY", "average", average)
    for day, rate in (("2026-03-31", "0.9"), ("2026-04-30", "0.8")):
        b.rate(day, "USD", "EUR", "closing", rate)
        b.rate(day, "USD", "EUR", "average", rate)
    b.post("NL01", "2026-04-01", [("1000", "1000.00"), ("3000", "-1000.00")])
    b.post("JP01", "2026-04-01", [("1000", "1000000"), ("3000", "-1000000")])
    b.post("JP01", "2026-04-10", [("1000", "31000"), ("4000", "-31000")])
    b.post("US01", "2026-04-01", [("1000", "100.00"), ("3000", "-100.00")])
    # US01 buys 16,000 yen for 100 USD at 160 JPY/USD into a yen bank account
    b.insert("accounts", account_id="1010", name="Cash JPY", type="asset", subtype="cash",
             statement_line="Cash and cash equivalents", active=True)
    for no, (account, amount, txn) in enumerate((("1010", "100.00", "16000"),
                                                 ("1000", "-100.00", None)), start=1):
        b.insert("journal_lines", entity_id="US01", je_id="FXBUY", line_no=no,
                 posting_date=date(2026, 4, 15), document_date=date(2026, 4, 15),
                 account_id=account, debit=max(Decimal(amount), Decimal(0)),
                 credit=max(-Decimal(amount), Decimal(0)), currency="JPY" if txn else None,
                 amount_txn=Decimal(txn) if txn else None, description="buy yen",
                 source="bank", preparer="ann", approver="bob", counterparty=None,
                 created_at=datetime(2026, 4, 15, 12))
    return b


def test_a_rate_given_one_way_is_inverted():
    b = yen_group()
    r = b.result([TRANSLATION], "stmt.fx_translation", "2026-04", "JP01")
    assert r.status == "pass", [f.message for f in r.findings]
    # cash 1,031,000 JPY / 150 = 6873.333.. EUR; share capital at March's closing 1/160;
    # revenue 31,000 JPY / 155 = 200 EUR
    assert written(r, "Cash and cash equivalents") == [Decimal("6873.33")]
    assert written(r, "Share capital") == [Decimal("6250.00")]
    assert r.metrics["net_income"] == Decimal("200.00")
    assert r.metrics["difference"] == Decimal("0.00")
    m = r.metrics
    assert m["total_equity"] == m["total_assets"] - m["total_liabilities"]


def test_a_pair_with_no_rate_crosses_through_the_reporting_currency():
    b = yen_group()
    r = b.result([REVALUATION], "stmt.fx_revaluation", "2026-04", "US01")
    # JPY->USD = (1/150 EUR per yen) x (1/0.8 USD per EUR): 16,000 yen = 133.33 USD
    (pool,) = r.metrics["pools"]
    assert pool["closing_rate"] == (Decimal(1) / Decimal(150)) * (Decimal(1) / Decimal("0.8"))
    assert pool["remeasured"] == Decimal("133.33")
    assert [f.amount for f in r.findings] == [Decimal("33.33")]


def test_without_bank_accounts_a_cash_account_in_several_currencies_is_functional():
    """A dollar account that once paid a yen amount (the line notes the yen) is not a yen
    deposit: without bank_accounts.csv only an account whose every line is in one foreign
    currency is remeasured."""
    b = yen_group()
    for no, (account, amount, txn) in enumerate((("2000", "50.00", None),
                                                 ("1000", "-50.00", "8000")), start=1):
        b.insert("journal_lines", entity_id="US01", je_id="PAYJP", line_no=no,
                 posting_date=date(2026, 4, 20), document_date=date(2026, 4, 20),
                 account_id=account, debit=max(Decimal(amount), Decimal(0)),
                 credit=max(-Decimal(amount), Decimal(0)), currency="JPY" if txn else None,
                 amount_txn=-Decimal(txn) if txn else None, description="pay yen supplier",
                 source="bank", preparer="ann", approver="bob", counterparty=None,
                 created_at=datetime(2026, 4, 20, 12))
    r = b.result([REVALUATION], "stmt.fx_revaluation", "2026-04", "US01")
    assert [p["account_id"] for p in r.metrics["pools"]] == ["1010"]


def test_a_missing_rate_is_a_finding_in_translation_and_consolidation():
    b = yen_group()
    b.con.execute("DELETE FROM fx_rates WHERE from_currency = 'EUR' AND rate_type = 'average'"
                  " AND date = DATE '2026-04-30'")
    r = b.result([TRANSLATION], "stmt.fx_translation", "2026-04", "JP01")
    assert r.status == "exceptions"
    assert any("average JPY->EUR 2026-04-30" in f.message for f in r.findings)
    g = b.result([CONSOLIDATION], "stmt.consolidation", "2026-04", None)
    assert g.status == "exceptions" and all(f.amount is None for f in g.findings)


def test_review_group_figures_agree_with_the_consolidation_to_the_cent():
    """close.mfr's group figures (skills/close/_group_figures.py) round as the
    consolidation does: once, on the exact group sum."""
    from close.registry import Registry
    mfr = Registry.discover(include_plugins=False).get("close.mfr")
    b = statement_books()
    b.entity("US01")
    b.entity("UK01", currency="GBP", country="GB", parent_id="US01", ownership_pct="100")
    b.entity("DE01", currency="EUR", country="DE", parent_id="US01", ownership_pct="100")
    for kind in ("closing", "average"):
        b.rate("2026-05-31", "GBP", "USD", kind, "1.25")
        b.rate("2026-05-31", "EUR", "USD", kind, "1.5")
    b.post("UK01", "2026-05-05", [("1100", "0.01"), ("4000", "-0.01")])
    b.post("UK01", "2026-05-06", [("1100", "0.01"), ("4000", "-0.01")])
    b.post("DE01", "2026-05-05", [("1100", "0.01"), ("4000", "-0.01")])
    outcome = b.close([CONSOLIDATION, mfr], "2026-05")
    consolidated = outcome.result("stmt.consolidation", None).metrics
    may = outcome.result("close.mfr", None).metrics["series"][-1]
    # 0.025 + 0.015 = 0.04 exactly; rounding each entity's account first would give 0.05
    assert may["net_income"] == consolidated["net_income"] == Decimal("0.04")
    assert may["revenue"] == Decimal("0.04")
