"""Intercompany in the currency that eliminates: the checks and the consolidation agree.

A EUR group whose parent charges its yen subsidiary in yen (the recipient's currency),
with rates given one way only (EUR->JPY). Both sides agree in yen; what the consolidation
eliminates are the functional amounts translated to EUR, so the IC checks must compare
those, and recon.intercompany_pnl, stmt.ic_eliminations and stmt.consolidation must
report the same difference for the pair, to the cent.
"""
from datetime import date, datetime
from decimal import Decimal

import pytest

from close.money import cents
from skills.recon.intercompany import SKILL as IC_BALANCES
from skills.recon.intercompany_pnl import SKILL as IC_PNL
from skills.stmt.consolidation import SKILL as CONSOLIDATION
from skills.stmt.ic_eliminations import SKILL as ELIMINATIONS
from tests.support.books import Books, statement_books

SKILLS = [IC_BALANCES, IC_PNL, ELIMINATIONS, CONSOLIDATION]
YEN = Decimal("160000")
MAY_AVERAGE, MAY_CLOSING = Decimal("160"), Decimal("162")   # JPY per EUR, given EUR->JPY


def line(b, entity, je, no, day, account, amount, counterparty=None, currency=None, txn=None):
    amount = Decimal(amount)
    b.insert("journal_lines", entity_id=entity, je_id=je, line_no=no,
             posting_date=date.fromisoformat(day), document_date=date.fromisoformat(day),
             account_id=account, debit=max(amount, Decimal(0)), credit=max(-amount, Decimal(0)),
             currency=currency, amount_txn=None if txn is None else Decimal(txn),
             description="ic", source="system", preparer="svc", approver=None,
             counterparty=counterparty, created_at=datetime(2026, 5, 31, 12))


def group(booking_rate: Decimal) -> Books:
    """NL01 (EUR) charges JP01 (JPY, 70% owned) 160,000 yen in May, booking the revenue
    at `booking_rate` yen per euro; it remeasures the yen receivable at the closing rate."""
    b = statement_books(reporting_currency="EUR")
    b.entity("NL01", currency="EUR", country="NL")
    b.entity("JP01", currency="JPY", country="JP", parent_id="NL01", ownership_pct="70")
    for day, kind, rate in (("2026-03-31", "closing", "158"), ("2026-04-30", "average", "159"),
                            ("2026-04-30", "closing", "159"), ("2026-05-31", "average", MAY_AVERAGE),
                            ("2026-05-31", "closing", MAY_CLOSING)):
        b.rate(day, "EUR", "JPY", kind, str(rate))          # one way only
    b.post("NL01", "2026-04-01", [("1000", "10000.00"), ("3000", "-10000.00")])
    b.post("JP01", "2026-04-01", [("1000", "1000000"), ("3000", "-1000000")])
    booked = cents(YEN / booking_rate, "EUR")
    line(b, "NL01", "IC-NL", 1, "2026-05-31", "1150", booked, "JP01", "JPY", YEN)
    line(b, "NL01", "IC-NL", 2, "2026-05-31", "4100", -booked, "JP01", "JPY", -YEN)
    line(b, "JP01", "IC-JP", 1, "2026-05-31", "6300", YEN, "NL01")
    line(b, "JP01", "IC-JP", 2, "2026-05-31", "2150", -YEN, "NL01")
    remeasured = cents(YEN / MAY_CLOSING, "EUR")
    if remeasured != booked:
        line(b, "NL01", "FX-NL", 1, "2026-05-31", "7100", booked - remeasured)
        line(b, "NL01", "FX-NL", 2, "2026-05-31", "1150", remeasured - booked, "JP01")
    return b


def results(booking_rate):
    outcome = group(booking_rate).close(SKILLS, "2026-05")
    found = {(r.skill_id, r.entity_id): r for r in outcome.results}
    assert all(r.status != "error" for r in found.values()), [r.summary for r in found.values()]
    return found


def test_charge_agreeing_in_yen_but_not_in_euro_is_found_as_the_consolidation_reports_it():
    found = results(booking_rate=Decimal("158"))          # booked at a day rate, not the average
    expected = cents(cents(YEN / Decimal("158"), "EUR") - YEN / MAY_AVERAGE, "EUR")
    assert expected == Decimal("12.66")
    (finding,) = found[("recon.intercompany_pnl", "NL01")].findings
    assert finding.amount == expected
    assert set(finding.refs) == {"journal_lines:IC-NL", "journal_lines:IC-JP"}
    (pair,) = found[("stmt.ic_eliminations", "NL01")].metrics["pairs"]
    assert pair["pnl_difference_mtd"] == expected
    consolidated = found[("stmt.consolidation", None)].metrics
    (group_pair,) = consolidated["eliminations"]["pairs"]
    assert group_pair["pnl_difference_mtd"] == expected
    assert consolidated["eliminations"]["unreconciled_through_profit"] == expected
    # the balances agree once the receivable is remeasured: nothing to report there
    assert found[("recon.intercompany", "NL01")].status == "pass"
    assert group_pair["balance_difference"] == Decimal("0.00")


def test_charge_booked_at_the_average_rate_agrees_everywhere():
    found = results(booking_rate=MAY_AVERAGE)
    assert found[("recon.intercompany_pnl", "NL01")].status == "pass"
    assert found[("recon.intercompany", "NL01")].status == "pass"
    consolidated = found[("stmt.consolidation", None)]
    assert consolidated.status == "pass", [f.message for f in consolidated.findings]
    (group_pair,) = consolidated.metrics["eliminations"]["pairs"]
    assert group_pair["pnl_difference_mtd"] == group_pair["balance_difference"] == Decimal("0.00")
    lines = {ln["line"] for ln in consolidated.metrics["lines"]}
    assert "Unreconciled intercompany differences" not in lines


def test_unmatched_balance_is_its_own_equity_line_and_equity_is_assets_less_liabilities():
    found = results(booking_rate=Decimal("158"))
    m = found[("stmt.consolidation", None)].metrics
    equity = {ln["line"]: ln["amount"] for ln in m["lines"]
              if ln["section"] == "equity" and ln["kind"] == "line"}
    assert equity["Unreconciled intercompany differences"] == m["eliminations"]["unreconciled_difference"]
    assert not [ln for ln in m["lines"] if ln["line"] == "Unreconciled intercompany differences"
                and ln["section"] != "equity"]
    assert m["difference"] == Decimal("0.00")
    assert m["total_equity"] == m["total_assets"] - m["total_liabilities"]
    total_equity = [ln["amount"] for ln in m["lines"] if ln["line"] == "Total equity"]
    assert total_equity == [m["total_equity"]]


@pytest.mark.parametrize("skill_id", ["recon.intercompany", "recon.intercompany_pnl"])
def test_a_missing_rate_is_a_finding_not_a_guess(skill_id):
    b = group(booking_rate=MAY_AVERAGE)
    b.con.execute("DELETE FROM fx_rates WHERE date = DATE '2026-05-31'")
    outcome = b.close(SKILLS, "2026-05")
    result = outcome.result(skill_id, "NL01")
    assert result.status == "exceptions"
    assert [f.amount for f in result.findings] == [None]
    assert "JPY->EUR 2026-05-31" in result.findings[0].message
    assert outcome.result("stmt.consolidation", None).status == "exceptions"
