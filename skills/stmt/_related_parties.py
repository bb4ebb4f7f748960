"""Related parties: what an entity owes and is owed by the other entities of its group,
and what it traded with them, for the statutory note.

The intercompany accounts (receivable, payable, revenue, expense) split by counterparty:
balances at the month end, revenue and expense for the month and the fiscal year to
date, in the entity's currency. A counterparty that is a group entity is named with its
relationship (parent, subsidiary, fellow subsidiary); an intercompany amount toward
anyone else is totalled apart, since it is no related-party balance the group can
eliminate (recon.intercompany reports such lines).
"""
from __future__ import annotations

from close.money import ZERO, cents

IC_BY_COUNTERPARTY = """
SELECT COALESCE(j.counterparty, '') AS counterparty, a.subtype,
       CAST(COALESCE(SUM(j.debit - j.credit), 0) AS DECIMAL(18,2)) AS balance,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date BETWEEN $month_start AND $month_end
                              THEN j.debit - j.credit END), 0) AS DECIMAL(18,2)) AS mtd,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date BETWEEN $year_start AND $month_end
                              THEN j.debit - j.credit END), 0) AS DECIMAL(18,2)) AS ytd
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND a.subtype IN ('intercompany_receivable', 'intercompany_payable',
                    'intercompany_revenue', 'intercompany_expense')
GROUP BY COALESCE(j.counterparty, ''), a.subtype
ORDER BY COALESCE(j.counterparty, ''), a.subtype
"""

FIELDS = ("receivable", "payable", "revenue_mtd", "revenue_ytd", "expense_mtd", "expense_ytd")


def relationship(me, other) -> str:
    if me.parent_id == other.id:
        return "parent"
    if other.parent_id == me.id:
        return "subsidiary"
    return "fellow subsidiary"


def _figures(rows) -> dict:
    """Receivable and expense debit-positive, payable and revenue credit-positive."""
    out = {k: ZERO for k in FIELDS}
    for r in rows:
        if r["subtype"] == "intercompany_receivable":
            out["receivable"] += r["balance"]
        elif r["subtype"] == "intercompany_payable":
            out["payable"] -= r["balance"]
        elif r["subtype"] == "intercompany_revenue":
            out["revenue_mtd"] -= r["mtd"]
            out["revenue_ytd"] -= r["ytd"]
        else:
            out["expense_mtd"] += r["mtd"]
            out["expense_ytd"] += r["ytd"]
    return out


def related_parties(ctx) -> dict:
    """The related-party note's figures for the context's entity."""
    cur, me = ctx.currency, ctx.entity
    group = {e.id: e for e in ctx.group}
    rows = ctx.rows(IC_BY_COUNTERPARTY)
    parties, outside = [], []
    for cp in sorted({r["counterparty"] for r in rows}):
        figures = _figures([r for r in rows if r["counterparty"] == cp])
        if all(v == ZERO for v in figures.values()):
            continue
        if cp in group and cp != me.id:
            other = group[cp]
            parties.append({"entity": cp, "name": other.name,
                            "relationship": relationship(me, other),
                            "currency": other.functional_currency}
                           | {k: cents(v, cur) for k, v in figures.items()})
        else:
            outside.append((cp, figures))
    totals = {k: cents(sum((p[k] for p in parties), ZERO), cur) for k in FIELDS}
    other = {k: cents(sum((f[k] for _, f in outside), ZERO), cur) for k in FIELDS}
    return {"parties": parties, "totals": totals,
            "outside_group": other | {"counterparties": [cp or "(none)" for cp, _ in outside]},
            "currency": cur}
