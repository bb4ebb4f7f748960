"""Postings to accounts that have been marked inactive.

An account is retired when it should no longer be used: its balance was moved and the
statement line it fed may no longer be reported. A line posted there anyway is
misclassified or comes from an outdated mapping in a feeding system; it needs to be
reclassified to the account that replaced it, and the mapping fixed.
"""
from close.skill import CountDistinct, Distinct, RowFindings, Skill, Total

# One row per entry and inactive account: the lines' count, debits, credits and gross.
SQL = """
SELECT j.je_id, j.account_id, a.name AS account_name,
       MIN(j.posting_date) AS posting_date,
       MIN(j.source) AS source,
       MIN(j.preparer) AS preparer,
       COUNT(*) AS line_count,
       CAST(SUM(j.debit) AS DECIMAL(18,2)) AS debits,
       CAST(SUM(j.credit) AS DECIMAL(18,2)) AS credits,
       CAST(SUM(j.debit) + SUM(j.credit) AS DECIMAL(18,2)) AS gross
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND a.active = false
GROUP BY j.je_id, j.account_id, a.name
ORDER BY j.je_id, j.account_id
"""

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
    sql=SQL,
    findings=RowFindings(
        message=(
            "Entry {je_id} ({posting_date}, {source}, prepared by {preparer}) posts "
            "{line_count} line(s) to inactive account {account_id} {account_name} (debits "
            "{debits}, credits {credits} {currency}); reclassify to the active account that "
            "replaced it and fix the mapping."
        ),
        amount="gross",
        money=("debits", "credits"),
        refs=("journal_lines:{je_id}", "accounts:{account_id}"),
        metrics={"entries": CountDistinct("je_id"), "accounts": Distinct("account_id"),
                 "amount": Total("gross")},
        summary="{count} posting(s) to inactive accounts in {month}.",
        clean="No postings to inactive accounts in {month}.",
    ),
)
