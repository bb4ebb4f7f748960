"""recon.cash_proof: cash-flow cash vs balance-sheet cash, and unsupported cash accounts."""
from decimal import Decimal

from close.skill import Result
from tests.support.books import account, build, line, run_skill
from skills.recon.cash_proof import SKILL


def _flow(opening, change):
    return {"stmt.cash_flow": Result("stmt.cash_flow", "E1", "pass", metrics={
        "cash_opening": Decimal(opening), "net_change_in_cash": Decimal(change)})}


def _books(petty="0.00"):
    lines = [line("O", 1, "2026-04-01", "1010", debit="900.00"), line("O", 2, "2026-04-01", "3000", credit="900.00"),
             line("S", 1, "2026-05-10", "1010", debit="100.00"), line("S", 2, "2026-05-10", "4000", credit="100.00")]
    if petty != "0.00":
        lines += [line("P", 1, "2026-05-11", "1090", debit=petty), line("P", 2, "2026-05-11", "1010", credit=petty)]
    return build({"accounts": [account("1010", "cash"), account("1090", "cash"), account("4000", "revenue"),
                               account("3000", "share_capital", type_="equity")],
                  "bank_accounts": [{"bank_account_id": "BA1", "entity_id": "E1", "gl_account_id": "1010",
                                     "currency": "USD", "bank_name": None}],
                  "journal_lines": lines})


def test_cash_proves():
    con, pack = _books()
    result = run_skill(SKILL, con, pack, "2026-05", "E1", deps=_flow("900.00", "100.00"))
    assert result.status == "pass", result.findings


def test_flow_difference_and_unsupported_cash():
    con, pack = _books(petty="25.00")
    result = run_skill(SKILL, con, pack, "2026-05", "E1", deps=_flow("900.00", "90.00"))
    assert sorted((f.refs, f.amount) for f in result.findings) == [
        ((), Decimal("10.00")), (("accounts:1090",), Decimal("25.00"))]
