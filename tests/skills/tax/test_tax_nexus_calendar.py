"""tax.economic_nexus and tax.filing_calendar."""
from decimal import Decimal

from tests.support.books import account, build, run_skill
from skills.tax.economic_nexus import SKILL as NEXUS
from skills.tax.filing_calendar import SKILL as CALENDAR


def _inv(inv, cid, day, net, tax="0.00", code=None):
    return {"entity_id": "E1", "invoice_id": inv, "customer_id": cid, "invoice_date": day,
            "due_date": day, "currency": "USD", "net_amount": net, "tax_amount": tax, "tax_code": code}


def _books(invoices):
    return build({
        "accounts": [account("2200", "tax_payable", type_="liability")],
        "tax_codes": [{"tax_code": "US-CA", "jurisdiction": "US-CA", "tax_type": "sales_tax", "rate": "0.0725",
                       "effective_from": "2017-01-01", "effective_to": None, "gl_account_id": "2200",
                       "reverse_charge": False}],
        "customers": [{"customer_id": c, "name": c, "country": "US", "region": r, "tax_exempt": False}
                      for c, r in (("C-CA", "CA"), ("C-CO", "CO"), ("C-OR", "OR"), ("C-CO2", "CO"))],
        "ar_invoices": invoices})


def test_nexus_over_twelve_months():
    con, pack = _books([_inv("I1", "C-CO", "2025-06-01", "60000.00"),   # in the window
                        _inv("I2", "C-CO2", "2026-05-02", "40000.00"),
                        _inv("I3", "C-CO", "2025-05-31", "90000.00"),   # before the window
                        _inv("I4", "C-OR", "2026-01-01", "500000.00"),  # no sales tax in OR
                        _inv("I5", "C-CA", "2026-01-01", "500000.00", "36250.00", "US-CA")])
    result = run_skill(NEXUS, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in result.findings] == [
        (Decimal("100000.00"), ("customers:C-CO", "customers:C-CO2"))]
    assert run_skill(NEXUS, con, pack, "2026-05", "E1", params={"sales_threshold": "100000.01"}).status == "pass"


def test_calendar_lists_next_months_returns():
    con, pack = _books([_inv("I1", "C-CA", "2026-05-03", "100.00", "7.25", "US-CA"),
                        _inv("I2", "C-CA", "2026-04-03", "100.00", "7.25", "US-CA")])
    result = run_skill(CALENDAR, con, pack, "2026-05", "E1")
    assert result.status == "pass"
    assert [(l["line"][:20], str(l["due"]), l["amount"]) for l in result.metrics["lines"]] == [
        ("Sales tax return US-", "2026-06-20", Decimal("7.25"))]
    feb = run_skill(CALENDAR, con, pack, "2026-01", "E1", params={"sales_tax_day": 31})
    assert feb.metrics["lines"] == []
