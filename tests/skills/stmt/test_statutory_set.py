"""The statutory set ties, on the demo (acme) and the second group (kestrel).

Per entity: the cash flow's closing cash is the balance sheet's cash line, its opening
cash last month end's (month) and last year end's (year to date); the changes in equity
close on the balance sheet's total equity; current + non-current = total, every column.
For the group the same ties on stmt.consolidation's metrics.statutory.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

GROUPS = ("acme", "kestrel")
COLUMNS = ("amount", "prior", "prior_year_end")


def results(outcome, skill_id):
    return [r for r in outcome.results if r.skill_id == skill_id and r.status != "error"]


def line(lines, name):
    return next(ln for ln in lines if ln["line"] == name and ln.get("kind", "line") == "line")


def assert_classified(lines, subtotals, totals_by_column):
    for column in COLUMNS:
        for section in ("assets", "liabilities"):
            current = subtotals[f"current_{section}"][column]
            non_current = subtotals[f"non_current_{section}"][column]
            assert current + non_current == totals_by_column[section][column], (section, column)
            terms = {ln.get("term") for ln in lines if ln["section"] == section and ln["kind"] == "line"}
            assert terms <= {"current", "non_current"}


@pytest.mark.parametrize("group", GROUPS)
def test_entity_statements_tie(group_close, group):
    outcome, _ = group_close(group)
    flows = {r.entity_id: r.metrics for r in results(outcome, "stmt.cash_flow")}
    equity = {r.entity_id: r.metrics for r in results(outcome, "stmt.equity_changes")}
    sheets = results(outcome, "stmt.balance_sheet")
    assert sheets and len(flows) == len(sheets) == len(equity)
    for bs in sheets:
        m, cf = bs.metrics, flows[bs.entity_id]
        cash = line(m["lines"], m["cash_line"])
        assert cf["cash_closing"] == cash["amount"]
        assert cf["cash_opening"] == cash["prior"]
        assert cf["ytd"]["cash_opening"] == cash["prior_year_end"]
        assert cf["ytd"]["cash_closing"] == cash["amount"]
        assert equity[bs.entity_id]["total_closing"] == m["total_equity"]
        totals = {s: {"amount": m[f"total_{s}"], "prior": m["prior"][f"total_{s}"],
                      "prior_year_end": m["prior_year_end"][f"total_{s}"]}
                  for s in ("assets", "liabilities")}
        assert_classified(m["lines"], m["subtotals"], totals)
        assert m["columns"]["prior_year_end"] < m["columns"]["prior"] or \
            m["columns"]["prior_year_end"] == m["columns"]["prior"]


@pytest.mark.parametrize("group", GROUPS)
def test_group_statements_tie(group_close, group):
    outcome, _ = group_close(group)
    consolidated = outcome.result("stmt.consolidation", None)
    st = consolidated.metrics["statutory"]
    assert "missing_rates" not in st, st.get("missing_rates")
    table, cf, eq = st["balance_sheet"], st["cash_flow"], st["equity_changes"]
    cash = line(table["lines"], st["cash_line"])
    assert cf["cash_closing"] == cash["amount"] == cf["ytd"]["cash_closing"]
    assert cf["cash_opening"] == cash["prior"]
    assert cf["ytd"]["cash_opening"] == cash["prior_year_end"]
    # The month's column is the consolidated balance sheet the skill has always written.
    assert table["totals"]["total_assets"]["amount"] == consolidated.metrics["total_assets"]
    assert eq["total_closing"] == table["totals"]["total_equity"]["amount"] == consolidated.metrics["total_equity"]
    assert eq["total_opening"] == table["totals"]["total_equity"]["prior_year_end"]
    assert sum((c["closing"] for c in eq["components"]), Decimal(0)) - eq["total_closing"] in (
        Decimal("0.00"), Decimal("0.01"), Decimal("-0.01"))      # lines rounded, total once
    totals = {s: table["totals"][f"total_{s}"] for s in ("assets", "liabilities")}
    assert_classified(table["lines"], table["subtotals"], totals)
    # What the cash flow does not explain is exactly what the balance sheet does not balance by.
    assert cf["difference"] == -table["totals"]["difference"]["amount"] + \
        table["totals"]["difference"]["prior"]
