"""Postings to accounts that have been marked inactive.

An account is retired when it should no longer be used: its balance was moved and the
statement line it fed may no longer be reported. A line posted there anyway is
misclassified or comes from an outdated mapping in a feeding system; it needs to be
reclassified to the account that replaced it, and the mapping fixed.
"""
from close.money import ZERO, cents
from close.skill import Finding, Skill

SQL = """
SELECT j.je_id, j.account_id, a.name AS account_name,
       MIN(j.posting_date) AS posting_date,
       MIN(j.source) AS source,
       MIN(j.preparer) AS preparer,
       COUNT(*) AS line_count,
       CAST(SUM(j.debit) AS DECIMAL(18,2)) AS debits,
       CAST(SUM(j.credit) AS DECIMAL(18,2)) AS credits
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND a.active = false
GROUP BY j.je_id, j.account_id, a.name
ORDER BY j.je_id, j.account_id
"""


def run(ctx):
    rows = ctx.rows(SQL)
    findings = []
    for r in rows:
        gross = r["debits"] + r["credits"]
        findings.append(Finding(
            "medium",
            f"Entry {r['je_id']} ({r['posting_date']}, {r['source']}, prepared by {r['preparer']}) "
            f"posts {r['line_count']} line(s) to inactive account {r['account_id']} "
            f"{r['account_name']} (debits {cents(r['debits'], ctx.currency)}, credits {cents(r['credits'], ctx.currency)} "
            f"{ctx.currency}); reclassify to the active account that replaced it and fix the mapping.",
            cents(gross, ctx.currency),
            [f"journal_lines:{r['je_id']}", f"accounts:{r['account_id']}"],
        ))
    metrics = {"entries": len({r["je_id"] for r in rows}),
               "accounts": sorted({r["account_id"] for r in rows}),
               "amount": cents(sum((f.amount for f in findings), ZERO), ctx.currency)}
    summary = (f"{len(findings)} posting(s) to inactive accounts in {ctx.month}." if findings
               else f"No postings to inactive accounts in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.inactive_account_activity",
    title="Postings to inactive accounts",
    description=(
        "Lists the month's journal lines posted to accounts whose `active` flag is false, "
        "one finding per entry and account; the amount is the gross of those lines "
        "(debits plus credits). Reclassify each to the active account that replaced it and "
        "correct the source system's mapping."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
