"""Straight-line release and recon.prepaid_amortization."""
from datetime import date
from decimal import Decimal

from close.periods import Month
from minipack import account, build, jl, run
from skills.recon.prepaid_amortization import SKILL
from skills.recon.straight_line import release, released_through

PRE, EXP, AP = "1300", "6100", "2000"


def test_release_adds_up_to_the_amount():
    months = [release(Decimal("1000"), date(2026, 1, 15), date(2026, 3, 14), Month(2026, m))
              for m in range(1, 5)]
    assert months == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34"), Decimal("0")]
    assert released_through(Decimal("1000"), date(2026, 1, 15), date(2026, 3, 14), Month(2026, 2)) == Decimal("666.66")
    assert released_through(Decimal("1000"), date(2026, 1, 15), date(2026, 3, 14), Month(2026, 9)) == Decimal("1000")


def _tables(may_amortisation="333.33", extra=()):
    lines = [jl("JB", 1, "2026-04-01", PRE, debit="1000.00", doc_ref="ap_bills:B1"),
             jl("JB", 2, "2026-04-01", AP, credit="1000.00", doc_ref="ap_bills:B1"),
             jl("JA4", 1, "2026-04-30", EXP, debit="333.33", doc_ref="prepaids:P1"),
             jl("JA4", 2, "2026-04-30", PRE, credit="333.33", doc_ref="prepaids:P1"), *extra]
    if may_amortisation:
        lines += [jl("JA5", 1, "2026-05-31", EXP, debit=may_amortisation, doc_ref="prepaids:P1"),
                  jl("JA5", 2, "2026-05-31", PRE, credit=may_amortisation, doc_ref="prepaids:P1")]
    return {"accounts": [account(PRE, "prepaid"), account(EXP, "opex"), account(AP, "payable")],
            "prepaids": [{"entity_id": "E1", "prepaid_id": "P1", "vendor_id": None,
                          "account_id": PRE, "expense_account_id": EXP,
                          "start_date": "2026-04-01", "end_date": "2026-06-30", "amount": "1000.00"}],
            "journal_lines": lines}


def test_clean_schedule_passes():
    con, pack = build(_tables())
    result = run(SKILL, con, pack, "2026-05")
    assert result.status == "pass", result.findings
    assert result.metrics["schedule_balance"] == result.metrics["gl_balance"] == Decimal("333.34")


def test_missing_amortisation_is_one_finding_not_two():
    con, pack = build(_tables(may_amortisation=None))
    result = run(SKILL, con, pack, "2026-05")
    assert [(f.refs, f.amount) for f in result.findings] == [(("prepaids:P1",), Decimal("333.33"))]
    assert result.metrics["difference"] == Decimal("333.33")


def test_unexplained_balance_is_found_on_the_account():
    extra = [jl("JX", 1, "2026-05-10", PRE, debit="50.00"), jl("JX", 2, "2026-05-10", AP, credit="50.00")]
    con, pack = build(_tables(extra=extra))
    result = run(SKILL, con, pack, "2026-05")
    assert [(f.refs, f.amount) for f in result.findings] == [(("accounts:1300",), Decimal("50.00"))]
