"""Entries approved by the person who prepared them.

Segregation of duties means no one both posts and approves an entry: a self-approved
entry had no independent review, which auditors treat as a control failure whatever
the amount. Each one needs a second approver after the fact.
"""
from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill

# Names are compared trimmed and case-insensitively: "J.Smith " approving "j.smith" is
# the same person. An entry counts if any of its lines shows the same preparer and approver.
SQL = """
WITH month_lines AS (
  SELECT je_id, posting_date, debit, source, preparer, approver,
         CASE WHEN approver IS NOT NULL AND lower(trim(preparer)) = lower(trim(approver))
              THEN 1 ELSE 0 END AS same_person
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date BETWEEN $month_start AND $month_end
)
SELECT je_id,
       MIN(posting_date) AS posting_date,
       MIN(source) AS source,
       MIN(CASE WHEN same_person = 1 THEN preparer END) AS preparer,
       CAST(SUM(debit) AS DECIMAL(18,2)) AS total_debit
FROM month_lines
GROUP BY je_id
HAVING MAX(same_person) = 1
ORDER BY je_id
"""


def run(ctx):
    high_from = ctx.param("high_severity_from")
    rows = ctx.rows(SQL)
    findings = [
        Finding(
            "high" if r["total_debit"] >= high_from else "medium",
            f"Entry {r['je_id']} ({r['posting_date']}, {r['source']}, "
            f"{cents(r['total_debit'], ctx.currency)} {ctx.currency}) was prepared and approved by "
            f"{r['preparer']}; have someone else review and approve it.",
            cents(r["total_debit"], ctx.currency),
            [f"journal_lines:{r['je_id']}"],
        )
        for r in rows
    ]
    metrics = {"self_approved": len(rows),
               "self_approved_amount": cents(sum((r["total_debit"] for r in rows), ZERO), ctx.currency)}
    summary = (f"{len(rows)} entr{'y was' if len(rows) == 1 else 'ies were'} approved by "
               f"their preparer in {ctx.month}." if rows
               else f"No self-approved entries in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.self_approved",
    title="Self-approved entries",
    description=(
        "Segregation of duties: lists the month's journal entries whose approver is the "
        "same person as the preparer (names compared trimmed, case-insensitively). The "
        "amount is the entry's total debits; entries from high_severity_from up are high "
        "severity, smaller ones medium. Have each one reviewed and approved by someone else."
    ),
    needs=("journal_lines",),
    params={"high_severity_from": Money(MATERIALITY, "entries with total debits from this amount are high severity")},
    run=run,
)
