"""recon.leases: ROU asset and liability per schedule vs GL.

Books are written from the contract's formula (LEDGER-PACK.md) computed here, at the
currency's minor unit, independently of skills.recon.amortising.
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

from close.periods import Month
from tests.support.books import DEFAULT_ENTITY, account, build, line, run_skill
from skills.recon.leases import SKILL, carrying_amounts

ROU, LIAB, CASH, DEP, INT = "1700", "2700", "1000", "6500", "7100"
LEASE = {"entity_id": "E1", "lease_id": "LS1", "rou_account_id": ROU, "liability_account_id": LIAB,
         "start_date": "2026-03-15", "term_months": 12, "monthly_payment": "1032.80",
         "discount_rate": "0.06"}


def test_schedule_figures():
    lease = dict(LEASE, start_date=date(2026, 3, 15), monthly_payment=Decimal("1032.80"),
                 discount_rate=Decimal("0.06"))
    initial, rou, liability = carrying_amounts(lease, Month(2026, 3), "USD")
    assert initial == rou == liability == Decimal("12000.03")
    _, rou, liability = carrying_amounts(lease, Month(2026, 5), "USD")
    assert rou == Decimal("12000.03") - 2 * Decimal("1000.00")
    assert liability == Decimal("10049.57")  # 12000.03 -> +60.00 -972.80 -> 11027.23 -> +55.14 ...
    assert carrying_amounts(lease, Month(2027, 3), "USD")[1:] == (Decimal("0"), Decimal("0"))


def contract_lease(payment, annual_rate, n, unit):
    """(liability at start, ROU charge, [(interest, reduction)]) per LEDGER-PACK.md."""
    r = annual_rate / 12
    with localcontext() as c:
        c.prec = 40
        initial = (payment * (1 - (1 + r) ** -n) / r).quantize(unit, ROUND_HALF_UP)
    rows, liability = [], initial
    for k in range(1, n + 1):
        interest = (liability * r).quantize(unit, ROUND_HALF_UP)
        reduction = liability if k == n else payment - interest
        liability -= reduction
        rows.append((interest, reduction))
    return initial, (initial / n).quantize(unit, ROUND_HALF_UP), rows


def lease_books(currency="JPY", payment="185000", rate="0.028", n=48, start="2025-12-10", through=(2026, 5),
                doc_ref=True, lease_id="LS1", tamper=None):
    unit = Decimal(1).scaleb(-{"JPY": 0, "USD": 2}[currency])
    initial, charge, rows = contract_lease(Decimal(payment), Decimal(rate), n, unit)
    ref = {"doc_ref": f"leases:{lease_id}"} if doc_ref else {}
    lines = [line(f"{lease_id}-C", 1, start, ROU, debit=str(initial), **ref),
             line(f"{lease_id}-C", 2, start, LIAB, credit=str(initial), **ref)]
    y, m = int(start[:4]), int(start[5:7])
    for k, (interest, reduction) in enumerate(rows, 1):
        m += 1
        if m == 13:
            y, m = y + 1, 1
        if (y, m) > through:
            break
        dep = charge
        if tamper:
            interest, reduction, dep = tamper((y, m), interest, reduction, dep)
        day, end = f"{y:04d}-{m:02d}-10", f"{y:04d}-{m:02d}-28"
        lines += [line(f"{lease_id}-P{k}", 1, day, LIAB, debit=str(reduction), **ref),
                  line(f"{lease_id}-P{k}", 2, day, INT, debit=str(interest), **ref),
                  line(f"{lease_id}-P{k}", 3, day, CASH, credit=str(interest + reduction), **ref),
                  line(f"{lease_id}-D{k}", 1, end, DEP, debit=str(dep), source="system"),
                  line(f"{lease_id}-D{k}", 2, end, ROU, credit=str(dep), source="system", **ref)]
    lease = {"entity_id": "E1", "lease_id": lease_id, "rou_account_id": ROU, "liability_account_id": LIAB,
             "start_date": start, "term_months": n, "monthly_payment": payment, "discount_rate": rate}
    return [lease], lines


def close(leases, lines, currency="JPY"):
    entity = dict(DEFAULT_ENTITY, functional_currency=currency)
    con, pack = build({"entities": [entity],
                       "accounts": [account(ROU, "rou_asset"), account(LIAB, "lease_liability", type_="liability"),
                                    account(CASH, "cash"), account(DEP, "depreciation_expense", type_="expense"),
                                    account(INT, "interest_expense", type_="expense")],
                       "leases": leases, "journal_lines": lines}, reporting_currency=currency)
    return run_skill(SKILL, con, pack, "2026-05", "E1")


def test_yen_lease_booked_in_whole_yen_ties():
    leases, lines = lease_books()
    result = close(leases, lines)
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.metrics["liability_gl"] == result.metrics["liability_schedule"]


@pytest.mark.parametrize("currency", ["JPY", "USD"])
def test_lease_without_doc_ref_ties(currency):
    leases, lines = lease_books(currency=currency, doc_ref=False)
    result = close(leases, lines, currency)
    assert result.status == "pass", [f.message for f in result.findings]


@pytest.mark.parametrize("currency", ["JPY", "USD"])
def test_wrong_split_without_doc_ref_is_found_on_the_liability(currency):
    def split(month, interest, reduction, dep):
        return (interest + 900, reduction - 900, dep) if month == (2026, 5) else (interest, reduction, dep)
    leases, lines = lease_books(currency=currency, doc_ref=False, tamper=split)
    result = close(leases, lines, currency)
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("900"), "leases:LS1")]
    assert "account 2700" in result.findings[0].message and "2026-05" in result.findings[0].message


def test_depreciation_missed_in_an_earlier_month_names_that_month():
    def missed(month, interest, reduction, dep):
        return (interest, reduction, Decimal(0)) if month == (2026, 3) else (interest, reduction, dep)
    leases, lines = lease_books(doc_ref=False, tamper=missed)
    charge = contract_lease(Decimal("185000"), Decimal("0.028"), 48, Decimal(1))[1]
    result = close(leases, lines)
    (finding,) = result.findings
    assert finding.amount == charge and "arose in 2026-03" in finding.message
    assert "accounts:1700" in finding.refs and "journal_lines:LS1-D3" in finding.refs


def test_two_named_leases_on_the_same_accounts_are_tied_one_by_one():
    a_leases, a_lines = lease_books(currency="USD", payment="1032.80", rate="0.06", n=12, start="2026-03-15")
    def split(month, interest, reduction, dep):
        return (interest + Decimal("180.00"), reduction - Decimal("180.00"), dep) if month == (2026, 5) \
            else (interest, reduction, dep)
    b_leases, b_lines = lease_books(currency="USD", payment="2400.00", rate="0.05", n=36, start="2025-09-30",
                                    lease_id="LS2", tamper=split)
    result = close(a_leases + b_leases, a_lines + b_lines, currency="USD")
    assert [(f.amount, f.refs[0]) for f in result.findings] == [(Decimal("180.00"), "leases:LS2")]


def test_missing_rou_depreciation_is_found():
    leases, lines = lease_books(currency="USD", payment="1032.80", rate="0.06", n=12, start="2026-03-15")
    lines = [l for l in lines if l["je_id"] != "LS1-D2"]
    result = close(leases, lines, currency="USD")
    assert [(f.refs[0], f.amount) for f in result.findings] == [("leases:LS1", Decimal("1000.00"))]
