"""recon.bank_unmatched_aging: buckets by age at month end; old items are findings."""
from decimal import Decimal

from minipack import account, build, jl, run
from skills.recon.bank_unmatched_aging import SKILL, bucket_of


def test_bucket_edges():
    assert [bucket_of(d) for d in (0, 30, 31, 60, 61, 90, 91, 400)] == [
        "0-30", "0-30", "31-60", "31-60", "61-90", "61-90", "over_90", "over_90"]


def test_ages_both_sides():
    # The statement opens with the balance brought forward, so it covers every book line.
    lines = [jl("J0", 1, "2025-12-31", "1000", debit="100.00"), jl("J0", 2, "2025-12-31", "4000", credit="100.00"),
             jl("J1", 1, "2026-05-25", "1000", debit="10.00"), jl("J1", 2, "2026-05-25", "4000", credit="10.00"),
             jl("J2", 1, "2026-04-15", "1000", credit="20.00"), jl("J2", 2, "2026-04-15", "6000", debit="20.00"),
             jl("J3", 1, "2026-01-02", "1000", debit="30.00"), jl("J3", 2, "2026-01-02", "4000", credit="30.00")]
    con, pack = build({
        "accounts": [account("1000", "cash"), account("4000", "revenue"), account("6000", "opex")],
        "bank_accounts": [{"bank_account_id": "BA1", "entity_id": "E1", "gl_account_id": "1000",
                           "currency": "USD", "bank_name": None}],
        "bank_transactions": [{"bank_account_id": "BA1", "txn_id": "T0", "booking_date": "2025-12-31",
                               "value_date": None, "amount": "100.00", "description": "balance b/f",
                               "reference": None},
                              {"bank_account_id": "BA1", "txn_id": "T1", "booking_date": "2026-03-20",
                               "value_date": None, "amount": "-5.00", "description": "fee",
                               "reference": None}],
        "journal_lines": lines})
    result = run(SKILL, con, pack, "2026-05")
    buckets = {b["bucket"]: (b["count"], b["amount"]) for b in result.metrics["buckets"]}
    assert buckets == {"0-30": (1, Decimal("10.00")), "31-60": (1, Decimal("20.00")),
                       "61-90": (1, Decimal("5.00")), "over_90": (1, Decimal("30.00"))}
    assert {f.refs: (f.severity, f.amount) for f in result.findings} == {
        ("journal_lines:J2",): ("medium", Decimal("20.00")),
        ("bank_transactions:T1",): ("medium", Decimal("5.00")),
        ("journal_lines:J3",): ("high", Decimal("30.00"))}
