"""tax.vat_reverse_charge: foreign services self-assessed, domestic ones not."""
from decimal import Decimal

from tests.support.books import DEFAULT_ENTITY, account, build, run_skill
from skills.tax.vat_reverse_charge import SKILL

GB = dict(DEFAULT_ENTITY, country="GB", functional_currency="GBP")


def _bill(bid, vendor, net, tax, code, account_id="6300"):
    return {"entity_id": "E1", "bill_id": bid, "vendor_id": vendor, "bill_date": "2026-05-15",
            "due_date": "2026-06-15", "currency": "GBP", "net_amount": net, "tax_amount": tax,
            "tax_code": code, "expense_account_id": account_id}


def _books(bills, entity=GB):
    vendors = [{"vendor_id": v, "name": f"Vendor {v}", "country": c, "tax_id": None, "is_1099": False,
                "withholding_rate": None} for v, c in (("IE1", "IE"), ("GB1", "GB"))]
    return build({
        "entities": [entity],
        "fx_rates": [{"date": "2026-05-31", "from_currency": "GBP", "to_currency": "USD",
                      "rate_type": "closing", "rate": "1.25"}],
        "accounts": [account("6300", "opex"), account("1300", "inventory"),
                     account("2210", "tax_payable", type_="liability"), account("1450", "tax_receivable")],
        "tax_codes": [{"tax_code": "GB-RC20", "jurisdiction": "GB", "tax_type": "vat", "rate": "0.20",
                       "effective_from": "2021-01-01", "effective_to": None, "gl_account_id": "2210",
                       "reverse_charge": True},
                      {"tax_code": "GB-P20", "jurisdiction": "GB", "tax_type": "vat", "rate": "0.20",
                       "effective_from": "2011-01-04", "effective_to": None, "gl_account_id": "1450",
                       "reverse_charge": False}],
        "vendors": vendors, "ap_bills": bills})


def test_reverse_charge_cases():
    con, pack = _books([_bill("B1", "IE1", "3961.75", "0.00", None),          # missing: 792.35
                        _bill("B2", "IE1", "100.00", "0.00", "GB-RC20"),      # right
                        _bill("B3", "IE1", "100.00", "20.00", "GB-RC20"),     # foreign VAT charged
                        _bill("B4", "GB1", "50.00", "0.00", "GB-RC20"),       # domestic: wrong
                        _bill("B5", "GB1", "50.00", "10.00", "GB-P20"),       # domestic: right
                        _bill("B6", "IE1", "70.00", "0.00", None, "1300")])   # goods: not this check
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert {f.refs[0]: f.amount for f in result.findings} == {
        "ap_bills:B1": Decimal("792.35"), "ap_bills:B3": Decimal("20.00"), "ap_bills:B4": Decimal("10.00")}


def test_no_reverse_charge_regime():
    con, pack = _books([_bill("B1", "IE1", "100.00", "0.00", None)], entity=dict(GB, country="US"))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "skipped" and "no reverse-charge VAT code" in result.summary
