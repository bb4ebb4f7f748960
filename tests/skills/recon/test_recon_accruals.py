"""recon.accruals: open accruals vs GL, unreversed prior-period accruals, stray lines."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.accruals import SKILL

ACC, EXP = "2100", "6200"


def _accrual(aid, period, amount, reversed_period=None):
    return {"entity_id": "E1", "accrual_id": aid, "vendor_id": None, "account_id": ACC,
            "period": period, "amount": amount, "reversed_period": reversed_period}


def _book(je, day, amount, ref, reverse=False):
    dr, cr = (ACC, EXP) if reverse else (EXP, ACC)
    return [line(je, 1, day, dr, debit=amount, doc_ref=ref), line(je, 2, day, cr, credit=amount, doc_ref=ref)]


def _tables(accruals, lines):
    return {"accounts": [account(ACC, "accrued_liability", type_="liability"), account(EXP, "opex")],
            "accruals": accruals, "journal_lines": lines}


def test_clean_accrue_and_reverse():
    accruals = [_accrual("A1", "2026-04", "500.00", "2026-05"), _accrual("A2", "2026-05", "700.00", "2026-06")]
    lines = (_book("J1", "2026-04-30", "500.00", "accruals:A1")
             + _book("J2", "2026-05-01", "500.00", "accruals:A1", reverse=True)
             + _book("J3", "2026-05-31", "700.00", "accruals:A2"))
    con, pack = build(_tables(accruals, lines))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["open_amount"] == result.metrics["gl_balance"] == Decimal("700.00")


def test_unreversed_missing_reversal_and_stray():
    accruals = [_accrual("A1", "2026-03", "500.00"),                 # never reversed
                _accrual("A2", "2026-04", "300.00", "2026-05")]      # reversal not posted
    lines = (_book("J1", "2026-03-31", "500.00", "accruals:A1")
             + _book("J2", "2026-04-30", "300.00", "accruals:A2")
             + _book("J9", "2026-05-15", "42.00", None))
    con, pack = build(_tables(accruals, lines))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert {f.refs: f.amount for f in result.findings} == {
        ("accruals:A1", "journal_lines:J1"): Decimal("500.00"),
        ("accruals:A2", "accounts:2100", "journal_lines:J2"): Decimal("300.00"),
        ("accounts:2100", "journal_lines:J9"): Decimal("42.00")}
    assert result.metrics["difference"] == Decimal("342.00")


def _manual(je, day, amount, text, reverse=False):
    """An accrual or reversal keyed by hand: no doc_ref, a description that names no id."""
    dr, cr = (ACC, EXP) if reverse else (EXP, ACC)
    return [line(je, 1, day, dr, debit=amount, description=text),
            line(je, 2, day, cr, credit=amount, description=text)]


def test_accrual_reversed_without_doc_ref_passes():
    accruals = [_accrual("ACR-0001", "2026-04", "500.00", "2026-05"),
                _accrual("ACR-0002", "2026-05", "700.00", "2026-06")]
    lines = (_manual("J1", "2026-04-30", "500.00", "Accrue energy April")
             + _manual("J2", "2026-05-01", "500.00", "Reverse accrual energy April", reverse=True)
             + _manual("J3", "2026-05-29", "700.00", "Accrue energy May"))
    con, pack = build(_tables(accruals, lines))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", [f.message for f in result.findings]


def test_accrual_not_reversed_without_doc_ref_is_one_finding():
    accruals = [_accrual("ACR-0001", "2026-04", "500.00", "2026-05"),
                _accrual("ACR-0002", "2026-05", "700.00", "2026-06")]
    lines = (_manual("J1", "2026-04-30", "500.00", "Accrue energy April")
             + _manual("J3", "2026-05-29", "700.00", "Accrue energy May"))
    con, pack = build(_tables(accruals, lines))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs[:2]) for f in result.findings] == [
        (Decimal("500.00"), ("accruals:ACR-0001", "accounts:2100"))]


def test_reversal_naming_the_accrual_in_its_description_passes():
    accruals = [_accrual("ACR-0001", "2026-04", "500.00", "2026-05")]
    lines = (_manual("J1", "2026-04-30", "500.00", "Accrue ACR-0001")
             + _manual("J2", "2026-05-03", "500.00", "Reverse ACR-0001", reverse=True))
    con, pack = build(_tables(accruals, lines))
    assert run_skill(SKILL, con, pack, "2026-05", "E1").status == "pass"


def test_missing_reversal_among_unnamed_entries_of_both_directions_is_one_finding():
    """May holds unnamed lines both ways (a new accrual, and a one-off accrued and released
    within the month): the April accrual's missing reversal is still one finding."""
    accruals = [_accrual("ACR-0001", "2026-04", "500.00", "2026-05"),
                _accrual("ACR-0002", "2026-05", "700.00", "2026-06")]
    lines = (_manual("J1", "2026-04-30", "500.00", "Accrue energy April")
             + _manual("J3", "2026-05-29", "700.00", "Accrue energy May")
             + _manual("J4", "2026-05-10", "300.00", "Accrue courier")
             + _manual("J5", "2026-05-20", "300.00", "Release courier accrual", reverse=True))
    con, pack = build(_tables(accruals, lines))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert len(result.findings) == 1, [f.message for f in result.findings]
    assert result.findings[0].amount == Decimal("500.00")
    assert {"accounts:2100", "accruals:ACR-0001"} <= set(result.findings[0].refs)
