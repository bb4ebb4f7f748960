"""flux.ar_aging and flux.ap_aging: open items, buckets by days past due, DSO and DPO."""
from datetime import date
from decimal import Decimal

from skills.flux.ap_aging import SKILL as AP
from skills.flux.ar_aging import SKILL as AR
from tests.support.books import statement_books


def invoice(b, inv, day, due, net, tax="0.00", currency="USD"):
    b.insert("ar_invoices", entity_id="US01", invoice_id=inv, customer_id="C1",
             invoice_date=date.fromisoformat(day), due_date=date.fromisoformat(due),
             currency=currency, net_amount=Decimal(net), tax_amount=Decimal(tax))


def test_ar_buckets_receipts_and_dso():
    b = statement_books()
    b.entity("US01")
    b.add("ar_receipts")
    invoice(b, "I1", "2026-05-20", "2026-06-19", "1000.00", "100.00")      # current
    invoice(b, "I2", "2026-04-01", "2026-05-01", "500.00")                  # 30 days past due
    invoice(b, "I3", "2026-01-10", "2026-02-09", "300.00")                  # 111 days past due
    invoice(b, "I4", "2026-04-05", "2026-05-05", "200.00")                  # fully paid
    invoice(b, "I5", "2026-06-02", "2026-07-02", "999.00")                  # after month end
    invoice(b, "I6", "2026-05-02", "2026-05-10", "100.00", currency="EUR")  # 21 days, EUR
    b.rate("2026-05-31", "EUR", "USD", "closing", "1.10")
    b.rate("2026-05-31", "EUR", "USD", "average", "1.20")
    for rid, inv, day, amt in (("R1", "I4", "2026-05-03", "200.00"), ("R2", "I2", "2026-05-15", "100.00"),
                               ("R3", "I1", "2026-06-03", "1100.00")):
        b.insert("ar_receipts", entity_id="US01", receipt_id=rid, invoice_id=inv,
                 date=date.fromisoformat(day), amount=Decimal(amt))
    r = b.result([AR], "flux.ar_aging", "2026-05", "US01")
    bk = r.metrics["buckets"]
    assert bk["current"] == Decimal("1100.00")
    assert bk["1_30"] == Decimal("400.00") + Decimal("110.00")
    assert bk["over_90"] == Decimal("300.00")
    assert r.metrics["total"] == Decimal("1910.00") and r.metrics["open_items"] == 4
    # sales Mar-May: I1 1100 + I2 500 + I4 200 + I6 100 EUR x 1.20 = 1920 over 92 days
    assert r.metrics["sales_for_dso"] == Decimal("1920.00")
    assert r.metrics["dso"] == Decimal("91.5")
    assert r.metrics["largest_overdue"][0]["ref"] == "ar_invoices:I2"


def test_ap_payments_include_withholding():
    b = statement_books()
    b.entity("US01")
    b.insert("ap_bills", entity_id="US01", bill_id="B1", vendor_id="V1",
             bill_date=date(2026, 5, 1), due_date=date(2026, 5, 31), currency="USD",
             net_amount=Decimal("1000.00"), tax_amount=Decimal("0.00"), expense_account_id="6000")
    b.insert("ap_bills", entity_id="US01", bill_id="B2", vendor_id="V1",
             bill_date=date(2026, 3, 1), due_date=date(2026, 3, 31), currency="USD",
             net_amount=Decimal("400.00"), tax_amount=Decimal("0.00"), expense_account_id="6000")
    b.insert("ap_payments", entity_id="US01", payment_id="P1", bill_id="B1",
             date=date(2026, 5, 20), amount=Decimal("1000.00"), withholding_amount=Decimal("150.00"))
    r = b.result([AP], "flux.ap_aging", "2026-05", "US01")
    assert r.metrics["total"] == Decimal("400.00")
    assert r.metrics["buckets"]["61_90"] == Decimal("400.00")
    assert r.metrics["dpo"] == Decimal("26.3")                 # 400 x 92 / 1400


def test_invoice_without_due_date_is_due_on_its_date():
    b = statement_books()
    b.entity("US01")
    b.add("ar_receipts")
    b.insert("ar_invoices", entity_id="US01", invoice_id="I1", customer_id="C1",
             invoice_date=date(2026, 5, 1), due_date=None, currency="USD",
             net_amount=Decimal("700.00"), tax_amount=Decimal("0.00"))
    r = b.result([AR], "flux.ar_aging", "2026-05", "US01")
    assert r.metrics["buckets"]["1_30"] == Decimal("700.00")       # 30 days past its date
