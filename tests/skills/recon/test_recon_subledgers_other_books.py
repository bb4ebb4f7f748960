"""recon.ar_subledger / ap_subledger / subledger_completeness on books built with other
habits (issue 10): foreign-currency invoices, an invoice to a group company on the
intercompany receivable, books with no doc_ref at all, a 0-decimal currency."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.ap_subledger import SKILL as AP_SKILL
from skills.recon.ar_subledger import SKILL as AR_SKILL
from skills.recon.subledger_completeness import SKILL as COMPLETE

CASH, AR, ICAR, AP, REV = "1000", "1200", "1250", "2000", "4000"
ACCOUNTS = [account(CASH, "cash"), account(AR, "receivable"), account(AP, "payable"),
            account(ICAR, "intercompany_receivable"), account(REV, "revenue")]
EUR_ENTITY = {"entity_id": "E1", "name": "NL Co", "functional_currency": "EUR", "country": "NL",
              "parent_id": None, "ownership_pct": "100"}
RATES = [{"date": "2026-05-31", "from_currency": "EUR", "to_currency": "USD",
          "rate_type": "closing", "rate": "1.25"}]


def _invoice(inv, day, net, currency="EUR", customer="C1"):
    return {"entity_id": "E1", "invoice_id": inv, "customer_id": customer, "invoice_date": day,
            "due_date": day, "currency": currency, "net_amount": net, "tax_amount": "0",
            "tax_code": None}


def _sale(je, day, account_id, eur, doc, usd=None):
    extra = {"currency": "USD", "amount_txn": usd} if usd else {}
    return [line(je, 1, day, account_id, debit=eur, doc_ref=doc, **extra),
            line(je, 2, day, REV, credit=eur, doc_ref=doc, **({"currency": "USD", "amount_txn": f"-{usd}"} if usd else {}))]


def _books(lines, invoices, entity=EUR_ENTITY, receipts=()):
    return build({"entities": [entity], "fx_rates": RATES, "accounts": ACCOUNTS,
                  "journal_lines": lines, "ar_invoices": invoices, "ar_receipts": list(receipts),
                  "ap_bills": [], "ap_payments": []}, reporting_currency="EUR")


def test_usd_invoice_of_a_eur_entity_ties_in_its_currency():
    # USD 1,000.00 booked at 0.82 = EUR 820.00; the subledger knows only the USD amount.
    lines = (_sale("JE-1", "2026-05-10", AR, "820.00", "ar_invoices:INV-1", usd="1000.00")
             + _sale("JE-2", "2026-05-11", AR, "300.00", "ar_invoices:INV-2"))
    con, pack = _books(lines, [_invoice("INV-1", "2026-05-10", "1000.00", "USD"),
                               _invoice("INV-2", "2026-05-11", "300.00")])
    result = run_skill(AR_SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.metrics["control_balance"] == Decimal("1120.00")
    assert result.metrics["difference"] == Decimal("0")


def test_usd_invoice_posted_short_is_stated_in_eur_at_closing():
    lines = _sale("JE-1", "2026-05-10", AR, "738.00", "ar_invoices:INV-1", usd="900.00")
    con, pack = _books(lines, [_invoice("INV-1", "2026-05-10", "1000.00", "USD")])
    result = run_skill(AR_SKILL, con, pack, "2026-05", "E1")
    # USD 100.00 short, at the closing rate EUR->USD 1.25: EUR 80.00.
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("80.00"), "ar_invoices:INV-1")]


def test_invoice_to_a_group_company_on_the_intercompany_receivable():
    lines = (_sale("JE-1", "2026-05-10", AR, "300.00", "ar_invoices:INV-1")
             + _sale("JE-2", "2026-05-12", ICAR, "450.00", "ar_invoices:INV-2")
             # an intercompany charge with no AR document: not this subledger's
             + [line("JE-3", 1, "2026-05-31", ICAR, debit="99.00"), line("JE-3", 2, "2026-05-31", REV, credit="99.00")])
    con, pack = _books(lines, [_invoice("INV-1", "2026-05-10", "300.00"),
                               _invoice("INV-2", "2026-05-12", "450.00", customer="E2")])
    result = run_skill(AR_SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.metrics["subledger_open_items"] == result.metrics["control_balance"] == Decimal("750.00")


def _no_doc_ref_lines(extra=()):
    return ([line("JE-1", 1, "2026-05-10", AR, debit="300.00"), line("JE-1", 2, "2026-05-10", REV, credit="300.00"),
             line("JE-2", 1, "2026-05-20", CASH, debit="100.00"), line("JE-2", 2, "2026-05-20", AR, credit="100.00")]
            + list(extra))


RECEIPT = {"entity_id": "E1", "receipt_id": "R-1", "invoice_id": "INV-1", "date": "2026-05-20",
           "amount": "100.00"}


def test_books_without_doc_ref_tie_in_total():
    con, pack = _books(_no_doc_ref_lines(), [_invoice("INV-1", "2026-05-10", "300.00")], receipts=[RECEIPT])
    result = run_skill(AR_SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.metrics["difference"] == Decimal("0")
    completeness = run_skill(COMPLETE, con, pack, "2026-05", "E1")
    assert completeness.status == "skipped" and "doc_ref" in completeness.summary


def test_books_without_doc_ref_still_report_the_balance_difference():
    manual = [line("JE-9", 1, "2026-05-25", AR, debit="42.10"), line("JE-9", 2, "2026-05-25", REV, credit="42.10")]
    con, pack = _books(_no_doc_ref_lines(manual), [_invoice("INV-1", "2026-05-10", "300.00")],
                       receipts=[RECEIPT])
    result = run_skill(AR_SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in result.findings] == [(Decimal("42.10"), (f"accounts:{AR}",))]


def test_yen_payables_state_whole_yen():
    jpy = {**EUR_ENTITY, "functional_currency": "JPY", "country": "JP"}
    lines = [line("JE-1", 1, "2026-05-10", "6000", debit="55000", doc_ref="ap_bills:B-1"),
             line("JE-1", 2, "2026-05-10", AP, credit="55000", doc_ref="ap_bills:B-1"),
             line("JE-2", 1, "2026-05-12", "6000", debit="7300"), line("JE-2", 2, "2026-05-12", AP, credit="7300")]
    bill = {"entity_id": "E1", "bill_id": "B-1", "vendor_id": "V1", "bill_date": "2026-05-10",
            "due_date": "2026-06-10", "currency": "JPY", "net_amount": "50000", "tax_amount": "5000",
            "tax_code": None, "expense_account_id": "6000"}
    con, pack = build({"entities": [jpy], "accounts": ACCOUNTS + [account("6000", "opex", "expense")],
                       "journal_lines": lines, "ap_bills": [bill], "ap_payments": [],
                       "ar_invoices": [], "ar_receipts": []}, reporting_currency="JPY")
    result = run_skill(AP_SKILL, con, pack, "2026-05", "E1")
    assert [f.amount for f in result.findings] == [Decimal("7300")]
    assert "7300.00" not in result.findings[0].message and "62300.00" not in result.summary
    assert str(result.metrics["control_balance"]) == "62300"
