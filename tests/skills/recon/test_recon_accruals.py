"""recon.accruals: open accruals vs GL, unreversed prior-period accruals, stray lines."""
from decimal import Decimal

from minipack import account, build, jl, run
from skills.recon.accruals import SKILL

ACC, EXP = "2100", "6200"


def _accrual(aid, period, amount, reversed_period=None):
    return {"entity_id": "E1", "accrual_id": aid, "vendor_id": None, "account_id": ACC,
            "period": period, "amount": amount, "reversed_period": reversed_period}


def _book(je, day, amount, ref, reverse=False):
    dr, cr = (ACC, EXP) if reverse else (EXP, ACC)
    return [jl(je, 1, day, dr, debit=amount, doc_ref=ref), jl(je, 2, day, cr, credit=amount, doc_ref=ref)]


def _tables(accruals, lines):
    return {"accounts": [account(ACC, "accrued_liability", type_="liability"), account(EXP, "opex")],
            "accruals": accruals, "journal_lines": lines}


def test_clean_accrue_and_reverse():
    accruals = [_accrual("A1", "2026-04", "500.00", "2026-05"), _accrual("A2", "2026-05", "700.00", "2026-06")]
    lines = (_book("J1", "2026-04-30", "500.00", "accruals:A1")
             + _book("J2", "2026-05-01", "500.00", "accruals:A1", reverse=True)
             + _book("J3", "2026-05-31", "700.00", "accruals:A2"))
    con, pack = build(_tables(accruals, lines))
    result = run(SKILL, con, pack, "2026-05")
    assert result.status == "pass", result.findings
    assert result.metrics["open_amount"] == result.metrics["gl_balance"] == Decimal("700.00")


def test_unreversed_missing_reversal_and_stray():
    accruals = [_accrual("A1", "2026-03", "500.00"),                 # never reversed
                _accrual("A2", "2026-04", "300.00", "2026-05")]      # reversal not posted
    lines = (_book("J1", "2026-03-31", "500.00", "accruals:A1")
             + _book("J2", "2026-04-30", "300.00", "accruals:A2")
             + _book("J9", "2026-05-15", "42.00", None))
    con, pack = build(_tables(accruals, lines))
    result = run(SKILL, con, pack, "2026-05")
    assert {f.refs: f.amount for f in result.findings} == {
        ("accruals:A1", "journal_lines:J1"): Decimal("500.00"),
        ("accruals:A2", "journal_lines:J2"): Decimal("300.00"),
        ("journal_lines:J9",): Decimal("42.00")}
    assert result.metrics["difference"] == Decimal("342.00")
