"""Amortising schedules and recon.loans.

The books in these tests are written from the contract's formula (LEDGER-PACK.md)
computed here, independently of skills.recon.amortising, at the currency's minor unit:
a yen loan is booked in whole yen, as a yen ledger holds it.
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

from tests.support.books import DEFAULT_ENTITY, account, build, line, run_skill
from skills.recon.amortising import level_payment, present_value, schedule
from skills.recon.loans import SKILL

DEBT, INT, CASH, OTHER = "2500", "7100", "1000", "6800"


def test_level_payment_schedule_clears_to_zero():
    payment = level_payment(Decimal("12000"), Decimal("0.06"), 12, currency="USD")
    assert payment == Decimal("1032.80")
    rows = schedule(date(2026, 3, 10), Decimal("12000"), Decimal("0.06"), 12, payment, currency="USD")
    assert rows[0].month.month == 4 and rows[0].interest == Decimal("60.00")
    assert rows[1].interest == Decimal("55.14") and rows[1].closing == Decimal("10049.54")
    assert rows[-1].closing == 0 and sum(r.principal for r in rows) == Decimal("12000")
    assert all(r.payment == payment for r in rows[:-1])


def test_present_value_of_the_payments():
    assert present_value(Decimal("1032.80"), Decimal("0.06"), 12, currency="USD") == Decimal("12000.03")
    assert present_value(Decimal("100"), Decimal("0"), 12, currency="USD") == Decimal("1200.00")


def test_schedules_are_in_the_currency_minor_unit():
    """JPY has no decimals, KWD three: every payment, interest and balance is in that unit."""
    for currency, unit in (("JPY", Decimal("1")), ("KWD", Decimal("0.001"))):
        payment = level_payment(Decimal("5000000"), Decimal("0.0175"), 24, currency=currency)
        rows = schedule(date(2025, 11, 20), Decimal("5000000"), Decimal("0.0175"), 24, payment, currency=currency)
        expected = contract_loan(Decimal("5000000"), Decimal("0.0175"), 24, unit)
        assert [(r.interest, r.principal, r.closing) for r in rows] == expected
        assert all(r.interest == r.interest.quantize(unit) for r in rows)


# -- books written from the contract -------------------------------------------------------
def contract_loan(principal, annual_rate, n, unit):
    """[(interest, principal part, balance after)] per LEDGER-PACK.md, rounded to `unit`."""
    r = annual_rate / 12
    with localcontext() as c:
        c.prec = 40
        payment = (principal * r / (1 - (1 + r) ** -n)).quantize(unit, ROUND_HALF_UP)
    rows, balance = [], principal
    for k in range(1, n + 1):
        interest = (balance * r).quantize(unit, ROUND_HALF_UP)
        part = (balance + interest if k == n else payment) - interest
        balance -= part
        rows.append((interest, part, balance))
    return rows


def loan_books(currency="JPY", principal="5000000", rate="0.0175", start="2025-11-20", n=24,
               through=(2026, 5), doc_ref=True, name_in_text=False, loan_id="L1", debt=DEBT,
               tamper=None, extra=()):
    """A loan drawn on `start` and repaid monthly through `through`, booked from the
    contract. `tamper(month, interest, principal)` -> (interest, principal) misbooks one."""
    unit = Decimal(1).scaleb(-{"JPY": 0, "USD": 2, "EUR": 2}[currency])
    rows = contract_loan(Decimal(principal), Decimal(rate), n, unit)
    ref = {"doc_ref": f"loans:{loan_id}"} if doc_ref else {}
    text = (lambda what: {"description": f"{what} {loan_id}"}) if name_in_text else (lambda what: {})
    lines = [line(f"{loan_id}-D", 1, start, CASH, debit=principal, **ref, **text("Drawdown")),
             line(f"{loan_id}-D", 2, start, debt, credit=principal, **ref, **text("Drawdown"))]
    y, m = int(start[:4]), int(start[5:7])
    for k, (interest, part, _) in enumerate(rows, 1):
        m += 1
        if m == 13:
            y, m = y + 1, 1
        if (y, m) > through:
            break
        if tamper:
            interest, part = tamper((y, m), interest, part)
        day = f"{y:04d}-{m:02d}-20"
        je = f"{loan_id}-P{k:02d}"
        lines += [line(je, 1, day, debt, debit=str(part), **ref, **text("Principal")),
                  line(je, 2, day, INT, debit=str(interest), **ref, **text("Interest")),
                  line(je, 3, day, CASH, credit=str(part + interest), **ref, **text("Repayment"))]
    lines += list(extra)
    loan = {"entity_id": "E1", "loan_id": loan_id, "account_id": debt, "interest_account_id": INT,
            "principal": principal, "annual_rate": rate, "start_date": start, "term_months": n}
    return [loan], lines, rows


def books(loans, lines, currency="JPY"):
    entity = dict(DEFAULT_ENTITY, functional_currency=currency, country="JP" if currency == "JPY" else "US")
    return build({"entities": [entity],
                  "accounts": [account(DEBT, "debt", type_="liability"), account("2510", "debt", type_="liability"),
                               account(INT, "interest_expense", type_="expense"), account(CASH, "cash"),
                               account(OTHER, "opex", type_="expense")],
                  "loans": loans, "journal_lines": lines}, reporting_currency=currency)


def close(loans, lines, currency="JPY", month="2026-05"):
    con, pack = books(loans, lines, currency)
    return run_skill(SKILL, con, pack, month, "E1")


# -- whole-yen books tie ------------------------------------------------------------------
def test_yen_loan_booked_in_whole_yen_ties():
    loans, lines, rows = loan_books()
    result = close(loans, lines)
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.metrics["gl_balance"] == rows[5][2]          # after the May payment (k = 6)
    assert result.metrics["interest_booked"] == rows[5][0]


@pytest.mark.parametrize("currency", ["JPY", "USD"])
def test_loan_without_doc_ref_or_names_ties(currency):
    loans, lines, _ = loan_books(currency=currency, doc_ref=False)
    result = close(loans, lines, currency)
    assert result.status == "pass", [f.message for f in result.findings]


# -- a wrong split, no doc_ref ----------------------------------------------------------------
@pytest.mark.parametrize("currency", ["JPY", "USD"])
def test_wrong_split_without_doc_ref_is_one_finding_with_the_exact_difference(currency):
    def shift_to_interest(month, interest, principal):
        return (interest + 3700, principal - 3700) if month == (2026, 5) else (interest, principal)
    loans, lines, _ = loan_books(currency=currency, doc_ref=False, tamper=shift_to_interest)
    result = close(loans, lines, currency)
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("3700"), "loans:L1")]
    assert "2026-05" in result.findings[0].message and "split wrongly" in result.findings[0].message


def test_wrong_split_with_doc_ref_is_one_finding():
    def shift_to_principal(month, interest, principal):
        return (interest - 150, principal + 150) if month == (2026, 5) else (interest, principal)
    loans, lines, _ = loan_books(tamper=shift_to_principal)
    result = close(loans, lines)
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("150"), "loans:L1")]


# -- an earlier principal error, seen only in the closing balance -----------------------------
@pytest.mark.parametrize("currency", ["JPY", "USD"])
def test_principal_error_of_an_earlier_month_names_the_month_it_arose(currency):
    def short_principal(month, interest, principal):
        return (interest, principal - 12345) if month == (2026, 2) else (interest, principal)
    loans, lines, _ = loan_books(currency=currency, doc_ref=False, tamper=short_principal,
                                 extra=[line("FIX", 1, "2026-02-20", CASH, credit="12345")])
    result = close(loans, lines, currency)
    (finding,) = result.findings
    assert finding.amount == Decimal("12345") and finding.refs[0] == "loans:L1"
    assert "arose in 2026-02" in finding.message
    assert "journal_lines:L1-P03" in finding.refs        # the February instalment


def test_a_difference_corrected_later_is_not_reported():
    def short_principal(month, interest, principal):
        if month == (2026, 2):
            return interest, principal - 500
        return (interest, principal + 500) if month == (2026, 4) else (interest, principal)
    loans, lines, _ = loan_books(doc_ref=False, tamper=short_principal)
    assert close(loans, lines).status == "pass"


# -- interest on its own -----------------------------------------------------------------------
def test_interest_missing_on_an_account_that_only_holds_loan_interest():
    loans, lines, rows = loan_books(doc_ref=False)
    may = [l for l in lines if l["je_id"] == "L1-P06"]
    lines = [l for l in lines if l not in may] + [
        line("L1-P06", 1, "2026-05-20", DEBT, debit=may[0]["debit"]),
        line("L1-P06", 3, "2026-05-20", CASH, credit=may[0]["debit"])]
    result = close(loans, lines)
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(rows[5][0], "loans:L1")]


def test_other_charges_on_a_shared_interest_account_are_not_findings():
    """Overdraft interest on the loan's interest account: the debt ties, nothing to report."""
    loans, lines, _ = loan_books(doc_ref=False, extra=[
        line(f"OD{m}", 1, f"2026-0{m}-28", INT, debit=str(900 + m)) for m in range(1, 6)])
    assert close(loans, lines).status == "pass"


