"""tax.sales_tax_liability: collected, posted, remitted per jurisdiction."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.tax.sales_tax_liability import SKILL


def _inv(inv, day, tax, code):
    return {"entity_id": "E1", "invoice_id": inv, "customer_id": "C1", "invoice_date": day,
            "due_date": day, "currency": "USD", "net_amount": "100.00", "tax_amount": tax, "tax_code": code}


def _books(remit_wa="6.50"):
    lines = []
    for inv, day, tax in (("A1", "2026-04-10", "7.25"), ("A2", "2026-04-11", "6.50"),
                          ("M1", "2026-05-10", "7.25"), ("M2", "2026-05-11", "6.50")):
        lines += [line(inv, 1, day, "1100", debit=str(Decimal("100") + Decimal(tax)), doc_ref=f"ar_invoices:{inv}"),
                  line(inv, 2, day, "4000", credit="100.00", doc_ref=f"ar_invoices:{inv}"),
                  line(inv, 3, day, "2200", credit=tax, doc_ref=f"ar_invoices:{inv}")]
    lines += [line("R", 1, "2026-05-20", "2200", debit="7.25", description="Sales tax US-CA 2026-04"),
              line("R", 2, "2026-05-20", "2200", debit=remit_wa, description="Sales tax US-WA 2026-04"),
              line("R", 3, "2026-05-20", "1010", credit=str(Decimal("7.25") + Decimal(remit_wa)))]
    code = lambda c, r: {"tax_code": c, "jurisdiction": c, "tax_type": "sales_tax", "rate": r,
                         "effective_from": "2017-01-01", "effective_to": None, "gl_account_id": "2200",
                         "reverse_charge": False}
    return build({
        "accounts": [account("1100", "receivable"), account("4000", "revenue"), account("1010", "cash"),
                     account("2200", "tax_payable", type_="liability")],
        "tax_codes": [code("US-CA", "0.0725"), code("US-WA", "0.065")],
        "customers": [{"customer_id": "C1", "name": "C", "country": "US", "region": "CA", "tax_exempt": False}],
        "ar_invoices": [_inv("A1", "2026-04-10", "7.25", "US-CA"), _inv("A2", "2026-04-11", "6.50", "US-WA"),
                        _inv("M1", "2026-05-10", "7.25", "US-CA"), _inv("M2", "2026-05-11", "6.50", "US-WA")],
        "journal_lines": lines})


def test_remitted_on_time_passes():
    con, pack = _books()
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["liability_balance"] == result.metrics["collected_this_month"] == Decimal("13.75")


def test_short_remittance_is_found_once():
    con, pack = _books(remit_wa="2.50")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("4.00"), "tax_codes:US-WA")]
