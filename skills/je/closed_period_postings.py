"""Entries posted into a period after it was closed.

Once a month is closed its figures have been reported; a line added later changes
numbers that management, lenders or auditors already have. Such postings should be
blocked by the ledger, and where they get through they need approval and, usually, a
reversal and re-posting in the open period.
"""
from close.skill import Count, Distinct, RowFindings, Skill, Total

# A line is a closed-period posting when the period of its posting date is closed for
# the entity and the line was created after the period's closed_at. A closed period
# without closed_at cannot be timed exactly; its month-end work is keyed during the next
# month, so only lines created after that next month has ended count as posted after
# the close (a line dated in March, closed, created in May). The run's month looks at the lines it is
# responsible for: those created during the month (wherever they are dated) and those
# dated in it. `after_close` says when, in the words of the finding.
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
       CASE WHEN MIN(closed_at) IS NULL THEN 'after the month following it, while it is marked closed'
            ELSE 'after it was closed on ' || strftime(MIN(closed_at), '%Y-%m-%d %H:%M') || ' UTC'
       END AS after_close,
       MIN(source) AS source,
       MIN(preparer) AS preparer,
       COUNT(*) AS line_count,
       CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit
FROM lines
GROUP BY je_id, period
ORDER BY je_id, period
"""


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
    sql=SQL,
    findings=RowFindings(
        severity="high",
        message=(
            "Entry {je_id} ({source}, prepared by {preparer}) posts {total_debit} {currency} "
            "dated {posting_date} into {period}, created {created_at:%Y-%m-%d %H:%M} UTC "
            "{after_close}; reverse it and post it in the open period, or document the "
            "approval to reopen."
        ),
        amount="total_debit",
        refs=("journal_lines:{je_id}", "periods:{entity_id}/{period}"),
        metrics={"entries": Count(), "amount": Total("total_debit"), "periods": Distinct("period")},
        summary="{entries:entry|entries} posted into closed periods in {month}.",
        clean="No postings into closed periods in {month}.",
    ),
)
