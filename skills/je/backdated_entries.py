"""Entries keyed long after the date they are posted on.

An entry created weeks after its posting date reaches back into a period that has
usually been reported. Sometimes that is a legitimate late correction; sometimes it is
an attempt to move results between periods. Either way it needs an explanation, and
the longer the lag the stronger the question.

The lag is counted in the preparer's calendar: created_at is stored in UTC, so the day
it was keyed is taken in the entity country's time zone (skills/je/_local_time.py), the
earliest day where the country spans several zones, so an offset never adds a day.
"""
from datetime import timedelta

from close.money import ZERO, cents
from close.skill import Finding, Int, Skill
from skills.je._local_time import local_day

# Candidates: each (entry, posting date, created_at) whose UTC lag could exceed the limit
# once taken to local time (local days run at most one day ahead of UTC), among lines
# dated in the month or created around it. Python then takes created_at to local time.
SQL = """
WITH candidates AS (
  SELECT je_id, posting_date, created_at
  FROM journal_lines
  WHERE entity_id = $entity_id
    AND (posting_date BETWEEN $month_start AND $month_end
         OR CAST(created_at AS DATE) BETWEEN $around_start AND $around_end)
    AND date_diff('day', posting_date, CAST(created_at AS DATE)) >= $max_days
  GROUP BY je_id, posting_date, created_at
),
entries AS (
  SELECT je_id, MIN(posting_date) AS entry_date, MIN(source) AS source,
         MIN(preparer) AS preparer, MIN(description) AS description,
         CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit
  FROM journal_lines
  WHERE entity_id = $entity_id AND je_id IN (SELECT je_id FROM candidates)
  GROUP BY je_id
)
SELECT c.je_id, c.posting_date, c.created_at, e.entry_date, e.source, e.preparer,
       e.description, e.total_debit
FROM candidates c JOIN entries e ON e.je_id = c.je_id
ORDER BY c.je_id, c.posting_date, c.created_at
"""


def backdated(ctx, max_days: int) -> list[dict]:
    """One row per entry keyed more than max_days after its posting date (local days),
    dated in the month or keyed in it; its longest lag and the line that has it."""
    month = (ctx.month.first_day, ctx.month.last_day)
    by_entry: dict[str, dict] = {}
    rows = ctx.rows(SQL, max_days=max_days, around_start=month[0] - timedelta(days=1),
                    around_end=month[1] + timedelta(days=1))
    for r in rows:
        keyed = local_day(r["created_at"], ctx.entity.country)
        in_scope = month[0] <= r["posting_date"] <= month[1] or month[0] <= keyed <= month[1]
        lag = (keyed - r["posting_date"]).days
        if not in_scope or lag <= max_days:
            continue
        best = by_entry.get(r["je_id"])
        if best is None or lag > best["lag_days"]:
            by_entry[r["je_id"]] = {**r, "keyed": keyed, "lag_days": lag}
    return [by_entry[k] for k in sorted(by_entry)]


def run(ctx):
    max_days = ctx.param("max_days")
    if max_days < 0:
        raise ValueError("max_days must be 0 or more")
    rows = backdated(ctx, max_days)
    cur = ctx.currency
    findings = [
        Finding(
            "high" if r["lag_days"] > 2 * max_days else "medium",
            f"Entry {r['je_id']} ({r['source']}, prepared by {r['preparer']}, "
            f"'{r['description']}', {cents(r['total_debit'], cur)} {cur}) is dated "
            f"{r['posting_date']} but was created {r['keyed']} ({r['created_at']:%Y-%m-%d %H:%M} "
            f"UTC), {r['lag_days']} days later (limit {max_days}); obtain the reason and "
            f"approval for backdating.",
            cents(r["total_debit"], cur),
            [f"journal_lines:{r['je_id']}"],
        )
        for r in rows
    ]
    metrics = {"max_days": max_days, "backdated": len(rows),
               "backdated_amount": cents(sum((r["total_debit"] for r in rows), ZERO), cur),
               "longest_lag_days": max((r["lag_days"] for r in rows), default=0)}
    summary = (f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'} created more than {max_days} "
               f"days after their posting date in {ctx.month}." if rows
               else f"No entries backdated by more than {max_days} days in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.backdated_entries",
    title="Backdated entries",
    description=(
        "Lists journal entries with a line created more than max_days (default 30) after "
        "its posting date, among entries dated in the month or created in it. The day of "
        "creation is created_at taken to the entity country's time zone (the earliest "
        "local day where the country has several zones), so a UTC offset never adds or "
        "removes a day of lag. The amount is the entry's total debits; lags over twice the "
        "limit are high severity. Obtain the reason and approval for each backdated entry."
    ),
    needs=("journal_lines",),
    params={"max_days": Int(30, "largest accepted gap in days between posting date and creation")},
    run=run,
)
