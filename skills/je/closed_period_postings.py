"""Entries posted into a period after it was closed.

Once a month is closed its figures have been reported; a line added later changes
numbers that management, lenders or auditors already have. Such postings should be
blocked by the ledger, and where they get through they need approval and, usually, a
reversal and re-posting in the open period.
"""
from close.money import ZERO, cents
from close.skill import Finding, Skill

# A line is a closed-period posting when the period of its posting date is closed for
# the entity and the line was created after the period's closed_at. A closed period
# without closed_at cannot be timed exactly; its month-end work is keyed during the next
# month, so only lines created after that next month has ended count as posted after
# the close (a line dated in March, closed, created in May). The run's month looks at the lines it is
# responsible for: those created during the month (wherever they are dated) and those
# dated in it.
SQL = """
WITH closed AS (
  SELECT entity_id, period, closed_at FROM periods
  WHERE entity_id = $entity_id AND status = 'closed'
),
lines AS (
  SELECT j.je_id, j.line_no, j.posting_date, j.created_at, j.debit, j.source, j.preparer,
         c.period, c.closed_at
  FROM journal_lines j
  JOIN closed c
    ON c.entity_id = j.entity_id
   AND c.period = strftime(j.posting_date, '%Y-%m')
  WHERE j.entity_id = $entity_id
    AND (j.posting_date BETWEEN $month_start AND $month_end
         OR CAST(j.created_at AS DATE) BETWEEN $month_start AND $month_end)
    AND ((c.closed_at IS NOT NULL AND j.created_at > c.closed_at)
         OR (c.closed_at IS NULL
             AND date_diff('month', CAST(date_trunc('month', j.posting_date) AS DATE),
                           CAST(date_trunc('month', j.created_at) AS DATE)) >= 2))
)
SELECT je_id, period,
       MIN(posting_date) AS posting_date,
       MIN(created_at) AS created_at,
       MIN(closed_at) AS closed_at,
       MIN(source) AS source,
       MIN(preparer) AS preparer,
       COUNT(*) AS line_count,
       CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit
FROM lines
GROUP BY je_id, period
ORDER BY je_id, period
"""


def run(ctx):
    rows = ctx.rows(SQL)
    findings = []
    for r in rows:
        when = (f"after it was closed on {r['closed_at']:%Y-%m-%d %H:%M} UTC" if r["closed_at"]
                else "after the month following it, while it is marked closed")
        findings.append(Finding(
            "high",
            f"Entry {r['je_id']} ({r['source']}, prepared by {r['preparer']}) posts "
            f"{cents(r['total_debit'], ctx.currency)} {ctx.currency} dated {r['posting_date']} into "
            f"{r['period']}, created {r['created_at']:%Y-%m-%d %H:%M} UTC {when}; reverse it "
            f"and post it in the open period, or document the approval to reopen.",
            cents(r["total_debit"], ctx.currency),
            [f"journal_lines:{r['je_id']}", f"periods:{ctx.entity.id}/{r['period']}"],
        ))
    metrics = {"entries": len(rows),
               "amount": cents(sum((r["total_debit"] for r in rows), ZERO), ctx.currency),
               "periods": sorted({r["period"] for r in rows})}
    summary = (f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'} posted into closed periods "
               f"in {ctx.month}." if rows else f"No postings into closed periods in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.closed_period_postings",
    title="Postings into closed periods",
    description=(
        "Using periods.csv, lists journal entries with lines dated in a period that is "
        "closed for the entity and created after that period's closed_at (a closed period "
        "without closed_at: created after the end of the month following it, when its "
        "month-end work is done). The run's month "
        "covers lines created in the month, wherever dated, and lines dated in the month. "
        "One finding per entry and closed period; the amount is the total debits of those "
        "lines. Reverse and repost in the open period, or document the reopening."
    ),
    needs=("journal_lines", "periods"),
    run=run,
)
