"""recon.payroll on books built with other habits (issue 10): net pay credited to net
wages payable (a payroll liability) and paid in a separate entry, another chart of
accounts, no doc_ref, a 0-decimal currency."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.payroll import SKILL

WAGES, SOCIAL, NETPAY, TAXES, BANK = "610000", "611000", "240500", "240600", "100100"
ACCOUNTS = [account(WAGES, "payroll_expense", type_="expense"),
            account(SOCIAL, "payroll_expense", type_="expense"),
            account(NETPAY, "payroll_liability", type_="liability"),
            account(TAXES, "payroll_liability", type_="liability"), account(BANK, "cash")]
JPY = {"entity_id": "E1", "name": "JP Co", "functional_currency": "JPY", "country": "JP",
       "parent_id": None, "ownership_pct": "100"}


def _month(tag, accrue_day, pay_day, gross, er, wh, net):
    accrual = [line(f"PR{tag}", 1, accrue_day, WAGES, debit=gross, source="payroll"),
               line(f"PR{tag}", 2, accrue_day, SOCIAL, debit=er, source="payroll"),
               line(f"PR{tag}", 3, accrue_day, TAXES, credit=str(Decimal(er) + Decimal(wh)), source="payroll"),
               line(f"PR{tag}", 4, accrue_day, NETPAY, credit=net, source="payroll")]
    payment = [line(f"PN{tag}", 1, pay_day, NETPAY, debit=net, source="bank"),
               line(f"PN{tag}", 2, pay_day, BANK, credit=net, source="bank")]
    return accrual + payment


def _register(gross, er, wh, net):
    return [{"entity_id": "E1", "period": "2026-05", "employee_id": "K-1", "department": "Ops",
             "gross_pay": gross, "employer_taxes": er, "benefits": "0", "employee_withholding": wh,
             "net_pay": net}]


def test_net_pay_through_net_wages_payable_ties():
    lines = (_month("4", "2026-04-25", "2026-04-25", "400000", "60000", "80000", "320000")
             + [line("TX4", 1, "2026-05-10", TAXES, debit="140000"), line("TX4", 2, "2026-05-10", BANK, credit="140000")]
             + _month("5", "2026-05-25", "2026-05-25", "400000", "60000", "80000", "320000"))
    con, pack = build({"entities": [JPY], "accounts": ACCOUNTS, "journal_lines": lines,
                       "payroll": _register("400000", "60000", "80000", "320000")},
                      reporting_currency="JPY")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    assert result.status == "pass", [f.message for f in result.findings]
    assert str(result.metrics["gl_expense"]) == "460000"


def test_net_wages_payable_posting_short_is_found_in_whole_yen():
    # Wages posted 390,000 against a register of 400,000 and net wages payable 310,000.
    lines = _month("5", "2026-05-25", "2026-05-26", "390000", "60000", "80000", "310000")
    con, pack = build({"entities": [JPY], "accounts": ACCOUNTS, "journal_lines": lines,
                       "payroll": _register("400000", "60000", "80000", "320000")},
                      reporting_currency="JPY")
    result = run_skill(SKILL, con, pack, "2026-05", "E1")
    # expense 450,000 vs 460,000; liabilities credited 450,000 vs 460,000
    assert sorted(f.amount for f in result.findings) == [Decimal("10000"), Decimal("10000")]
    assert all(".00" not in f.message for f in result.findings)
