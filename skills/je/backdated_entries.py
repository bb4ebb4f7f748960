"""Entries keyed long after the date they are posted on.

An entry created weeks after its posting date reaches back into a period that has
usually been reported. Sometimes that is a legitimate late correction; sometimes it is
an attempt to move results between periods. Either way it needs an explanation, and
the longer the lag the stronger the question.
"""
from close.money import ZERO, cents
from close.skill import Finding, Int, Skill

# Lag = days from posting_date to the (UTC) day the line was created. The run's month
# looks at entries created in it (where backdating happens) and entries dated in it.
SQL = """
WITH lagged AS (
  SELECT je_id, posting_date, created_at, debit, source, preparer, description,
         date_diff('day', posting_date, CAST(created_at AS DATE)) AS lag_days
  FROM journal_lines
  WHERE entity_id = $entity_id
    AND (posting_date BETWEEN $month_start AND $month_end
         OR CAST(created_at AS DATE) BETWEEN $month_start AND $month_end)
)
SELECT je_id,
       MIN(posting_date) AS posting_date,
       MAX(created_at) AS created_at,
       MAX(lag_days) AS lag_days,
       MIN(source) AS source,
       MIN(preparer) AS preparer,
       MIN(description) AS description,
       CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit
FROM lagged
GROUP BY je_id
HAVING MAX(lag_days) > $max_days
ORDER BY je_id
"""


def run(ctx):
    max_days = ctx.param("max_days")
    if max_days < 0:
        raise ValueError("max_days must be 0 or more")
    rows = ctx.rows(SQL, max_days=max_days)
    findings = [
        Finding(
            "high" if r["lag_days"] > 2 * max_days else "medium",
            f"Entry {r['je_id']} ({r['source']}, prepared by {r['preparer']}, "
            f"'{r['description']}', {cents(r['total_debit'])} {ctx.currency}) is dated "
            f"{r['posting_date']} but was created {r['created_at']:%Y-%m-%d}, {r['lag_days']} "
            f"days later (limit {max_days}); obtain the reason and approval for backdating.",
            r["total_debit"],
            [f"journal_lines:{r['je_id']}"],
        )
        for r in rows
    ]
    metrics = {"max_days": max_days, "backdated": len(rows),
               "backdated_amount": cents(sum((r["total_debit"] for r in rows), ZERO)),
               "longest_lag_days": max((r["lag_days"] for r in rows), default=0)}
    summary = (f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'} created more than {max_days} "
               f"days after their posting date in {ctx.month}." if rows
               else f"No entries backdated by more than {max_days} days in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.backdated_entries",
    title="Backdated entries",
    description=(
        "Lists journal entries whose lines were created (created_at, UTC day) more than "
        "max_days (default 30) after their posting date, among entries created in the month "
        "or dated in it. The amount is the entry's total debits; lags over twice the limit "
        "are high severity. Obtain the reason and approval for each backdated entry."
    ),
    needs=("journal_lines",),
    params={"max_days": Int(30, "largest accepted gap in days between posting date and creation")},
    run=run,
)
