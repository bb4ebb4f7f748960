"""recon.retained_earnings and recon.equity_rollforward."""
from decimal import Decimal

from tests.support.books import account, build, line, run_skill
from skills.recon.equity_rollforward import SKILL as ROLLFORWARD
from skills.recon.retained_earnings import SKILL as RETAINED


def _books(extra=()):
    lines = [line("O", 1, "2025-01-01", "1010", debit="1500.00"),
             line("O", 2, "2025-01-01", "3000", credit="1000.00"),
             line("O", 3, "2025-01-01", "3200", credit="500.00"),
             line("S25", 1, "2025-06-30", "1010", debit="300.00"), line("S25", 2, "2025-06-30", "4000", credit="300.00"),
             line("S26", 1, "2026-05-10", "1010", debit="80.00"), line("S26", 2, "2026-05-10", "4000", credit="80.00"),
             *extra]
    return build({"accounts": [account("1010", "cash"), account("4000", "revenue"),
                               account("3000", "share_capital", type_="equity"),
                               account("3200", "retained_earnings", type_="equity"),
                               account("2700", "other_liability", type_="liability")],
                  "journal_lines": lines})


def test_retained_earnings_reported_and_direct_postings():
    con, pack = _books()
    result = run_skill(RETAINED, con, pack, "2026-05", "E1")
    assert result.status == "pass"
    assert result.metrics["retained_earnings_reported"] == Decimal("800.00")  # 500 opening + 300 of 2025
    con, pack = _books([line("D", 1, "2026-05-12", "3200", debit="45.00"), line("D", 2, "2026-05-12", "2700", credit="45.00")])
    result = run_skill(RETAINED, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [(("journal_lines:D",), Decimal("45.00"))]


def test_equity_rolls_forward_and_ties_to_net_assets():
    con, pack = _books()
    result = run_skill(ROLLFORWARD, con, pack, "2026-05", "E1")
    assert result.status == "pass", result.findings
    lines = {l["line"]: l["amount"] for l in result.metrics["lines"]}
    assert lines["Opening equity"] + lines["Net income"] == lines["Closing equity"] == Decimal("1880.00")
    assert lines["Net assets (assets - liabilities)"] == Decimal("1880.00")


def test_unbalanced_entry_breaks_the_tie():
    con, pack = _books([line("U", 1, "2026-05-20", "1010", debit="10.00"), line("U", 2, "2026-05-20", "4000", credit="7.00")])
    result = run_skill(ROLLFORWARD, con, pack, "2026-05", "E1")
    assert [(f.refs, f.amount) for f in result.findings] == [(("journal_lines:U",), Decimal("3.00"))]
