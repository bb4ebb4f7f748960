"""Large manual entries posted without an approver.

Manual entries bypass the checks built into subledgers, so entries above the approval
limit must carry an approver. One that does not is an unapproved material adjustment:
get it approved (or reversed) before the books are signed off.
"""
from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill

# An entry is unapproved when none of its lines names an approver (blank or spaces).
SQL = """
SELECT je_id,
       MIN(posting_date) AS posting_date,
       MIN(preparer) AS preparer,
       MIN(description) AS description,
       CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
  AND source = 'manual'
GROUP BY je_id
HAVING SUM(debit) > $threshold
   AND MAX(CASE WHEN approver IS NOT NULL AND trim(approver) <> '' THEN 1 ELSE 0 END) = 0
ORDER BY je_id
"""


def run(ctx):
    threshold = ctx.param("threshold")
    rows = ctx.rows(SQL, threshold=threshold)
    findings = [
        Finding(
            "high",
            f"Manual entry {r['je_id']} ({r['posting_date']}, '{r['description']}', prepared by "
            f"{r['preparer']}) for {cents(r['total_debit'])} {ctx.currency} exceeds the approval "
            f"threshold of {cents(threshold)} and has no approver; obtain approval or reverse it.",
            r["total_debit"],
            [f"journal_lines:{r['je_id']}"],
        )
        for r in rows
    ]
    metrics = {"threshold": cents(threshold), "unapproved": len(rows),
               "unapproved_amount": cents(sum((r["total_debit"] for r in rows), ZERO))}
    summary = (f"{len(rows)} manual entr{'y' if len(rows) == 1 else 'ies'} over "
               f"{cents(threshold)} {ctx.currency} without an approver in {ctx.month}." if rows
               else f"Every manual entry over {cents(threshold)} {ctx.currency} in {ctx.month} has an approver.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.manual_over_threshold",
    title="Unapproved manual entries over the approval threshold",
    description=(
        "Lists the month's manual journal entries (source manual) whose total debits exceed "
        "the approval threshold (default: materiality, in the entity's currency) and that "
        "name no approver on any line. The amount is the entry's total debits. Obtain the "
        "missing approval or reverse the entry before sign-off."
    ),
    needs=("journal_lines",),
    params={"threshold": Money(MATERIALITY, "manual entries with total debits above this need an approver")},
    run=run,
)