# -- several loans on one account --------------------------------------------------------------
def test_two_named_loans_on_one_account_are_tied_one_by_one():
    loans_a, lines_a, _ = loan_books(currency="USD", principal="100000.00", rate="0.06", n=36)
    def skipped(month, interest, principal):
        return (interest, principal - Decimal("10.00")) if month == (2026, 4) else (interest, principal)
    loans_b, lines_b, _ = loan_books(currency="USD", principal="50000.00", rate="0.045", n=24,
                                     start="2026-01-15", loan_id="L2", tamper=skipped)
    lines_b.append(line("FIX2", 1, "2026-04-20", CASH, debit="10.00", doc_ref="loans:L2"))
    result = close(loans_a + loans_b, lines_a + lines_b, currency="USD")
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("10.00"), "loans:L2")]
    assert "arose in 2026-04" in result.findings[0].message


def test_unnamed_account_difference_points_at_every_loan_on_it():
    loans_a, lines_a, _ = loan_books(currency="USD", principal="100000.00", rate="0.06", n=36, doc_ref=False)
    loans_b, lines_b, _ = loan_books(currency="USD", principal="50000.00", rate="0.045", n=24,
                                     start="2026-01-15", loan_id="L2", doc_ref=False)
    stray = [line("ADJ", 1, "2026-05-31", DEBT, debit="75.00"), line("ADJ", 2, "2026-05-31", OTHER, credit="75.00")]
    result = close(loans_a + loans_b, lines_a + lines_b + stray, currency="USD")
    (finding,) = result.findings
    assert finding.amount == Decimal("75.00")
    assert {"loans:L1", "loans:L2", "accounts:2500", "journal_lines:ADJ"} <= set(finding.refs)


