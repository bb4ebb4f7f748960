"""recon.tax_accounts: each document's tax against its tax-account postings."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.tax_accounts import SKILL


def _tables(invoice_tax_posted="80.00", withholding_posted=True):
    lines = [line("J1", 1, "2026-05-04", "1200", debit="1080.00", doc_ref="ar_invoices:I1"),
             line("J1", 2, "2026-05-04", "4000", credit="1000.00", doc_ref="ar_invoices:I1"),
             line("J1", 3, "2026-05-04", "2200", credit=invoice_tax_posted, doc_ref="ar_invoices:I1"),
             line("J2", 1, "2026-05-05", "6000", debit="500.00", doc_ref="ap_bills:B1"),
             line("J2", 2, "2026-05-05", "1450", debit="100.00", doc_ref="ap_bills:B1"),
             line("J2", 3, "2026-05-05", "2210", credit="100.00", doc_ref="ap_bills:B1"),
             line("J2", 4, "2026-05-05", "2000", credit="500.00", doc_ref="ap_bills:B1"),
             line("J3", 1, "2026-05-20", "2000", debit="500.00", doc_ref="ap_payments:P1"),
             line("J3", 2, "2026-05-20", "1010", credit="350.00" if withholding_posted else "500.00",
                doc_ref="ap_payments:P1"),
             line("J4", 1, "2026-05-25", "2200", debit="55.00", source="tax"),
             line("J4", 2, "2026-05-25", "1010", credit="55.00", source="tax")]
    if withholding_posted:
        lines.append(line("J3", 3, "2026-05-20", "2230", credit="150.00", doc_ref="ap_payments:P1"))
    return {
        "accounts": [account("1200", "receivable"), account("4000", "revenue"), account("6000", "opex"),
                     account("2000", "payable"), account("1010", "cash"), account("1450", "tax_receivable"),
                     account("2200", "tax_payable", type_="liability"),
                     account("2210", "tax_payable", type_="liability"),
                     account("2230", "tax_payable", type_="liability")],
        "tax_codes": [{"tax_code": "ST", "jurisdiction": "US-CA", "tax_type": "sales_tax", "rate": "0.08",
                       "effective_from": "2020-01-01", "effective_to": None, "gl_account_id": "2200",
                       "reverse_charge": False},
                      {"tax_code": "RC", "jurisdiction": "US", "tax_type": "vat", "rate": "0.20",
                       "effective_from": "2020-01-01", "effective_to": None, "gl_account_id": "2210",
                       "reverse_charge": True}],
        "customers": [{"customer_id": "C1", "name": "C", "country": "US", "region": "CA", "tax_exempt": False}],
        "vendors": [{"vendor_id": "V1", "name": "V", "country": "DE", "tax_id": None, "is_1099": False,
                     "withholding_rate": "0.30"}],
        "ar_invoices": [{"entity_id": "E1", "invoice_id": "I1", "customer_id": "C1", "invoice_date": "2026-05-04",
                         "due_date": "2026-06-04", "currency": "USD", "net_amount": "1000.00",
                         "tax_amount": "80.00", "tax_code": "ST"}],
        "ap_bills": [{"entity_id": "E1", "bill_id": "B1", "vendor_id": "V1", "bill_date": "2026-05-05",
                      "due_date": "2026-06-05", "currency": "USD", "net_amount": "500.00", "tax_amount": "0.00",
                      "tax_code": "RC", "expense_account_id": "6000"}],
        "ap_payments": [{"entity_id": "E1", "payment_id": "P1", "bill_id": "B1", "date": "2026-05-20",
                         "amount": "500.00", "withholding_amount": "150.00"}],
        "journal_lines": lines}


def test_clean_documents_tie_and_settlements_are_shown():
    con, pack = build(_tables())
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["movement_without_document"] == Decimal("-55.00")


def test_wrong_and_missing_tax_postings():
    tables = _tables(invoice_tax_posted="70.00", withholding_posted=False)
    tables["journal_lines"][1]["credit"] = "1010.00"
    con, pack = build(tables)
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert {f.refs[0]: f.amount for f in result.findings} == {
        "ar_invoices:I1": Decimal("10.00"), "ap_payments:P1": Decimal("150.00")}


# --- balances, not just movements (issue 10, class 4) -----------------------------------

from tests.support.vat_books import OUT, vat_books  # noqa: E402


def test_clean_months_of_vat_and_settlements_tie_at_the_balance():
    con, pack = vat_books()
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    tied = {m["account_id"]: m for m in result.metrics["balances_tied"]}
    assert tied[OUT]["closing"] == tied[OUT]["expected"] == Decimal("211.05")  # May's output VAT


def test_an_error_posted_months_earlier_is_found_at_the_balance_with_its_month():
    con, pack = vat_books(misposting_month="02")   # May's movement ties; the balance does not
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("50.00"), f"accounts:{OUT}")]
    assert "journal_lines:MX02" in result.findings[0].refs
    assert "arose in 2026-02" in result.findings[0].message


def test_a_short_payment_to_the_authority_is_not_a_balance_error():
    # the liability stays right (the tax is still owed): the filing skills judge the payment
    con, pack = vat_books(short_settlement=Decimal("10.00"))
    assert run_skill(SKILL, con, pack, "2026-05", "E1").status == "pass"


def test_reverse_charge_posted_both_ways_on_other_accounts_is_clean():
    con, pack = vat_books(reverse_charge="posted")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings


def test_reverse_charge_missing_from_the_books_is_one_finding_on_the_bill():
    con, pack = vat_books(reverse_charge="missing")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("84.00"), "ap_bills:RC1")]
