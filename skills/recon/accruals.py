"""Accruals: the accrual schedule against the GL, and prior-period accruals left standing.

An accrual books an expense whose invoice has not arrived; it must be reversed when the
invoice comes (normally the next month), or the expense is counted twice. An accrual is
open at a month end when it was made in or before that month and its reversed_period is
blank or later. Checks:

- each accrual account's balance equals the open accruals on it; a difference is split
  (account_tie.py) into the opening difference, each accrual's movement this month
  (booked when made, released when reversed; lines name it by doc_ref
  `accruals:<accrual_id>` or by its id in the description) and entries that name no
  accrual;
- accruals made before this month and still not reversed at its end are findings: reverse
  them against the invoice, or document why the invoice is still missing.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.account_tie import (Expected, account_metrics, entries_naming, findings_for,
                                      tie_accounts)

SCHEDULE = """
SELECT accrual_id, vendor_id, account_id, period, amount, reversed_period
FROM accruals
WHERE entity_id = $entity_id AND period <= $period
ORDER BY accrual_id
"""

LINES = """
SELECT j.je_id, j.account_id, j.posting_date, j.doc_ref, j.description,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT account_id FROM accruals WHERE entity_id = $entity_id)
ORDER BY j.je_id, j.line_no
"""


def is_open(accrual: dict, period: str) -> bool:
    return accrual["period"] <= period and (accrual["reversed_period"] is None
                                            or accrual["reversed_period"] > period)


def run(ctx):
    schedule = ctx.rows(SCHEDULE)
    if not schedule:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no accruals in accruals.csv.")
    period, prior = str(ctx.month), str(ctx.month.prev)
    items = [Expected(f"accruals:{a['accrual_id']}", a["accrual_id"],
                      f"Accrual {a['accrual_id']} ({a['vendor_id'] or 'no vendor'}, {a['period']})",
                      a["account_id"], a["amount"] if is_open(a, prior) else ZERO,
                      a["amount"] if is_open(a, period) else ZERO)
             for a in schedule]
    ties = tie_accounts(ctx, items, ctx.rows(LINES), {a["account_id"]: -1 for a in schedule})
    threshold = ctx.param("threshold")
    findings = findings_for(ctx, ties, items, "accrual", threshold)
    stale = [a for a in schedule if a["period"] < period and is_open(a, period)]
    for a in stale:
        findings.append(Finding(
            "high" if abs(a["amount"]) >= threshold else "medium",
            f"Accrual {a['accrual_id']} ({a['vendor_id'] or 'no vendor'}) of {cents(a['amount'])} "
            f"made in {a['period']} is still not reversed at {ctx.month.last_day}: reverse it "
            f"against the invoice, or document why it stays.",
            a["amount"], [f"accruals:{a['accrual_id']}",
                          *entries_naming(ties, f"accruals:{a['accrual_id']}")]))
    open_total = sum((i.closing for i in items), ZERO)
    gl_total = sum((t.gl_closing for t in ties.values()), ZERO)
    metrics = {"accruals_open": sum(1 for a in schedule if is_open(a, period)),
               "open_amount": cents(open_total), "gl_balance": cents(gl_total),
               "difference": cents(gl_total - open_total), "unreversed_prior_period": len(stale),
               "accrued_this_month": cents(sum((a["amount"] for a in schedule
                                                if a["period"] == period), ZERO)),
               "accounts": account_metrics(ties)}
    summary = (f"Open accruals {metrics['open_amount']} vs GL {metrics['gl_balance']} "
               f"{ctx.currency}; {len(stale)} prior-period accrual(s) not reversed.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.accruals",
    title="Accruals",
    description=(
        "Ties each accrual account's balance to the open accruals of accruals.csv (made by "
        "the month end and not reversed by it), splitting any difference into the opening "
        "difference, each accrual's movement this month (doc_ref accruals:<id> or the id in "
        "the description) and entries naming no accrual; accruals made before this month and "
        "still unreversed are findings (reverse them or document why)."
    ),
    needs=("accruals", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "amounts at or above this are high severity")},
    run=run,
)
