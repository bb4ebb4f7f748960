"""Five months of a small VAT entity's books, for the tax skills and recon.tax_accounts.

E1 is a Dutch-style VAT entity whose accounts do not use the demo's numbering: output VAT
on "2190" (also the reverse-charge code's account), input VAT on "1190". The books open
on 1 January with last year's December VAT in the balance; every month has one sales
invoice (21% VAT) and one purchase bill, and the previous month's VAT is settled on the
20th (output and input cleared against cash), as a VAT filer does. Options add the
classes of error the skills must find (or must not flag).
"""
from __future__ import annotations

from decimal import Decimal

from tests.support.books import DEFAULT_ENTITY, account, build, line

OUT, INP, AR, AP, REV, EXP, CASH = "2190", "1190", "1100", "2000", "4000", "6000", "1000"
NL = dict(DEFAULT_ENTITY, country="NL", functional_currency="EUR")
MONTHS = ("01", "02", "03", "04", "05")


def _code(code, account_id, rate="0.21", rc=False, type_="vat", jurisdiction="NL"):
    return {"tax_code": code, "jurisdiction": jurisdiction, "tax_type": type_, "rate": rate,
            "effective_from": "2019-01-01", "effective_to": None, "gl_account_id": account_id,
            "reverse_charge": rc}


def _net(month: str, base: str) -> Decimal:
    return Decimal(base) + Decimal(int(month))


def vat_books(misposting_month=None, short_settlement=Decimal("0"), reverse_charge=None,
              entity=NL, currency="EUR", doc_ref="all"):
    """(con, pack). misposting_month: a manual Dr output VAT 50.00 / Cr expense on the 17th;
    short_settlement: May pays that much less output VAT than April's return;
    reverse_charge: None, "posted" or "missing" (a May bill from a foreign supplier);
    doc_ref: "all" lines of a document carry it, "control" only AR/AP lines, "none"."""
    lines, invoices, bills = [], [], []
    lines += [line("OPEN", 1, "2026-01-01", CASH, debit="200.00", source="system"),
              line("OPEN", 2, "2026-01-01", INP, debit="100.00", source="system"),
              line("OPEN", 3, "2026-01-01", OUT, credit="300.00", source="system")]
    previous = (Decimal("300.00"), Decimal("100.00"))
    for m in MONTHS:
        net_sale, net_buy = _net(m, "1000.00"), _net(m, "500.00")
        vat_sale, vat_buy = (net_sale * Decimal("0.21")).quantize(Decimal("0.01")), \
            (net_buy * Decimal("0.21")).quantize(Decimal("0.01"))
        inv, bill = f"I{m}", f"B{m}"
        day = f"2026-{m}-10"
        invoices.append({"entity_id": "E1", "invoice_id": inv, "customer_id": "C1", "invoice_date": day,
                         "due_date": day, "currency": currency, "net_amount": str(net_sale),
                         "tax_amount": str(vat_sale), "tax_code": "NL-S21"})
        bills.append({"entity_id": "E1", "bill_id": bill, "vendor_id": "V1", "bill_date": day,
                      "due_date": day, "currency": currency, "net_amount": str(net_buy),
                      "tax_amount": str(vat_buy), "tax_code": "NL-P21", "expense_account_id": EXP})
        ref_i, ref_b = f"ar_invoices:{inv}", f"ap_bills:{bill}"
        lines += [line(f"JI{m}", 1, day, AR, debit=str(net_sale + vat_sale), doc_ref=ref_i, source="ar"),
                  line(f"JI{m}", 2, day, REV, credit=str(net_sale), doc_ref=ref_i, source="ar"),
                  line(f"JI{m}", 3, day, OUT, credit=str(vat_sale), doc_ref=ref_i, source="ar"),
                  line(f"JB{m}", 1, day, EXP, debit=str(net_buy), doc_ref=ref_b, source="ap"),
                  line(f"JB{m}", 2, day, INP, debit=str(vat_buy), doc_ref=ref_b, source="ap"),
                  line(f"JB{m}", 3, day, AP, credit=str(net_buy + vat_buy), doc_ref=ref_b, source="ap")]
        out_due, in_due = previous
        if m == "05":
            out_due -= short_settlement
        settle = f"2026-{m}-20"
        lines += [line(f"VS{m}", 1, settle, OUT, debit=str(out_due), source="tax"),
                  line(f"VS{m}", 2, settle, INP, credit=str(in_due), source="tax"),
                  line(f"VS{m}", 3, settle, CASH, credit=str(out_due - in_due), source="tax")]
        previous = (vat_sale, vat_buy)
        if m == misposting_month:
            lines += [line(f"MX{m}", 1, f"2026-{m}-17", OUT, debit="50.00"),
                      line(f"MX{m}", 2, f"2026-{m}-17", EXP, credit="50.00")]
    if reverse_charge:
        ref = "ap_bills:RC1"
        bills.append({"entity_id": "E1", "bill_id": "RC1", "vendor_id": "V2", "bill_date": "2026-05-12",
                      "due_date": "2026-05-12", "currency": currency, "net_amount": "400.00",
                      "tax_amount": "0.00", "tax_code": "NL-RC21", "expense_account_id": EXP})
        lines += [line("JRC", 1, "2026-05-12", EXP, debit="400.00", doc_ref=ref, source="ap"),
                  line("JRC", 2, "2026-05-12", AP, credit="400.00", doc_ref=ref, source="ap")]
        if reverse_charge == "posted":
            lines += [line("JRC", 3, "2026-05-12", INP, debit="84.00", doc_ref=ref, source="ap"),
                      line("JRC", 4, "2026-05-12", OUT, credit="84.00", doc_ref=ref, source="ap")]
    for row in lines:
        if doc_ref == "none" or (doc_ref == "control" and row["account_id"] not in (AR, AP)):
            row.pop("doc_ref", None)
    return build({
        "entities": [entity],
        "accounts": [account(AR, "receivable"), account(AP, "payable"), account(REV, "revenue"),
                     account(EXP, "opex"), account(CASH, "cash"),
                     account(OUT, "tax_payable", type_="liability"), account(INP, "tax_receivable")],
        "tax_codes": [_code("NL-S21", OUT), _code("NL-P21", INP), _code("NL-RC21", OUT, rc=True),
                      _code("NL-CIT", "2250", rate="0.258", type_="income")],
        "customers": [{"customer_id": "C1", "name": "Klant", "country": "NL", "region": None,
                       "tax_exempt": False}],
        "vendors": [{"vendor_id": "V1", "name": "Leverancier", "country": "NL", "tax_id": None,
                     "is_1099": False, "withholding_rate": None},
                    {"vendor_id": "V2", "name": "Consultant Ltd", "country": "GB", "tax_id": None,
                     "is_1099": False, "withholding_rate": None}],
        "ar_invoices": invoices, "ap_bills": bills, "ap_payments": [], "journal_lines": lines},
        materiality="1000.00", reporting_currency="EUR")
