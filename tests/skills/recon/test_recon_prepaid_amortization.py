"""Straight-line release and recon.prepaid_amortization."""
from datetime import date
from decimal import Decimal

from close.periods import Month
from tests.support.books import account, build, line, run_skill
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
    lines = [line("JB", 1, "2026-04-01", PRE, debit="1000.00", doc_ref="ap_bills:B1"),
             line("JB", 2, "2026-04-01", AP, credit="1000.00", doc_ref="ap_bills:B1"),
             line("JA4", 1, "2026-04-30", EXP, debit="333.33", doc_ref="prepaids:P1"),
             line("JA4", 2, "2026-04-30", PRE, credit="333.33", doc_ref="prepaids:P1"), *extra]
    if may_amortisation:
        lines += [line("JA5", 1, "2026-05-31", EXP, debit=may_amortisation, doc_ref="prepaids:P1"),
                  line("JA5", 2, "2026-05-31", PRE, credit=may_amortisation, doc_ref="prepaids:P1")]
    return {"accounts": [account(PRE, "prepaid"), account(EXP, "opex"), account(AP, "payable")],
            "prepaids": [{"entity_id": "E1", "prepaid_id": "P1", "vendor_id": None,
                          "account_id": PRE, "expense_account_id": EXP,
                          "start_date": "2026-04-01", "end_date": "2026-06-30", "amount": "1000.00"}],
            "journal_lines": lines}


def test_clean_schedule_passes():
    con, pack = build(_tables())
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["schedule_balance"] == result.metrics["gl_balance"] == Decimal("333.34")


def test_missing_amortisation_is_one_finding_not_two():
    con, pack = build(_tables(may_amortisation=None))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [(("prepaids:P1", "accounts:1300", "journal_lines:JA4"), Decimal("333.33"))]
    assert result.metrics["difference"] == Decimal("333.33")


def test_unexplained_balance_is_found_on_the_account():
    extra = [line("JX", 1, "2026-05-10", PRE, debit="50.00"), line("JX", 2, "2026-05-10", AP, credit="50.00")]
    con, pack = build(_tables(extra=extra))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [(("accounts:1300", "journal_lines:JX"), Decimal("50.00"))]


# Amortisation posted as one system line a month naming no prepaid (no doc_ref):
# PP-001 1000.00 Apr-Jun 2026 (333.33, 333.33, 333.34), PP-002 1200.00 Jan-Dec 2026 (100.00).
PREPAIDS = (("PP-001", "2026-04-01", "2026-06-30", "1000.00"), ("PP-002", "2026-01-01", "2026-12-31", "1200.00"))
RELEASES = {"2026-01": "100.00", "2026-02": "100.00", "2026-03": "100.00", "2026-04": "433.33",
            "2026-05": "433.33"}


def _system_books(releases=RELEASES, extra=(), prepaids=PREPAIDS, entity="E1"):
    lines = []
    for pid, start, _, amount in prepaids:
        lines += [line(f"JB-{pid}", 1, start, PRE, debit=amount, entity=entity, doc_ref=f"ap_bills:B-{pid}",
                     description=f"Bill B-{pid}: insurance {pid}"),
                  line(f"JB-{pid}", 2, start, AP, credit=amount, entity=entity, doc_ref=f"ap_bills:B-{pid}")]
    for period, amount in releases.items():
        day = f"{period}-28"
        lines += [line(f"JA-{period}", 1, day, EXP, debit=amount, entity=entity, source="system",
                     description=f"Prepayments released {period}"),
                  line(f"JA-{period}", 2, day, PRE, credit=amount, entity=entity, source="system",
                     description=f"Prepayments released {period}")]
    return {"accounts": [account(PRE, "prepaid"), account(EXP, "opex"), account(AP, "payable")],
            "prepaids": [{"entity_id": entity, "prepaid_id": pid, "vendor_id": None, "account_id": PRE,
                          "expense_account_id": EXP, "start_date": start, "end_date": end,
                          "amount": amount} for pid, start, end, amount in prepaids],
            "journal_lines": lines + list(extra)}


def test_amortisation_without_doc_ref_that_ties_passes():
    con, pack = build(_system_books())
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.metrics["gl_balance"] == result.metrics["schedule_balance"] == Decimal("1033.34")


def test_one_prepaid_not_amortised_without_doc_ref_is_one_finding():
    con, pack = build(_system_books({**RELEASES, "2026-05": "333.33"}))  # PP-002 left out
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert len(result.findings) == 1, [f.message for f in result.findings]
    assert result.findings[0].amount == Decimal("100.00")
    assert {"prepaids:PP-002", "accounts:1300"} <= set(result.findings[0].refs)


def test_earlier_balance_error_is_found_by_the_closing_balance_and_dated():
    """An extra 40.00 credit to the prepaid account in March; May's amortisation is right."""
    extra = [line("JX", 1, "2026-03-12", EXP, debit="40.00", description="Insurance adjustment"),
             line("JX", 2, "2026-03-12", PRE, credit="40.00", description="Insurance adjustment")]
    con, pack = build(_system_books(extra=extra))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert len(result.findings) == 1, [f.message for f in result.findings]
    finding = result.findings[0]
    assert finding.amount == Decimal("40.00")
    assert {"accounts:1300", "journal_lines:JX"} <= set(finding.refs)
    assert "arose in 2026-03" in finding.message


def test_yen_prepaid_released_in_whole_yen_passes():
    """100,000 JPY over 3 months: 33,333 / 33,333 / 33,334 yen, not 33,333.33."""
    tables = _system_books({"2026-04": "33333", "2026-05": "33333"}, entity="J1",
                           prepaids=(("PP-101", "2026-04-01", "2026-06-30", "100000"),))
    tables["entities"] = [{"entity_id": "J1", "name": "Yen KK", "functional_currency": "JPY",
                           "country": "JP", "parent_id": None, "ownership_pct": "100"}]
    con, pack = build(tables)
    result = run_skill(SKILL, con, pack, "2026-05", entity_id="J1", params={"threshold": "1000000"})
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.metrics["schedule_balance"] == Decimal("33334")


def test_yen_release_rounds_to_the_yen_and_adds_up():
    months = [release(Decimal("100000"), date(2026, 4, 1), date(2026, 6, 30), Month(2026, m), "JPY")
              for m in (4, 5, 6)]
    assert months == [Decimal("33333"), Decimal("33333"), Decimal("33334")]
    assert released_through(Decimal("100000"), date(2026, 4, 1), date(2026, 6, 30), Month(2026, 5), "JPY") == Decimal("66666")


def test_whole_amortisation_entry_missing_is_one_finding_on_the_account():
    releases = {k: v for k, v in RELEASES.items() if k != "2026-05"}
    con, pack = build(_system_books(releases))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("433.33"), "accounts:1300")]
    assert {"prepaids:PP-001", "prepaids:PP-002"} <= set(result.findings[0].refs)
