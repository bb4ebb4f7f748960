"""Group profit figures in the reporting currency, rounded as the consolidation rounds.

stmt.consolidation translates each entity's account at each month's average rate (the
exact products, summed over the window), eliminates intercompany revenue and expense
toward another group entity in full, and rounds a figure once, when it is written: a
total is the exact sum rounded, never a sum of rounded lines (LEDGER-PACK.md;
skills/stmt/_translation.py, skills/stmt/_written.py). The review's KPIs and chart follow
that rule, so the group revenue and net income a CFO reads in the chart are the
consolidated income statement's, to the cent, month by month.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from close.money import ZERO, cents
from close.periods import Month

# One row per entity, account, eliminating counterparty (or none) and month, as a
# contribution to profit (credit - debit).
PNL_ROWS = """
SELECT j.entity_id, j.account_id, a.subtype,
       CASE WHEN g.entity_id IS NOT NULL
                 AND a.subtype IN ('intercompany_revenue', 'intercompany_expense')
            THEN j.counterparty END AS eliminated_with,
       CAST(date_trunc('month', j.posting_date) AS DATE) AS month_start,
       CAST(SUM(j.credit - j.debit) AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
LEFT JOIN entities g ON g.entity_id = j.counterparty AND g.entity_id <> j.entity_id
WHERE a.type IN ('revenue', 'expense')
  AND j.posting_date BETWEEN $series_start AND $month_end
GROUP BY j.entity_id, j.account_id, a.subtype,
         CASE WHEN g.entity_id IS NOT NULL
                   AND a.subtype IN ('intercompany_revenue', 'intercompany_expense')
              THEN j.counterparty END,
         CAST(date_trunc('month', j.posting_date) AS DATE)
ORDER BY j.entity_id, j.account_id, eliminated_with, month_start
"""

# Which accounts count toward a figure, by subtype (the income statement's blocks).
MEASURES = {
    "revenue": lambda subtype: subtype in ("revenue", "intercompany_revenue"),
    "cost_of_sales": lambda subtype: subtype == "cogs",
    "net_income": lambda subtype: True,
}


@dataclass(frozen=True)
class PnlRow:
    entity_id: str
    account_id: str
    subtype: str | None
    eliminated_with: str | None
    month: Month
    amount: Decimal


def pnl_rows(ctx, start: Month) -> list[PnlRow]:
    return [PnlRow(r["entity_id"], r["account_id"], r["subtype"], r["eliminated_with"],
                   Month(r["month_start"].year, r["month_start"].month), r["amount"])
            for r in ctx.rows(PNL_ROWS, series_start=start.first_day)]


def entity_figures(rows: list[PnlRow], entity_id: str, month: Month) -> dict[str, Decimal] | None:
    """One entity's month in its own currency: the income statement's revenue block and
    net income, and the intercompany parts a consolidation takes out."""
    mine = [r for r in rows if r.entity_id == entity_id and r.month == month]
    if not mine:
        return None
    return {
        "revenue": sum((r.amount for r in mine if MEASURES["revenue"](r.subtype)), ZERO),
        "intercompany_revenue": sum((r.amount for r in mine if r.eliminated_with
                                     and r.subtype == "intercompany_revenue"), ZERO),
        "intercompany_profit": sum((r.amount for r in mine if r.eliminated_with), ZERO),
        "cost_of_sales": sum((r.amount for r in mine if MEASURES["cost_of_sales"](r.subtype)), ZERO),
        "net_income": sum((r.amount for r in mine), ZERO),
    }


def group_figure(rows: list[PnlRow], months: set[Month], measure: str, rate_of, currency: str):
    """(figure, missing): the group's figure over `months` in the reporting currency, or
    None with the (entity, month) pairs whose average rate is missing."""
    counts = MEASURES[measure]
    total = ZERO
    missing = []
    for row in rows:
        if row.month not in months or not counts(row.subtype):
            continue
        rate = rate_of(row.entity_id, row.month)
        if rate is None:
            if (row.entity_id, row.month) not in missing:
                missing.append((row.entity_id, row.month))
            continue
        if not row.eliminated_with:        # eliminated in full: contributes nothing
            total += row.amount * rate
    if missing:
        return None, missing
    return cents(total, currency), []
