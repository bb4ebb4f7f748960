"""The mapped trial balance: every account with its statement line, ready to export.

Auditors, tax advisers and the group's reporting tool all ask for the same thing: the
trial balance at month end with each account's opening balance, the month's debits and
credits, its closing balance, and the statement line it maps to. This skill produces
that table (metrics.rows) and the closing balances added up by statement line
(metrics.lines), from the mapping the statements use.
"""
from close.ledger import trial_balance
from close.money import ZERO, cents
from close.skill import Skill
from close.statements import BS_SECTIONS, PNL_TYPES

YTD_PNL = """
SELECT j.account_id,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS ytd
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $year_start AND $month_end
GROUP BY j.account_id
ORDER BY j.account_id
"""


def section_of(account_type):
    if account_type in BS_SECTIONS:
        return BS_SECTIONS[account_type]
    return "income_statement" if account_type in PNL_TYPES else "unmapped"


def run(ctx):
    cur = ctx.currency
    ytd = {r["account_id"]: r["ytd"] for r in ctx.rows(YTD_PNL)}
    rows, by_line = [], {}
    totals = {"opening": ZERO, "debit": ZERO, "credit": ZERO, "closing": ZERO}
    for r in trial_balance(ctx):
        section = section_of(r["type"])
        line = r["statement_line"] or ("Unmapped" if r["type"] else "Unknown account")
        row = {"account_id": r["account_id"], "name": r["name"], "type": r["type"],
               "subtype": r["subtype"], "statement_line": line, "section": section,
               "opening": cents(r["opening"], cur), "debit": cents(r["debit"], cur),
               "credit": cents(r["credit"], cur), "closing": cents(r["closing"], cur),
               "ytd": cents(ytd.get(r["account_id"], ZERO), cur) if section == "income_statement" else None}
        rows.append(row)
        for key in totals:
            totals[key] += row[key]
        key = (section, line)
        by_line.setdefault(key, ZERO)
        by_line[key] += row["closing"]
    lines = [{"line": line, "section": section, "amount": amount}
             for (section, line), amount in sorted(by_line.items())]
    unmapped = [r["account_id"] for r in rows if r["section"] == "unmapped" or r["statement_line"] == "Unmapped"]
    metrics = {"rows": rows, "lines": lines, "accounts": len(rows),
               "total_opening": totals["opening"], "total_debit": totals["debit"],
               "total_credit": totals["credit"], "total_closing": totals["closing"],
               "unmapped_accounts": unmapped, "currency": cur,
               "columns": ["account_id", "name", "type", "subtype", "statement_line", "section",
                           "opening", "debit", "credit", "closing", "ytd"]}
    summary = (f"{len(rows)} accounts mapped to {len(lines)} statement lines at "
               f"{ctx.month.last_day}; debits {totals['debit']} and credits {totals['credit']} "
               f"{cur} in {ctx.month}.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="stmt.trial_balance_export",
    title="Mapped trial balance",
    description=(
        "The trial balance at month end for export: per account its name, type, subtype, "
        "statement line and section, opening balance (last month end), the month's debits "
        "and credits, closing balance (debit-positive) and, for income-statement accounts, "
        "the fiscal year to date. metrics.rows is the table; metrics.lines adds the closing "
        "balances up by statement line. Reports only; unmapped accounts are listed in the "
        "metrics and are je.unmapped_accounts' findings."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
