"""Retained earnings: the opening balance plus prior fiscal years' profit, nothing else.

LEDGER-PACK.md keeps no closing entries: a fiscal year's profit stays on the
income-statement accounts and is reported in retained earnings once the year is over.
So the retained-earnings account itself should hold only what the books opened with;
anything posted to it later (a prior-period adjustment, a dividend booked against it, a
manual "closing" entry that would count a year's profit twice) bypasses the income
statement and is a finding with its entry. Retained earnings as reported =
retained-earnings accounts + profit of the fiscal years before this one, in metrics.
"""
from __future__ import annotations

from close.ledger import first_posting_day
from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill


FIGURES = """
SELECT
  CAST(COALESCE(SUM(CASE WHEN a.subtype = 'retained_earnings' AND j.posting_date = $first_day
                         THEN j.credit - j.debit END), 0) AS DECIMAL(18,2)) AS opening,
  CAST(COALESCE(SUM(CASE WHEN a.subtype = 'retained_earnings'
                         THEN j.credit - j.debit END), 0) AS DECIMAL(18,2)) AS account_balance,
  CAST(COALESCE(SUM(CASE WHEN a.type IN ('revenue', 'expense') AND j.posting_date < $year_start
                         THEN j.credit - j.debit END), 0) AS DECIMAL(18,2)) AS prior_years_profit
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
"""

LATER_POSTINGS = """
SELECT j.je_id, MIN(j.posting_date) AS posting_date, MIN(j.description) AS description,
       CAST(SUM(j.credit - j.debit) AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype = 'retained_earnings'
  AND j.posting_date > $first_day AND j.posting_date <= $month_end
GROUP BY j.je_id
ORDER BY j.je_id
"""


def run(ctx):
    first_day = first_posting_day(ctx)
    if first_day is None:
        return ctx.result([], {}, f"{ctx.entity.id} has no journal lines.")
    figures = ctx.rows(FIGURES, first_day=first_day)[0]
    threshold = ctx.param("threshold")
    findings = []
    for r in ctx.rows(LATER_POSTINGS, first_day=first_day):
        if r["amount"] == ZERO:
            continue
        findings.append(Finding(
            "high" if abs(r["amount"]) >= threshold else "medium",
            f"Entry {r['je_id']} ({r['posting_date']}, '{r['description'] or ''}') posts "
            f"{cents(r['amount'], ctx.currency)} straight to retained earnings: profit reaches retained earnings "
            f"through the income statement only. Reverse it, or post the adjustment through the "
            f"income statement and disclose it.",
            r["amount"], [f"journal_lines:{r['je_id']}"]))
    reported = figures["account_balance"] + figures["prior_years_profit"]
    metrics = {"opening_retained_earnings": cents(figures["opening"], ctx.currency),
               "prior_fiscal_years_profit": cents(figures["prior_years_profit"], ctx.currency),
               "direct_postings": cents(figures["account_balance"] - figures["opening"], ctx.currency),
               "retained_earnings_reported": cents(reported, ctx.currency),
               "opening_day": first_day}
    summary = (f"Retained earnings {metrics['retained_earnings_reported']} {ctx.currency}: opening "
               f"{metrics['opening_retained_earnings']} + prior years' profit "
               f"{metrics['prior_fiscal_years_profit']}; {len(findings)} direct posting(s).")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.retained_earnings",
    title="Retained earnings",
    description=(
        "Retained earnings must be the opening balance (the entity's first day of books) plus "
        "the profit of the fiscal years before this one, which the income-statement accounts "
        "carry (no closing entries). Every later entry posted straight to a retained-earnings "
        "account is a finding with its amount (reverse it or route it through the income "
        "statement); the reported figure is in metrics."
    ),
    needs=("journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "amounts at or above this are high severity")},
    run=run,
)
