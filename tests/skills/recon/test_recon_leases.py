"""recon.leases: ROU asset and liability per schedule vs GL."""
from decimal import Decimal

from close.periods import Month
from minipack import account, build, jl, run
from skills.recon.leases import SKILL, carrying_amounts

ROU, LIAB, CASH, DEP, INT = "1700", "2700", "1000", "6500", "7100"
LEASE = {"entity_id": "E1", "lease_id": "LS1", "rou_account_id": ROU, "liability_account_id": LIAB,
         "start_date": "2026-03-15", "term_months": 12, "monthly_payment": "1032.80",
         "discount_rate": "0.06"}


def test_schedule_figures():
    from datetime import date
    lease = dict(LEASE, start_date=date(2026, 3, 15), monthly_payment=Decimal("1032.80"),
                 discount_rate=Decimal("0.06"))
    initial, rou, liability = carrying_amounts(lease, Month(2026, 3))
    assert initial == rou == liability == Decimal("12000.03")
    _, rou, liability = carrying_amounts(lease, Month(2026, 5))
    assert rou == Decimal("12000.03") - 2 * Decimal("1000.00")
    assert liability == Decimal("10049.57")  # 12000.03 -> +60.00 -972.80 -> 11027.23 -> +55.14 ...
    assert carrying_amounts(lease, Month(2027, 3))[1:] == (Decimal("0"), Decimal("0"))


def _lines(liability_may="10049.57"):
    start = [jl("J0", 1, "2026-03-15", ROU, debit="12000.03", doc_ref="leases:LS1"),
             jl("J0", 2, "2026-03-15", LIAB, credit="12000.03", doc_ref="leases:LS1")]
    moves = []
    for je, day, interest in (("J4", "2026-04-30", "60.00"), ("J5", "2026-05-31", "55.14")):
        principal = Decimal("1032.80") - Decimal(interest)
        moves += [jl(je, 1, day, LIAB, debit=str(principal), doc_ref="leases:LS1"),
                  jl(je, 2, day, INT, debit=interest, doc_ref="leases:LS1"),
                  jl(je, 3, day, CASH, credit="1032.80", doc_ref="leases:LS1"),
                  jl(je + "D", 1, day, DEP, debit="1000.00", doc_ref="leases:LS1"),
                  jl(je + "D", 2, day, ROU, credit="1000.00", doc_ref="leases:LS1")]
    return start + moves


def _tables(lines):
    return {"accounts": [account(ROU, "rou_asset"), account(LIAB, "lease_liability", type_="liability"),
                         account(CASH, "cash"), account(DEP, "depreciation_expense", type_="expense"),
                         account(INT, "interest_expense", type_="expense")],
            "leases": [LEASE], "journal_lines": lines}


def test_clean_lease_ties():
    con, pack = build(_tables(_lines()))
    result = run(SKILL, con, pack, "2026-05")
    assert result.status == "pass", result.findings
    assert result.metrics["liability_gl"] == Decimal("10049.57")


def test_missing_rou_depreciation_is_found():
    lines = [l for l in _lines() if l["je_id"] != "J5D"]
    con, pack = build(_tables(lines))
    result = run(SKILL, con, pack, "2026-05")
    assert [(f.refs[0], f.amount) for f in result.findings] == [("leases:LS1", Decimal("1000.00"))]
