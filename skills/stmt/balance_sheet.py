"""Balance sheet per entity at month end, with last month end and the last fiscal year end beside it.

The balance sheet is the statement every other close check is measured against, and the
first sign of broken books is that it does not balance. Lines come from the accounts'
statement_line through close.statements, the mapping the income statement, translation
and consolidation use too. Without closing entries, prior fiscal years' profit is shown in
retained earnings and this fiscal year's as current period profit.
"""
from close.ledger import unbalanced_entry_refs
from close.money import ZERO, cents
from close.skill import Finding, Skill
from close.statements import TERM_SUBTOTALS, balance_sheet, balance_sheet_columns
from skills.stmt.notes_debt import due_within_a_year

UNKNOWN_ACCOUNTS = """
SELECT DISTINCT j.je_id
FROM journal_lines j
LEFT JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND (a.account_id IS NULL OR a.type NOT IN ('asset', 'liability', 'equity', 'revenue', 'expense'))
ORDER BY j.je_id
"""

CASH_ACCOUNTS = "SELECT account_id FROM accounts WHERE subtype = 'cash' ORDER BY account_id"

COLUMNS = ("amount", "prior", "prior_year_end")
TOTAL_KEYS = ("assets", "liabilities", "equity", "liabilities_and_equity", "difference")


def current_portion(ctx, columns) -> dict:
    """Liability account -> column -> principal due within a year of that column's month
    end, from the loan and lease schedules (stmt.notes_debt's figures)."""
    out: dict = {}
    for column, (month, _) in columns.items():
        for account, due in due_within_a_year(ctx, month).items():
            out.setdefault(account, {})[column] = due
    return out


def run(ctx):
    fsm = ctx.pack.fiscal_year_start_month
    statement = balance_sheet(ctx, current_portion(ctx, balance_sheet_columns(ctx.month, fsm)))
    cur = ctx.currency
    lines = []
    for line in statement.lines:
        metric = line.as_metric({c: c for c in COLUMNS})
        for column in COLUMNS:
            metric[column] = cents(metric[column], cur)
        if line.term:
            metric["term"] = line.term
        lines.append(metric)
    totals = {key: cents(statement.total(key, "amount"), cur) for key in TOTAL_KEYS}
    prior = {key: cents(statement.total(key, "prior"), cur) for key in TOTAL_KEYS}
    year_end = {key: cents(statement.total(key, "prior_year_end"), cur) for key in TOTAL_KEYS}
    cash_accounts = {r["account_id"] for r in ctx.rows(CASH_ACCOUNTS)}
    cash_line = next((ln.line for ln in statement.lines if ln.kind == "line"
                      and cash_accounts & set(ln.accounts)), None)
    profit = statement.line("Current period profit")
    metrics = {
        "lines": lines,
        "total_assets": totals["assets"],
        "total_liabilities": totals["liabilities"],
        "total_equity": totals["equity"],
        "total_liabilities_and_equity": totals["liabilities_and_equity"],
        "difference": totals["difference"],
        "current_period_profit": cents(profit.amounts["amount"] if profit else ZERO, cur),
        "prior": {f"total_{k}" if k != "difference" else k: v for k, v in prior.items()},
        "prior_year_end": {f"total_{k}" if k != "difference" else k: v for k, v in year_end.items()},
        "cash_line": cash_line,     # the line holding the cash accounts stmt.cash_flow explains
        "columns": {c: day for c, (_, day) in balance_sheet_columns(ctx.month, fsm).items()},
        "subtotals": {key: {c: cents(statement.total(key, c), cur) for c in COLUMNS}
                      for key, _, _ in TERM_SUBTOTALS},
        "currency": cur,
    }
    findings = []
    if totals["difference"] != ZERO:
        refs = unbalanced_entry_refs(ctx)
        refs += [f"journal_lines:{r['je_id']}" for r in ctx.rows(UNKNOWN_ACCOUNTS)
                 if f"journal_lines:{r['je_id']}" not in refs]
        findings.append(Finding(
            "high",
            f"Balance sheet does not balance at {ctx.month.last_day}: total assets "
            f"{totals['assets']} vs liabilities and equity {totals['liabilities_and_equity']} "
            f"{cur}, a difference of {totals['difference']}. Correct the unbalanced or "
            f"unmapped entries listed before the statements are issued.",
            abs(totals["difference"]), refs))
        summary = (f"Out of balance by {abs(totals['difference'])} {cur} at "
                   f"{ctx.month.last_day}.")
    else:
        summary = (f"Balances at {ctx.month.last_day}: total assets {totals['assets']} {cur} "
                   f"= liabilities {totals['liabilities']} + equity {totals['equity']}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="stmt.balance_sheet",
    title="Balance sheet",
    description=(
        "Balance sheet per entity at month end with the prior month end and the last "
        "fiscal year end beside it, by statement line (accounts.statement_line) under "
        "assets, liabilities and equity, assets and liabilities classed current (due "
        "within a year: cash, receivables, inventory, prepaids, payables, accruals, "
        "deferred revenue, tax, payroll, intercompany) or non-current with subtotals; the "
        "principal of borrowings and lease liabilities due within a year of each date "
        "(loan and lease schedules, as stmt.notes_debt) is shown as their current portion. "
        "Assets are shown debit-positive, liabilities and equity credit-positive. With no "
        "closing entries, income-statement accounts before the fiscal year start are shown "
        "in retained earnings and this fiscal year's in current period profit. Checks that "
        "total assets equal total liabilities plus equity to the cent; a difference is a "
        "high finding naming the unbalanced entries or entries to unknown accounts."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
