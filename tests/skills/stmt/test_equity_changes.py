"""stmt.equity_changes: opening at the fiscal year start, profit, other movements, closing."""
from decimal import Decimal

from skills.stmt.balance_sheet import SKILL as BALANCE_SHEET
from skills.stmt.equity_changes import SKILL
from tests.support.books import statement_books


def test_roll_forward_and_closing_equals_balance_sheet():
    b = statement_books()
    b.entity("US01")
    b.post("US01", "2025-01-02", [("1000", "10000.00"), ("3000", "-10000.00")])
    b.post("US01", "2025-09-01", [("1000", "2000.00"), ("4000", "-2000.00")])     # 2025 profit
    b.post("US01", "2026-02-01", [("1000", "1500.00"), ("4000", "-1500.00")])
    dividend = b.post("US01", "2026-03-31", [("3100", "500.00"), ("1000", "-500.00")])
    b.post("US01", "2026-04-01", [("1000", "3000.00"), ("3000", "-3000.00")])    # capital
    outcome = b.close([SKILL, BALANCE_SHEET], "2026-05")
    result = outcome.result("stmt.equity_changes", "US01")
    assert result.status == "pass"
    rows = {c["line"]: c for c in result.metrics["components"]}
    assert rows["Share capital"]["opening"] == Decimal("10000.00")
    assert rows["Share capital"]["other_movements"] == Decimal("3000.00")
    assert rows["Retained earnings"]["opening"] == Decimal("2000.00")          # 2025 profit
    assert rows["Retained earnings"]["other_movements"] == Decimal("-500.00")
    assert rows["Current period profit"]["opening"] == Decimal("0.00")
    assert rows["Current period profit"]["profit"] == Decimal("1500.00")
    assert result.metrics["total_closing"] == Decimal("16000.00")
    bs = outcome.result("stmt.balance_sheet", "US01")
    assert result.metrics["total_closing"] == bs.metrics["total_equity"]
    assert f"{dividend}" in [e["je_id"] for e in result.metrics["equity_entries"]]
    for c in result.metrics["components"]:
        assert c["opening"] + c["profit"] + c["other_movements"] == c["closing"]
