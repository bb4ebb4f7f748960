"""tax.withholding and tax.form_1099 on small books."""
from decimal import Decimal

from tests.support.books import DEFAULT_ENTITY, build, run_skill
from skills.tax.form_1099 import SKILL as F1099, tin_problem
from skills.tax.withholding import SKILL as WHT


def _vendor(vid, tax_id=None, is_1099=True, rate=None, country="US"):
    return {"vendor_id": vid, "name": f"Vendor {vid}", "country": country, "tax_id": tax_id,
            "is_1099": is_1099, "withholding_rate": rate}


def _bill(bid, vid):
    return {"entity_id": "E1", "bill_id": bid, "vendor_id": vid, "bill_date": "2026-01-05",
            "due_date": "2026-02-05", "currency": "USD", "net_amount": "5000.00",
            "tax_amount": "0.00", "tax_code": None, "expense_account_id": "6000"}


def _pay(pid, bid, day, amount, withheld=None):
    return {"entity_id": "E1", "payment_id": pid, "bill_id": bid, "date": day, "amount": amount,
            "withholding_amount": withheld}


def _books(payments, entity=None):
    return build({
        "entities": [entity or DEFAULT_ENTITY],
        "vendors": [_vendor("V1", "12-3456789", rate="0.24"), _vendor("V2", None),
                    _vendor("V3", "12-345"), _vendor("V4", None, is_1099=False)],
        "ap_bills": [_bill("B1", "V1"), _bill("B2", "V2"), _bill("B3", "V3"), _bill("B4", "V4")],
        "ap_payments": payments,
    })


def test_withholding_at_the_vendor_rate():
    con, pack = _books([_pay("P1", "B1", "2026-05-03", "1000.05", "240.01"),  # 240.012 -> 240.01
                        _pay("P2", "B1", "2026-05-04", "100.00", "20.00"),    # short by 4.00
                        _pay("P3", "B2", "2026-05-05", "100.00", "5.00"),     # no rate
                        _pay("P4", "B4", "2026-05-06", "100.00", None),
                        _pay("P5", "B1", "2026-04-06", "100.00", None)])      # other month
    result = run_skill(WHT, con, pack, "2026-05", "E1")
    assert {f.refs[0]: f.amount for f in result.findings} == {
        "ap_payments:P2": Decimal("4.00"), "ap_payments:P3": Decimal("5.00")}
    assert result.metrics["payments"] == 4


def test_tin_validation():
    assert tin_problem("12-3456789") is None and tin_problem("123-45-6789") is None
    assert "no tax id" in tin_problem(" ") and "neither" in tin_problem("12-345")


def test_1099_year_to_date_threshold_and_tins():
    con, pack = _books([_pay("P1", "B1", "2026-01-10", "700.00"),
                        _pay("P2", "B2", "2026-02-10", "300.00"), _pay("P3", "B2", "2026-05-10", "300.00"),
                        _pay("P4", "B3", "2026-03-10", "599.99"),          # below threshold
                        _pay("P5", "B3", "2025-12-10", "900.00"),          # last year
                        _pay("P6", "B4", "2026-03-10", "9000.00"),         # not a 1099 vendor
                        _pay("P7", "B2", "2026-06-01", "50.00")])          # after month end
    result = run_skill(F1099, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [(("vendors:V2",), Decimal("600.00"))]
    assert result.metrics["reportable_vendors"] == 2
    assert result.metrics["reportable_amount"] == Decimal("1300.00")


def test_1099_not_for_foreign_payers():
    con, pack = _books([_pay("P2", "B2", "2026-02-10", "3000.00")],
                       entity=dict(DEFAULT_ENTITY, country="GB", functional_currency="GBP"))
    result = run_skill(F1099, con, pack, "2026-05", "E1")
    assert result.status == "skipped" and "not the US" in result.summary