# -- the original USD cases ------------------------------------------------------------------
def test_wrong_interest_is_found_with_description_naming():
    def more_interest(month, interest, principal):
        return (interest + Decimal("10.00"), principal) if month == (2026, 5) else (interest, principal)
    loans, lines, _ = loan_books(currency="USD", principal="12000.00", rate="0.06", n=12, start="2026-03-10",
                                 doc_ref=False, name_in_text=True, tamper=more_interest)
    for line in lines:
        if line["je_id"] == "L1-P02" and line["account_id"] == CASH:
            line["credit"] = str(Decimal(line["credit"]) + Decimal("10.00"))
    result = close(loans, lines, currency="USD")
    assert [(f.refs[0], f.amount) for f in result.findings] == [("loans:L1", Decimal("10.00"))]


def test_missing_instalment_is_found_on_both_sides():
    loans, lines, rows = loan_books(currency="USD", principal="12000.00", rate="0.06", n=12, start="2026-03-10",
                                    doc_ref=False, name_in_text=True)
    lines = [l for l in lines if l["je_id"] != "L1-P02"]
    result = close(loans, lines, currency="USD")
    assert {(f.refs[0], f.amount) for f in result.findings} == {
        ("loans:L1", rows[1][1]),     # principal not repaid in the books
        ("loans:L1", rows[1][0])}     # interest not booked
