"""Aging bands and the open-amount rule, each written once in skills.lib."""
from decimal import Decimal

import duckdb
import pytest

from skills.lib.aging import BUCKETS, bucket_of
from skills.lib.open_items import OPEN_AMOUNT, settled_cte, settled_join


@pytest.mark.parametrize("days, name", [(-5, "current"), (0, "current"), (1, "1_30"), (30, "1_30"),
                                        (31, "31_60"), (60, "31_60"), (61, "61_90"), (90, "61_90"),
                                        (91, "over_90"), (4000, "over_90")])
def test_bucket_edges(days, name):
    assert bucket_of(days) == name


def test_buckets_are_in_reading_order():
    assert [b[0] for b in BUCKETS] == ["current", "1_30", "31_60", "61_90", "over_90"]


def test_open_amount_is_gross_less_what_settled_it_by_month_end():
    con = duckdb.connect()
    con.execute("CREATE TABLE ar_invoices (invoice_id TEXT, entity_id TEXT, net_amount DECIMAL(18,2),"
                " tax_amount DECIMAL(18,2))")
    con.execute("CREATE TABLE ar_receipts (invoice_id TEXT, entity_id TEXT, date DATE, amount DECIMAL(18,2))")
    con.execute("INSERT INTO ar_invoices VALUES ('I1', 'US01', 100, 20), ('I2', 'US01', 50, 0),"
                " ('I3', 'US01', 10, 0)")
    con.execute("INSERT INTO ar_receipts VALUES ('I1', 'US01', '2026-05-10', 70),"
                " ('I1', 'US01', '2026-06-02', 50), ('I3', 'US01', '2026-05-01', 10)")
    sql = (f"WITH {settled_cte('ar_receipts', 'invoice_id')} "
           f"SELECT d.invoice_id, {OPEN_AMOUNT} AS open_amount FROM ar_invoices d "
           f"{settled_join('invoice_id')} WHERE d.entity_id = $entity_id ORDER BY d.invoice_id")
    rows = con.execute(sql, {"entity_id": "US01", "month_end": "2026-05-31"}).fetchall()
    # I1: 120 less the May receipt (June's comes after the month end); I2 unpaid; I3 settled.
    assert rows == [("I1", Decimal("50.00")), ("I2", Decimal("50.00")), ("I3", Decimal("0.00"))]


def test_every_reader_of_a_side_s_open_documents_shares_one_read():
    """The aging report, the allowance and the subledger tie's count ask for the same
    open documents; built from the same names, their query is the same text, so a close
    reads each side once per entity (Context.shared_rows keys on the text)."""
    from skills.flux.ap_aging import PAYABLES as AP_AGING
    from skills.flux.ar_aging import RECEIVABLES as AR_AGING
    from skills.lib.open_items import PAYABLES, RECEIVABLES
    from skills.recon.ap_subledger import PAYABLES as AP_TIE
    from skills.recon.ar_subledger import RECEIVABLES as AR_TIE

    assert AR_AGING.open_items.open_sql() == AR_TIE.open_items.open_sql() == RECEIVABLES.open_sql()
    assert AP_AGING.open_items.open_sql() == AP_TIE.open_items.open_sql() == PAYABLES.open_sql()
    assert RECEIVABLES.open_sql() != PAYABLES.open_sql()


def test_each_reader_takes_what_it_needs_from_the_shared_read():
    """One close of the aging, the allowance and the AR tie: a document paid in full is in
    none, one paid more than its gross (a credit) is an open item of the aging and of the
    tie's count but not doubtful for the allowance."""
    from datetime import date

    from skills.flux.ar_aging import SKILL as AGING
    from skills.recon.allowance_adequacy import SKILL as ALLOWANCE
    from skills.recon.ar_subledger import SKILL as TIE
    from tests.support.books import statement_books

    b = statement_books()
    b.entity("US01")
    for inv, net in (("I-OPEN", "100.00"), ("I-PAID", "40.00"), ("I-OVER", "30.00")):
        b.insert("ar_invoices", entity_id="US01", invoice_id=inv, customer_id="C1",
                 invoice_date=date(2026, 5, 2), due_date=date(2026, 6, 1), currency="USD",
                 net_amount=Decimal(net), tax_amount=Decimal("0.00"))
    for rid, inv, amount in (("R1", "I-PAID", "40.00"), ("R2", "I-OVER", "35.00")):
        b.insert("ar_receipts", entity_id="US01", receipt_id=rid, invoice_id=inv,
                 date=date(2026, 5, 20), amount=Decimal(amount))
    outcome = b.close([AGING, ALLOWANCE, TIE], "2026-05", ["US01"])
    aging = outcome.result("flux.ar_aging", "US01").metrics
    allowance = outcome.result("recon.allowance_adequacy", "US01").metrics
    tie = outcome.result("recon.ar_subledger", "US01").metrics
    assert aging["open_items"] == tie["open_invoices"] == 2
    assert aging["total"] == Decimal("95.00")
    assert [(x["bucket"], x["invoices"], x["open"]) for x in allowance["buckets"]] == [
        ("not due", 1, Decimal("100.00"))]
