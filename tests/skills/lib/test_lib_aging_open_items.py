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
