"""recon.payroll: register vs GL expense, liabilities, net pay and unremitted balances."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.payroll import SKILL

SAL, ER, BEN, LIAB, BENP, CASH = "6000", "6010", "6020", "2310", "2320", "1010"


def _row(emp, gross, er, ben, wh, net, period="2026-05"):
    return {"entity_id": "E1", "period": period, "employee_id": emp, "department": "Sales",
            "gross_pay": gross, "employer_taxes": er, "benefits": ben,
            "employee_withholding": wh, "net_pay": net}


def _posting(je, day, gross, er, ben, owed, net, source="payroll"):
    return [line(je, 1, day, SAL, debit=gross, source=source), line(je, 2, day, ER, debit=er, source=source),
            line(je, 3, day, BEN, debit=ben, source=source), line(je, 4, day, LIAB, credit=owed, source=source),
            line(je, 5, day, BENP, credit=ben, source=source), line(je, 6, day, CASH, credit=net, source=source)]


def _tables(extra_register=(), remit=True):
    lines = (_posting("P4", "2026-04-30", "1000.00", "76.50", "50.00", "326.50", "750.00")
             + _posting("P5", "2026-05-29", "1000.00", "76.50", "50.00", "326.50", "750.00"))
    if remit:
        lines += [line("R4", 1, "2026-05-14", LIAB, debit="326.50"), line("R4", 2, "2026-05-14", BENP, debit="50.00"),
                  line("R4", 3, "2026-05-14", CASH, credit="376.50")]
    return {"accounts": [account(SAL, "payroll_expense", type_="expense"),
                         account(ER, "payroll_expense", type_="expense"),
                         account(BEN, "payroll_expense", type_="expense"),
                         account(LIAB, "payroll_liability", type_="liability"),
                         account(BENP, "payroll_liability", type_="liability"), account(CASH, "cash")],
            "payroll": [_row("E-1", "1000.00", "76.50", "50.00", "250.00", "750.00"), *extra_register],
            "journal_lines": lines}


def test_clean_month_passes():
    con, pack = build(_tables())
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    assert result.metrics["gl_liability_balance"] == result.metrics["register_liabilities"] == Decimal("376.50")


def test_employee_missing_from_the_posting_and_bad_net():
    con, pack = build(_tables(extra_register=[_row("E-2", "500.00", "38.25", "0.00", "100.00", "390.00")]))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    found = sorted((f.refs[0], f.amount) for f in result.findings)
    assert ("payroll:2026-05/E-2", Decimal("10.00")) in found          # 500 - 100 != 390
    assert [a for r, a in found if r == "journal_lines:P5"] == [
        Decimal("138.25"), Decimal("390.00"), Decimal("538.25")]       # liabilities, net, expense


def test_unremitted_liabilities():
    con, pack = build(_tables(remit=False))
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert [(f.amount, f.refs) for f in result.findings] == [
        (Decimal("376.50"), ("accounts:2310", "accounts:2320"))]
