"""tax.sales_tax_rates on books that state tax per journal line (SAF-T's habit): each line's
tax is the code's rate × its stated base."""
from decimal import Decimal

from tests.support.books import build, line, run_skill
from skills.tax.sales_tax_rates import SKILL


def _code(code, rate, tax_type="vat"):
    return {"tax_code": code, "jurisdiction": "NO", "tax_type": tax_type, "rate": rate,
            "effective_from": "2000-01-01", "effective_to": None, "gl_account_id": "2700",
            "reverse_charge": False}


def _sale(je, base, tax, code="3", day="2026-05-10"):
    """A sale: receivable, revenue with its base, output VAT with its tax."""
    gross = str(Decimal(base) + Decimal(tax))
    return [line(je, 1, day, "1500", debit=gross),
            line(je, 2, day, "3000", credit=base),
            line(je, 3, day, "2700", credit=tax, tax_code=code, tax_base=base, tax_amount=tax)]


def _pack(lines):
    return build({"tax_codes": [_code("3", "0.25"), _code("PAY", "0.141", "payroll")],
                  "journal_lines": lines})


def test_lines_at_rate_times_base_pass_and_rounding_is_not_a_finding():
    con, pack = _pack([*_sale("JE-1", "162919.00", "40729.75"), *_sale("JE-2", "0.30", "0.07"),
                       *_sale("JE-3", "0.02", "0.01")])       # 0.005 -> 0.01 half away from zero
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics == {"lines_checked": 3, "lines_wrong": 0}


def test_a_line_not_base_times_rate_is_a_finding_on_its_entry():
    con, pack = _pack([*_sale("JE-1", "162919.00", "40729.00"), *_sale("JE-2", "100.00", "25.00"),
                       *_sale("JE-3", "100.00", "30.00", day="2026-04-30")])   # another month
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount, f.severity) for f in result.findings] == [
        (("journal_lines:JE-1",), Decimal("0.75"), "medium")]
    assert "understated by 0.75" in result.findings[0].message


def test_books_with_neither_invoices_nor_stated_tax_are_skipped_with_the_reason():
    con, pack = _pack([line("JE-1", 1, "2026-05-10", "1500", debit="10.00"),
                       line("JE-1", 2, "2026-05-10", "3000", credit="10.00")])
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "skipped" and "needs ar_invoices.csv or journal lines" in result.summary


def test_invoices_and_stated_lines_are_both_checked():
    invoice = {"entity_id": "E1", "invoice_id": "I1", "customer_id": "C1", "invoice_date": "2026-05-10",
               "due_date": "2026-05-10", "currency": "USD", "net_amount": "100.00",
               "tax_amount": "20.00", "tax_code": "3"}
    con, pack = build({"tax_codes": [_code("3", "0.25")],
                       "customers": [{"customer_id": "C1", "name": "C", "country": "NO",
                                      "region": None, "tax_exempt": False}],
                       "ar_invoices": [invoice],
                       "journal_lines": _sale("JE-1", "100.00", "24.00")})
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert sorted((f.refs, f.amount) for f in result.findings) == [
        (("ar_invoices:I1",), Decimal("5.00")), (("journal_lines:JE-1",), Decimal("1.00"))]
    assert result.metrics["invoices_checked"] == 1 and result.metrics["lines_checked"] == 1
