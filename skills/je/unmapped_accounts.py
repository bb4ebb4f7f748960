"""Accounts that feed no statement line, and lines on accounts the chart does not know.

The statements are built by mapping each account to a statement line. An account with
no mapping silently drops out of the balance sheet or income statement, so they stop
tying to the trial balance; a line on an account id missing from the chart cannot be
classified at all. Both must be mapped (or reclassified) before statements are issued.
"""
from close.money import ZERO, cents
from close.skill import Finding, Skill

# Accounts the entity has used up to the month's end whose statement_line is blank, and
# account ids on the entity's lines that are not in accounts.csv. The figure that would
# be missing: cumulative balance for balance-sheet accounts, fiscal year-to-date
# activity for income-statement accounts, the cumulative balance when the type is unknown.
# The accounts are picked first (`unmapped`: of the few the entity uses, those without a
# statement line), so the month's hundreds of thousands of lines are only looked up
# against that short list, not each joined to the chart and its statement_line tested.
SQL = """
WITH used AS (
  SELECT u.account_id FROM journal_lines u
  WHERE u.entity_id = $entity_id AND u.posting_date <= $month_end
  GROUP BY u.account_id
), unmapped AS (
  SELECT s.account_id FROM used s
  LEFT JOIN accounts m ON m.account_id = s.account_id
  WHERE m.account_id IS NULL OR m.statement_line IS NULL OR trim(m.statement_line) = ''
)
SELECT j.account_id,
       MIN(a.name) AS account_name,
       MIN(a.type) AS account_type,
       CASE WHEN MIN(a.account_id) IS NULL THEN 1 ELSE 0 END AS unknown,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS balance,
       CAST(SUM(CASE WHEN j.posting_date >= $year_start THEN j.debit - j.credit ELSE 0 END)
            AS DECIMAL(18,2)) AS ytd,
       SUM(CASE WHEN j.posting_date BETWEEN $month_start AND $month_end THEN 1 ELSE 0 END) AS month_lines,
       MIN(CASE WHEN j.posting_date BETWEEN $month_start AND $month_end THEN j.je_id END) AS first_month_je,
       MIN(j.je_id) AS first_je,
       COUNT(DISTINCT j.je_id) AS entries
FROM journal_lines j
LEFT JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND (j.account_id IN (SELECT n.account_id FROM unmapped n) OR j.account_id IS NULL)
GROUP BY j.account_id
ORDER BY j.account_id
"""


def run(ctx):
    rows = ctx.rows(SQL)
    findings = []
    for r in rows:
        is_pl = r["account_type"] in ("revenue", "expense")
        figure = r["ytd"] if is_pl else r["balance"]
        if not r["unknown"] and figure == ZERO and r["month_lines"] == 0:
            continue  # used in the past, nothing left to report
        example = r["first_month_je"] or r["first_je"]
        what = ("year-to-date activity" if is_pl else f"balance at {ctx.month.last_day}")
        if r["unknown"]:
            message = (f"Account id {r['account_id']} on {r['entries']} entr"
                       f"{'y' if r['entries'] == 1 else 'ies'} (e.g. {example}) is not in the chart "
                       f"of accounts; its {what} of {cents(figure, ctx.currency)} {ctx.currency} cannot be "
                       f"classified. Add the account to accounts.csv or repost to a valid account.")
            severity = "high"
        else:
            message = (f"Account {r['account_id']} {r['account_name']} ({r['account_type']}) maps "
                       f"to no statement line; its {what} of {cents(figure, ctx.currency)} {ctx.currency} is "
                       f"missing from the statements. Set its statement_line.")
            severity = "high" if figure != ZERO else "medium"
        findings.append(Finding(severity, message, cents(abs(figure), ctx.currency),
                                [f"accounts:{r['account_id']}", f"journal_lines:{example}"]))
    metrics = {"unmapped_accounts": sum(1 for r in rows if not r["unknown"]),
               "unknown_accounts": sum(1 for r in rows if r["unknown"]),
               "reported": len(findings)}
    summary = (f"{len(findings)} account(s) used by the entity map to no statement line or are "
               f"unknown." if findings else "Every account used maps to a statement line.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.unmapped_accounts",
    title="Unmapped and unknown accounts",
    description=(
        "Finds accounts the entity has posted to (up to the month's end) that have no "
        "statement_line, and account ids on its journal lines that are missing from "
        "accounts.csv. One finding per account, unless a mapped-less account has no "
        "balance and no lines in the month; the amount is what the statements would miss: "
        "the cumulative balance (balance-sheet or unknown accounts) or fiscal year-to-date "
        "activity (revenue and expense). Refs: the account and an example entry."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
