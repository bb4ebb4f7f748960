"""recon.allowance_adequacy: aging buckets by days past due, rounded per invoice."""
from decimal import Decimal

import pytest

from tests.support.books import account, build, line, run_skill
from skills.recon.allowance_adequacy import SKILL, bucket, parse_rates


def test_buckets():
    rates = parse_rates("0:0.005,30:0.01,60:0.05,90:0.20,over:0.50")
    assert [bucket(d, rates) for d in (-5, 0, 1, 30, 31, 90, 91)] == [
        ("not due", Decimal("0.005")), ("not due", Decimal("0.005")), ("1-30", Decimal("0.01")),
        ("1-30", Decimal("0.01")), ("31-60", Decimal("0.05")), ("61-90", Decimal("0.20")),
        ("over 90", Decimal("0.50"))]
    with pytest.raises(ValueError):
        parse_rates("0:0.01,30:0.02")


def _books(allowance):
    inv = lambda i, due, net: {"entity_id": "E1", "invoice_id": i, "customer_id": "C1",
                               "invoice_date": "2026-01-01", "due_date": due, "currency": "USD",
                               "net_amount": net, "tax_amount": "0.00", "tax_code": None}
    return build({
        "accounts": [account("1150", "allowance"), account("6700", "opex")],
        "customers": [{"customer_id": "C1", "name": "C", "country": "US", "region": None, "tax_exempt": False}],
        "ar_invoices": [inv("I1", "2026-06-15", "1000.00"),   # not due: 5.00
                        inv("I2", "2026-05-16", "333.33"),    # 15 days: 3.33
                        inv("I3", "2026-01-31", "100.00"),    # 120 days: 50.00
                        inv("I4", "2026-03-01", "500.00")],   # paid in full
        "ar_receipts": [{"entity_id": "E1", "receipt_id": "R1", "invoice_id": "I4", "date": "2026-04-01",
                         "amount": "500.00"}],
        "journal_lines": [line("J1", 1, "2026-05-31", "6700", debit=allowance),
                          line("J1", 2, "2026-05-31", "1150", credit=allowance)]})


def test_adequate_allowance_passes_and_a_short_one_is_found():
    con, pack = _books("58.33")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["expected_loss"] == Decimal("58.33")
    con, pack = _books("40.00")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in result.findings] == [(Decimal("18.33"), ("accounts:1150",))]


def test_excess_only_above_its_own_tolerance():
    con, pack = _books("70.00")   # 11.67 above the expected 58.33
    assert run_skill(SKILL, con, pack, "2026-05", "E1").status == "pass"
    result = run_skill(SKILL, con, pack, "2026-05", "E1", params={"excess_tolerance": "10.00"})
    assert [f.amount for f in result.findings] == [Decimal("11.67")]
