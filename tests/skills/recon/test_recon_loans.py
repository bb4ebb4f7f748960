"""Amortising schedules and recon.loans."""
from datetime import date
from decimal import Decimal

from minipack import account, build, jl, run
from skills.recon.amortising import level_payment, present_value, schedule
from skills.recon.loans import SKILL

DEBT, INT, CASH = "2500", "7100", "1000"


def test_level_payment_schedule_clears_to_zero():
    payment = level_payment(Decimal("12000"), Decimal("0.06"), 12)
    assert payment == Decimal("1032.80")
    rows = schedule(date(2026, 3, 10), Decimal("12000"), Decimal("0.06"), 12, payment)
    assert rows[0].month.month == 4 and rows[0].interest == Decimal("60.00")
    assert rows[1].interest == Decimal("55.14") and rows[1].closing == Decimal("10049.54")
    assert rows[-1].closing == 0 and sum(r.principal for r in rows) == Decimal("12000")
    assert all(r.payment == payment for r in rows[:-1])


def test_present_value_of_the_payments():
    assert present_value(Decimal("1032.80"), Decimal("0.06"), 12) == Decimal("12000.03")
    assert present_value(Decimal("100"), Decimal("0"), 12) == Decimal("1200.00")


def _tables(may_interest="55.14"):
    def pay(je, day, interest, principal):
        return [jl(je, 1, day, DEBT, debit=principal, doc_ref="loans:L1"),
                jl(je, 2, day, INT, debit=interest, doc_ref="loans:L1"),
                jl(je, 3, day, CASH, credit=str(Decimal(interest) + Decimal(principal)), doc_ref="loans:L1")]
    lines = [jl("J0", 1, "2026-03-10", CASH, debit="12000.00", doc_ref="loans:L1"),
             jl("J0", 2, "2026-03-10", DEBT, credit="12000.00", doc_ref="loans:L1"),
             *pay("J4", "2026-04-30", "60.00", "972.80"),
             *pay("J5", "2026-05-31", may_interest, str(Decimal("1032.80") - Decimal("55.14")))]
    return {"accounts": [account(DEBT, "debt", type_="liability"),
                         account(INT, "interest_expense", type_="expense"), account(CASH, "cash")],
            "loans": [{"entity_id": "E1", "loan_id": "L1", "account_id": DEBT, "interest_account_id": INT,
                       "principal": "12000.00", "annual_rate": "0.06", "start_date": "2026-03-10",
                       "term_months": 12}],
            "journal_lines": lines}


def test_clean_loan_ties():
    con, pack = build(_tables())
    result = run(SKILL, con, pack, "2026-05")
    assert result.status == "pass", result.findings
    assert result.metrics["gl_balance"] == Decimal("10049.54")
    assert result.metrics["interest_booked"] == Decimal("55.14")


def test_wrong_interest_is_found():
    con, pack = build(_tables(may_interest="65.14"))
    result = run(SKILL, con, pack, "2026-05")
    assert [(f.refs[0], f.amount) for f in result.findings] == [("loans:L1", Decimal("10.00"))]


def test_opening_entry_without_refs_and_description_naming():
    tables = _tables()
    for line in tables["journal_lines"]:
        if line["je_id"] == "J0":
            line["doc_ref"] = None                       # an opening entry names nothing
        elif line["doc_ref"]:
            line["description"] = f"Loan instalment L1-P{line['je_id'][1]}"
            line["doc_ref"] = None
    con, pack = build(tables)
    assert run(SKILL, con, pack, "2026-05").status == "pass"
    tables["journal_lines"] = [l for l in tables["journal_lines"] if l["je_id"] != "J5"]
    con, pack = build(tables)
    result = run(SKILL, con, pack, "2026-05")
    assert {(f.refs[0], f.amount) for f in result.findings} == {
        ("loans:L1", Decimal("977.66")),   # principal not repaid in the books
        ("loans:L1", Decimal("55.14"))}    # interest not booked
