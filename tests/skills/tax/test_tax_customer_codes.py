"""tax.exempt_customers and tax.tax_code_validity on small books."""
from decimal import Decimal

from tests.support.books import account, build, run_skill
from skills.tax.exempt_customers import SKILL as EXEMPT
from skills.tax.tax_code_validity import SKILL as VALIDITY


def _code(code, jurisdiction, rate, account_id="2200", tax_type="sales_tax", start="2020-01-01", end=None):
    return {"tax_code": code, "jurisdiction": jurisdiction, "tax_type": tax_type, "rate": rate,
            "effective_from": start, "effective_to": end, "gl_account_id": account_id,
            "reverse_charge": False}


def _customer(cid, region, exempt=False, country="US"):
    return {"customer_id": cid, "name": f"Customer {cid}", "country": country, "region": region,
            "tax_exempt": exempt}


def _inv(inv, cid, net, tax, code):
    return {"entity_id": "E1", "invoice_id": inv, "customer_id": cid, "invoice_date": "2026-05-11",
            "due_date": "2026-06-10", "currency": "USD", "net_amount": net, "tax_amount": tax,
            "tax_code": code}


def _books(invoices, bills=()):
    return build({
        "accounts": [account("2200", "tax_payable", type_="liability"), account("1450", "tax_receivable"),
                     account("6000", "opex")],
        "tax_codes": [_code("US-CA", "US-CA", "0.0725"), _code("US-TX", "US-TX", "0.0625"),
                      _code("US-IL", "US-IL", "0.0625"), _code("US-OLD", "US-CA", "0.07", end="2025-12-31"),
                      _code("US-WHT", "US", "0.30", tax_type="withholding"),
                      _code("GB-S20", "GB", "0.20", tax_type="vat"),
                      _code("US-IN", "US-CA", "0.0725", account_id="1450")],
        "customers": [_customer("C-CA", "CA"), _customer("C-TX", "TX"), _customer("C-EX", "CA", exempt=True),
                      _customer("C-OR", "OR"), _customer("C-ON", "ON", country="CA")],
        "vendors": [{"vendor_id": "V1", "name": "V", "country": "US", "tax_id": None, "is_1099": False,
                     "withholding_rate": None}],
        "ar_invoices": invoices,
        "ap_bills": list(bills),
    })


def test_exempt_charged_and_taxable_missing():
    con, pack = _books([_inv("I1", "C-EX", "1000.00", "72.50", "US-CA"),   # exempt, taxed
                        _inv("I2", "C-CA", "200.00", "0.00", None),        # taxable, no tax
                        _inv("I3", "C-OR", "500.00", "0.00", None),        # no sales tax state
                        _inv("I4", "C-ON", "500.00", "0.00", None),        # export
                        _inv("I5", "C-EX", "300.00", "0.00", None),        # exempt, clean
                        _inv("I6", "C-TX", "100.00", "6.25", "US-TX")])    # clean
    result = run_skill(EXEMPT, con, pack, "2026-05", "E1")
    assert {f.refs[0]: f.amount for f in result.findings} == {
        "ar_invoices:I1": Decimal("72.50"), "ar_invoices:I2": Decimal("14.50")}


def test_code_validity_reasons():
    bill = {"entity_id": "E1", "bill_id": "B1", "vendor_id": "V1", "bill_date": "2026-05-12",
            "due_date": "2026-06-12", "currency": "USD", "net_amount": "100.00", "tax_amount": "7.25",
            "tax_code": "US-CA", "expense_account_id": "6000"}
    con, pack = _books([_inv("I1", "C-TX", "100.00", "6.25", "US-IL"),   # wrong state
                        _inv("I2", "C-CA", "100.00", "7.00", "US-OLD"),  # expired
                        _inv("I3", "C-CA", "100.00", "30.00", "US-WHT"),  # wrong type
                        _inv("I4", "C-CA", "100.00", "20.00", "GB-S20"),  # other country
                        _inv("I5", "C-CA", "100.00", "7.25", "US-IN"),   # input code on a sale
                        _inv("I6", "C-CA", "100.00", "7.25", "US-CA")],  # fine
                       bills=[bill, dict(bill, bill_id="B2", tax_code="US-IN")])  # output code on a bill; fine
    result = run_skill(VALIDITY, con, pack, "2026-05", "E1")
    found = {f.refs[0]: f.amount for f in result.findings}
    assert found == {"ar_invoices:I1": Decimal("6.25"), "ar_invoices:I2": Decimal("7.00"),
                     "ar_invoices:I3": Decimal("30.00"), "ar_invoices:I4": Decimal("20.00"),
                     "ar_invoices:I5": Decimal("7.25"), "ap_bills:B1": Decimal("7.25")}
