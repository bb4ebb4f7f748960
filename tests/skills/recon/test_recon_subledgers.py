"""recon.ar_subledger and recon.ap_subledger: the tie and its causes, to the cent."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.ap_subledger import SKILL as AP_SKILL
from skills.recon.ar_subledger import SKILL as AR_SKILL

CASH, AR, AP, REV, EXP, WHT = "1000", "1200", "2000", "4000", "6000", "2300"
ACCOUNTS = [account(CASH, "cash"), account(AR, "receivable"), account(AP, "payable"),
            account(REV, "revenue"), account(EXP, "opex"),
            account(WHT, "tax_payable", type_="liability")]


def _invoice(inv, day, net, tax="0.00"):
    return {"entity_id": "E1", "invoice_id": inv, "customer_id": "C1", "invoice_date": day,
            "due_date": day, "currency": "USD", "net_amount": net, "tax_amount": tax,
            "tax_code": None}


def _ar_tables(extra_lines=(), invoices=None):
    invoices = invoices or [_invoice("INV-1", "2026-04-10", "1000.00", "80.00"),
                            _invoice("INV-2", "2026-05-10", "500.00")]
    lines = [
        line("JE-1", 1, "2026-04-10", AR, debit="1080.00", doc_ref="ar_invoices:INV-1"),
        line("JE-1", 2, "2026-04-10", REV, credit="1080.00", doc_ref="ar_invoices:INV-1"),
        line("JE-2", 1, "2026-05-10", AR, debit="500.00", doc_ref="ar_invoices:INV-2"),
        line("JE-2", 2, "2026-05-10", REV, credit="500.00", doc_ref="ar_invoices:INV-2"),
        line("JE-3", 1, "2026-05-01", CASH, debit="1080.00", doc_ref="ar_receipts:R-1"),
        line("JE-3", 2, "2026-05-01", AR, credit="1080.00", doc_ref="ar_receipts:R-1"),
        *extra_lines,
    ]
    return {
        "accounts": ACCOUNTS, "journal_lines": lines, "ar_invoices": invoices,
        "customers": [{"customer_id": "C1", "name": "C", "country": "US", "region": "CA",
                       "tax_exempt": False}],
        "ar_receipts": [{"entity_id": "E1", "receipt_id": "R-1", "invoice_id": "INV-1",
                         "date": "2026-05-01", "amount": "1080.00"}],
    }


def test_ar_ties_when_every_document_is_posted():
    con, pack = build(_ar_tables())
    result = run_skill(AR_SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["subledger_open_items"] == Decimal("500.00")
    assert result.metrics["control_balance"] == Decimal("500.00")
    assert result.metrics["open_invoices"] == 1


def test_ar_difference_splits_into_its_causes():
    manual = [line("JE-9", 1, "2026-05-20", AR, debit="75.25"),
              line("JE-9", 2, "2026-05-20", REV, credit="75.25")]
    invoices = [_invoice("INV-1", "2026-04-10", "1000.00", "80.00"),
                _invoice("INV-2", "2026-05-10", "500.00"),
                _invoice("INV-3", "2026-05-30", "40.00")]  # never posted
    con, pack = build(_ar_tables(manual, invoices))
    result = run_skill(AR_SKILL, con, pack, "2026-05", "E1")
    m = result.metrics
    assert m["difference"] == m["control_balance"] - m["subledger_open_items"] == Decimal("35.25")
    found = {f.refs: f.amount for f in result.findings}
    assert found == {("journal_lines:JE-9",): Decimal("75.25"),
                     ("ar_invoices:INV-3",): Decimal("40.00")}


def test_ar_document_posted_with_another_amount_names_both():
    wrong = [line("JE-2", 1, "2026-05-10", AR, debit="500.00", doc_ref="ar_invoices:INV-2"),
             line("JE-2", 2, "2026-05-10", REV, credit="500.00", doc_ref="ar_invoices:INV-2")]
    tables = _ar_tables()
    tables["journal_lines"] = [l for l in tables["journal_lines"] if l["je_id"] != "JE-2"]
    tables["journal_lines"] += [dict(l, je_id="JE-5", debit="550.00" if l["debit"] != "0" else "0",
                                     credit="550.00" if l["credit"] != "0" else "0")
                                for l in wrong]
    con, pack = build(tables)
    result = run_skill(AR_SKILL, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [
        (("ar_invoices:INV-2", "journal_lines:JE-5"), Decimal("50.00"))]


def test_ar_after_month_end_is_ignored():
    con, pack = build(_ar_tables())
    result = run_skill(AR_SKILL, con, pack, "2026-04", "E1")
    assert result.metrics["subledger_open_items"] == Decimal("1080.00")
    assert result.status == "pass"


def _ap_tables(payment_lines):
    return {
        "accounts": ACCOUNTS,
        "vendors": [{"vendor_id": "V1", "name": "V", "country": "US", "tax_id": None,
                     "is_1099": True, "withholding_rate": "0.10"}],
        "ap_bills": [{"entity_id": "E1", "bill_id": "B-1", "vendor_id": "V1",
                      "bill_date": "2026-05-02", "due_date": "2026-05-30", "currency": "USD",
                      "net_amount": "1000.00", "tax_amount": "0.00", "tax_code": None,
                      "expense_account_id": EXP}],
        "ap_payments": [{"entity_id": "E1", "payment_id": "P-1", "bill_id": "B-1",
                         "date": "2026-05-20", "amount": "600.00", "withholding_amount": "60.00"}],
        "journal_lines": [
            line("JE-1", 1, "2026-05-02", EXP, debit="1000.00", doc_ref="ap_bills:B-1"),
            line("JE-1", 2, "2026-05-02", AP, credit="1000.00", doc_ref="ap_bills:B-1"),
            *payment_lines],
    }


def test_ap_payment_settles_the_bill_withholding_included():
    lines = [line("JE-2", 1, "2026-05-20", AP, debit="600.00", doc_ref="ap_payments:P-1"),
             line("JE-2", 2, "2026-05-20", CASH, credit="540.00", doc_ref="ap_payments:P-1"),
             line("JE-2", 3, "2026-05-20", WHT, credit="60.00", doc_ref="ap_payments:P-1")]
    con, pack = build(_ap_tables(lines))
    result = run_skill(AP_SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["subledger_open_items"] == Decimal("400.00")
    assert result.metrics["control_balance"] == Decimal("400.00")


def test_ap_payment_posted_net_of_withholding_is_found():
    lines = [line("JE-2", 1, "2026-05-20", AP, debit="540.00", doc_ref="ap_payments:P-1"),
             line("JE-2", 2, "2026-05-20", CASH, credit="540.00", doc_ref="ap_payments:P-1")]
    con, pack = build(_ap_tables(lines))
    result = run_skill(AP_SKILL, con, pack, "2026-05", "E1")
    assert result.metrics["difference"] == Decimal("60.00")
    assert [(f.refs, f.amount) for f in result.findings] == [
        (("ap_payments:P-1", "journal_lines:JE-2"), Decimal("60.00"))]
