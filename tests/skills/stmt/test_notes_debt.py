"""stmt.notes_debt in a currency without cents: the note is in whole yen, as the books are.

The expected figures come from the contract's formula (LEDGER-PACK.md) computed here at
the yen's minor unit, independently of skills.recon.amortising.
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from skills.stmt.notes_debt import SKILL as DEBT
from tests.support.books import statement_books


def contract_balances(principal, annual_rate, n, unit):
    """Balance after each payment k = 1..n, every figure rounded to `unit`."""
    r = annual_rate / 12
    with localcontext() as c:
        c.prec = 40
        payment = (principal * r / (1 - (1 + r) ** -n)).quantize(unit, ROUND_HALF_UP)
    out, balance = [], principal
    for k in range(1, n + 1):
        interest = (balance * r).quantize(unit, ROUND_HALF_UP)
        balance -= (balance + interest if k == n else payment) - interest
        out.append(balance)
    return out


def test_yen_debt_note_is_in_whole_yen_and_adds_up():
    b = statement_books(reporting_currency="JPY")
    b.entity("JP01", currency="JPY", country="JP")
    principal, rate = Decimal("73000000"), Decimal("0.0215")
    b.insert("loans", entity_id="JP01", loan_id="L1", account_id="2500", interest_account_id="7000",
             principal=principal, annual_rate=rate, start_date=date(2024, 8, 5), term_months=60)
    r = b.result([DEBT], "stmt.notes_debt", "2026-05", "JP01")
    (loan,) = r.metrics["instruments"]
    balances = contract_balances(principal, rate, 60, Decimal(1))
    assert loan["balance"] == balances[20]                      # 21 payments, Sep 2024 - May 2026
    assert loan["within_1_year"] == balances[20] - balances[32]  # June 2026 - May 2027
    buckets = ("within_1_year", "1_to_2_years", "2_to_5_years", "after_5_years")
    assert sum(loan[k] for k in buckets) == loan["balance"]
    assert all(loan[k] == loan[k].to_integral_value() for k in ("balance",) + buckets)
    assert r.metrics["current_portion"] + r.metrics["non_current_portion"] == loan["balance"]
