"""tax.vat_return: boxes from documents, reverse charge on both sides, tie to GL by document."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.tax.vat_return import SKILL

AR, AP, REV, EXP, OUT, INP, RCV, CASH = "1200", "2000", "4000", "6000", "2210", "1410", "2215", "1000"


def _code(code, rate, account_id, rc=False):
    return {"tax_code": code, "jurisdiction": "GB", "tax_type": "vat", "rate": rate,
            "effective_from": "2020-01-01", "effective_to": None, "gl_account_id": account_id,
            "reverse_charge": rc}


def _tables(invoice_vat_posted="200.00"):
    return {
        "accounts": [account(AR, "receivable"), account(AP, "payable"), account(REV, "revenue"),
                     account(EXP, "opex"), account(OUT, "tax_payable", type_="liability"),
                     account(INP, "tax_receivable"), account(RCV, "tax_payable", type_="liability"),
                     account(CASH, "cash")],
        "tax_codes": [_code("GB-OUT", "0.20", OUT), _code("GB-IN", "0.20", INP),
                      _code("GB-RC", "0.20", RCV, rc=True)],
        "customers": [{"customer_id": "C1", "name": "C", "country": "GB", "region": None,
                       "tax_exempt": False}],
        "vendors": [{"vendor_id": "V1", "name": "V", "country": "DE", "tax_id": None,
                     "is_1099": False, "withholding_rate": None}],
        "ar_invoices": [{"entity_id": "E1", "invoice_id": "I1", "customer_id": "C1",
                         "invoice_date": "2026-05-05", "due_date": "2026-06-05", "currency": "USD",
                         "net_amount": "1000.00", "tax_amount": "200.00", "tax_code": "GB-OUT"}],
        "ap_bills": [
            {"entity_id": "E1", "bill_id": "B1", "vendor_id": "V1", "bill_date": "2026-05-06",
             "due_date": "2026-06-06", "currency": "USD", "net_amount": "300.00",
             "tax_amount": "60.00", "tax_code": "GB-IN", "expense_account_id": EXP},
            {"entity_id": "E1", "bill_id": "B2", "vendor_id": "V1", "bill_date": "2026-05-07",
             "due_date": "2026-06-07", "currency": "USD", "net_amount": "500.00",
             "tax_amount": "0.00", "tax_code": "GB-RC", "expense_account_id": EXP}],
        "journal_lines": [
            line("J1", 1, "2026-05-05", AR, debit="1200.00", doc_ref="ar_invoices:I1"),
            line("J1", 2, "2026-05-05", REV, credit="1000.00", doc_ref="ar_invoices:I1"),
            line("J1", 3, "2026-05-05", OUT, credit=invoice_vat_posted, doc_ref="ar_invoices:I1"),
            line("J2", 1, "2026-05-06", EXP, debit="300.00", doc_ref="ap_bills:B1"),
            line("J2", 2, "2026-05-06", INP, debit="60.00", doc_ref="ap_bills:B1"),
            line("J2", 3, "2026-05-06", AP, credit="360.00", doc_ref="ap_bills:B1"),
            line("J3", 1, "2026-05-07", EXP, debit="500.00", doc_ref="ap_bills:B2"),
            line("J3", 2, "2026-05-07", AP, credit="500.00", doc_ref="ap_bills:B2"),
            line("J3", 3, "2026-05-07", RCV, debit="100.00", doc_ref="ap_bills:B2"),
            line("J3", 4, "2026-05-07", RCV, credit="100.00", doc_ref="ap_bills:B2"),
            line("J4", 1, "2026-05-20", OUT, debit="150.00", source="tax"),  # settlement
            line("J4", 2, "2026-05-20", CASH, credit="150.00", source="tax"),
        ],
    }


def test_boxes_and_tie():
    con, pack = build(_tables())
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    lines = {l["line"]: l["amount"] for l in result.metrics["lines"]}
    assert lines["Output VAT on sales"] == Decimal("200.00")
    assert lines["Reverse-charge VAT on purchases"] == Decimal("100.00")
    assert lines["Total output VAT"] == Decimal("300.00")
    assert lines["Total input VAT (incl. reverse charge)"] == Decimal("160.00")
    assert lines["Net VAT payable"] == result.metrics["net_payable"] == Decimal("140.00")
    assert result.metrics["gl_net"] == Decimal("140.00")
    assert result.metrics["gl_other_movements"] == Decimal("-150.00")
    assert result.status == "pass", result.findings


def test_a_document_posted_with_other_vat_is_found():
    con, pack = build(_tables(invoice_vat_posted="180.00"))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.metrics["difference"] == Decimal("-20.00")
    assert [(f.refs, f.amount) for f in result.findings] == [
        (("ar_invoices:I1", "journal_lines:J1"), Decimal("20.00"))]


def test_missing_reverse_charge_posting_is_found():
    tables = _tables()
    tables["journal_lines"] = [l for l in tables["journal_lines"]
                               if not (l["je_id"] == "J3" and l["account_id"] == RCV)]
    con, pack = build(tables)
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [(("ap_bills:B2",), Decimal("100.00"))]


# --- applicability and balances (issue 10, classes 3 and 4) ------------------------------

from tests.support.books import DEFAULT_ENTITY  # noqa: E402
from tests.support.vat_books import OUT as NL_OUT, vat_books  # noqa: E402


def test_a_sales_tax_entity_files_no_vat_return():
    # one "sales tax / VAT payable" account serves a sales-tax code and a VAT code: the US
    # entity's sales-tax invoices post to it, but none of its documents uses a VAT code
    tax = "2205"
    codes = [{"tax_code": "US-CA", "jurisdiction": "US-CA", "tax_type": "sales_tax", "rate": "0.0725",
              "effective_from": "2017-01-01", "effective_to": None, "gl_account_id": tax,
              "reverse_charge": False}, _code("GB-OUT", "0.20", tax)]
    invoices = [{"entity_id": "E1", "invoice_id": f"I{n}", "customer_id": "C1", "invoice_date": "2026-05-05",
                 "due_date": "2026-06-05", "currency": "USD", "net_amount": "100.00", "tax_amount": "7.25",
                 "tax_code": "US-CA"} for n in range(3)]
    lines = [line(f"J{n}", 1, "2026-05-05", tax, credit="7.25", doc_ref=f"ar_invoices:I{n}") for n in range(3)]
    con, pack = build({"entities": [DEFAULT_ENTITY],
                       "accounts": [account(tax, "tax_payable", type_="liability")],
                       "tax_codes": codes, "ar_invoices": invoices, "ap_bills": [],
                       "journal_lines": lines})
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "skipped" and not result.findings
    assert "VAT return does not apply" in result.summary


def test_vat_books_over_months_are_clean():
    con, pack = vat_books(reverse_charge="posted")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    lines = {l["line"]: l["amount"] for l in result.metrics["lines"]}
    assert lines["Total output VAT"] == lines["Output VAT on sales"] + Decimal("84.00")
    assert lines["Total input VAT (incl. reverse charge)"] == lines["Input VAT on purchases"] + Decimal("84.00")


def test_an_earlier_months_vat_error_still_in_the_balance_is_found():
    con, pack = vat_books(misposting_month="03")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("50.00"), f"accounts:{NL_OUT}")]
    assert "arose in 2026-03" in result.findings[0].message
