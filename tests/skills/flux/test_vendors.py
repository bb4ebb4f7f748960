"""flux.missing_recurring and flux.new_vendors_large on small AP registers."""
from datetime import date
from decimal import Decimal

from close.periods import parse_month
from skills.flux.missing_recurring import SKILL as MISSING
from skills.flux.new_vendors_large import SKILL as NEW_VENDORS
from tests.support.books import statement_books


def bill(b, bill_id, vendor, day, net):
    b.insert("ap_bills", entity_id="US01", bill_id=bill_id, vendor_id=vendor,
             bill_date=date.fromisoformat(day), due_date=date.fromisoformat(day), currency="USD",
             net_amount=Decimal(net), tax_amount=Decimal("0"), expense_account_id="6000")


def test_vendor_billed_ten_of_twelve_months_and_not_this_one():
    b = statement_books()
    b.entity("US01")
    may = parse_month("2026-05")
    for i in range(1, 13):
        m = may.shift(-i)
        if i not in (3, 7):                                    # 10 of the prior 12 months
            bill(b, f"R{i:02d}", "V-RENT", f"{m}-05", "1000.00" if i != 1 else "1200.00")
        if i not in (3, 7, 9):                                 # only 9: not recurring
            bill(b, f"H{i:02d}", "V-HOST", f"{m}-07", "50.00")
        bill(b, f"C{i:02d}", "V-CLEAN", f"{m}-09", "80.00")    # every month, and in May
    bill(b, "C00", "V-CLEAN", "2026-05-09", "80.00")
    r = b.result([MISSING], "flux.missing_recurring", "2026-05", "US01")
    (finding,) = r.findings
    assert finding.amount == Decimal("1020.00")                 # (9 x 1000 + 1200) / 10
    assert finding.refs == ("vendors:V-RENT", "ap_bills:R01")
    assert {v["vendor_id"] for v in r.metrics["recurring_vendors"]} == {"V-RENT", "V-CLEAN"}


def test_new_vendor_paid_above_threshold():
    b = statement_books(materiality="1000.00")
    b.entity("US01")
    bill(b, "B1", "V-OLD", "2026-01-10", "5000.00")
    bill(b, "B2", "V-OLD", "2026-05-10", "5000.00")
    bill(b, "B3", "V-NEW", "2026-05-11", "3000.00")
    bill(b, "B4", "V-SMALL", "2026-05-12", "900.00")
    for pid, bill_id, amount in (("P1", "B2", "5000.00"), ("P2", "B3", "1500.00"),
                                 ("P3", "B3", "1500.00"), ("P4", "B4", "900.00")):
        b.insert("ap_payments", entity_id="US01", payment_id=pid, bill_id=bill_id,
                 date=date(2026, 5, 20), amount=Decimal(amount), withholding_amount=Decimal("0"))
    r = b.result([NEW_VENDORS], "flux.new_vendors_large", "2026-05", "US01")
    (finding,) = r.findings
    assert finding.amount == Decimal("3000.00")
    assert finding.refs == ("vendors:V-NEW", "ap_payments:P2", "ap_payments:P3")
    assert [v["vendor_id"] for v in r.metrics["new_vendors_paid"]] == ["V-NEW", "V-SMALL"]


def test_recurring_vendor_already_accrued_is_not_missing():
    b = statement_books()
    b.entity("US01")
    may = parse_month("2026-05")
    for i in range(1, 13):
        bill(b, f"R{i:02d}", "V-RENT", f"{may.shift(-i)}-05", "1000.00")
    b.insert("accruals", entity_id="US01", accrual_id="ACR-1", vendor_id="V-RENT", account_id="2000",
             period="2026-05", amount=Decimal("1000.00"), reversed_period=None)
    r = b.result([MISSING], "flux.missing_recurring", "2026-05", "US01")
    assert r.findings == [] and r.metrics["recurring_vendors"][0]["accrued"] == "ACR-1"


def test_books_shorter_than_the_minimum_raise_nothing():
    b = statement_books()
    b.entity("US01")
    may = parse_month("2026-05")
    for i in range(1, 9):                                        # books began 8 months ago
        bill(b, f"R{i:02d}", "V-RENT", f"{may.shift(-i)}-05", "1000.00")
    r = b.result([MISSING], "flux.missing_recurring", "2026-05", "US01")
    assert r.status == "pass" and r.findings == []


def test_vendor_seen_before_in_the_journal_is_not_new():
    b = statement_books(materiality="1000.00")
    b.entity("US01")
    bill(b, "B0", "V-OLD", "2026-01-10", "500.00")
    b.post("US01", "2026-03-10", [("6000", "800.00"), ("1000", "-800.00")], source="bank",
           counterparty="V-CARD")                                  # paid by card before
    bill(b, "B1", "V-CARD", "2026-05-11", "3000.00")
    b.insert("ap_payments", entity_id="US01", payment_id="P1", bill_id="B1",
             date=date(2026, 5, 20), amount=Decimal("3000.00"), withholding_amount=Decimal("0"))
    r = b.result([NEW_VENDORS], "flux.new_vendors_large", "2026-05", "US01")
    assert r.findings == [] and r.metrics["new_vendors_paid"] == []


def test_bill_register_starting_this_month_cannot_tell_new_vendors():
    b = statement_books(materiality="1000.00")
    b.entity("US01")
    bill(b, "B1", "V-ANY", "2026-05-11", "3000.00")
    b.insert("ap_payments", entity_id="US01", payment_id="P1", bill_id="B1",
             date=date(2026, 5, 20), amount=Decimal("3000.00"), withholding_amount=Decimal("0"))
    r = b.result([NEW_VENDORS], "flux.new_vendors_large", "2026-05", "US01")
    assert r.status == "skipped" and "ap_bills.csv" in r.summary
