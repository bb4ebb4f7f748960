"""recon.subledger_completeness: both directions."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.subledger_completeness import SKILL


def test_unposted_documents_and_undocumented_control_lines():
    con, pack = build({
        "accounts": [account("1200", "receivable"), account("2000", "payable"),
                     account("4000", "revenue"), account("6000", "opex")],
        "customers": [{"customer_id": "C1", "name": "C", "country": "US", "region": None,
                       "tax_exempt": False}],
        "ar_invoices": [{"entity_id": "E1", "invoice_id": inv, "customer_id": "C1",
                         "invoice_date": "2026-05-04", "due_date": "2026-06-04", "currency": "USD",
                         "net_amount": "100.00", "tax_amount": "8.00", "tax_code": None}
                        for inv in ("I1", "I2")],
        "ar_receipts": [], "ap_bills": [], "ap_payments": [],
        "journal_lines": [
            line("J1", 1, "2026-05-04", "1200", debit="108.00", doc_ref="ar_invoices:I1"),
            line("J1", 2, "2026-05-04", "4000", credit="108.00", doc_ref="ar_invoices:I1"),
            line("J2", 1, "2026-05-09", "6000", debit="30.00"),
            line("J2", 2, "2026-05-09", "2000", credit="30.00"),
            line("J3", 1, "2026-05-09", "1200", debit="5.00", doc_ref="ar_invoices:I9"),
            line("J3", 2, "2026-05-09", "4000", credit="5.00", doc_ref="ar_invoices:I9"),
        ]})
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert {f.refs: f.amount for f in result.findings} == {
        ("ar_invoices:I2",): Decimal("108.00"), ("journal_lines:J2",): Decimal("30.00"),
        ("journal_lines:J3",): Decimal("5.00")}
    assert run_skill(SKILL, con, pack, "2026-06", "E1").status == "pass"
