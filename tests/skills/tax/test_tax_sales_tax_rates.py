"""tax.sales_tax_rates: rate × net rounded half away from zero, per invoice."""
from decimal import Decimal

from tests.support.books import build, run_skill
from skills.tax.sales_tax_rates import SKILL


def _code(code, rate, tax_type="sales_tax", start="2020-01-01", end=None, rc=False):
    return {"tax_code": code, "jurisdiction": "US-CA", "tax_type": tax_type, "rate": rate,
            "effective_from": start, "effective_to": end, "gl_account_id": "2200",
            "reverse_charge": rc}


def _inv(inv, net, tax, code, day="2026-05-10"):
    return {"entity_id": "E1", "invoice_id": inv, "customer_id": "C1", "invoice_date": day,
            "due_date": day, "currency": "USD", "net_amount": net, "tax_amount": tax,
            "tax_code": code}


def _pack(invoices):
    return build({
        "customers": [{"customer_id": "C1", "name": "C", "country": "US", "region": "CA",
                       "tax_exempt": False}],
        "tax_codes": [_code("CA", "0.0725"), _code("HALF", "0.07"),
                      _code("RC", "0.20", "vat", rc=True), _code("OLD", "0.05", end="2025-12-31")],
        "ar_invoices": invoices,
    })


def test_half_cents_round_away_from_zero_both_signs():
    con, pack = _pack([_inv("I1", "0.50", "0.04", "HALF"), _inv("I2", "-0.50", "-0.04", "HALF"),
                       _inv("I3", "1000.00", "72.50", "CA"), _inv("I4", "900.00", "0.00", "RC"),
                       _inv("I5", "100.00", "9.00", "OLD")])  # outside its dates: not this skill's
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["invoices_checked"] == 4


def test_wrong_tax_is_a_finding_with_the_difference():
    con, pack = _pack([_inv("I1", "1000.00", "70.00", "CA"), _inv("I2", "0.50", "0.03", "HALF"),
                       _inv("I3", "100.00", "20.00", "RC"), _inv("I4", "10.00", "9.99", "CA", "2026-04-30")])
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert {f.refs: f.amount for f in result.findings} == {
        ("ar_invoices:I1",): Decimal("2.50"), ("ar_invoices:I2",): Decimal("0.01"),
        ("ar_invoices:I3",): Decimal("20.00")}
    assert run_skill(SKILL, con, pack, "2026-05", "E1", params={"tolerance": "0.01"}).metrics["invoices_wrong"] == 2
