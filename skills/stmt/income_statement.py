"""Income statement per entity: the month, the fiscal year to date, and comparatives.

The controller reads the month against last month and against the same month last year,
and signs off only if the year's net income is the profit the balance sheet carries in
equity. Lines come from close.statements (the mapping every statement shares), shown as
their contribution to profit: revenue positive, costs negative.
"""
from close.ledger import unbalanced_entry_refs
from close.money import ZERO, cents
from close.skill import Finding, Skill
from close.statements import PNL_BLOCKS, PNL_SUBTOTALS, income_statement, profit_implied_by_balance_sheet

# statement column -> key in metrics["lines"]
COLUMNS = {"mtd": "amount", "ytd": "ytd", "prior_month": "prior", "prior_year": "prior_year",
           "prior_year_ytd": "prior_year_ytd"}

UNKNOWN_ACCOUNTS_YTD = """
SELECT DISTINCT j.je_id
FROM journal_lines j
LEFT JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $year_start AND $month_end
  AND (a.account_id IS NULL OR a.type NOT IN ('asset', 'liability', 'equity', 'revenue', 'expense'))
ORDER BY j.je_id
"""


def run(ctx):
    statement = income_statement(ctx)
    cur = ctx.currency
    lines = []
    for line in statement.lines:
        metric = line.as_metric(COLUMNS)
        for key in COLUMNS.values():
            metric[key] = cents(metric[key], cur)
        lines.append(metric)
    names = [name for name, _ in PNL_BLOCKS] + [name for name, _, _ in PNL_SUBTOTALS]
    totals = {name: {key: cents(statement.total(name, col), cur) for col, key in COLUMNS.items()}
              for name in names}
    net_income_ytd = totals["net_income"]["ytd"]
    equity_profit = cents(profit_implied_by_balance_sheet(ctx), cur)
    difference = net_income_ytd - equity_profit
    metrics = {
        "lines": lines,
        "totals": totals,
        "revenue": totals["revenue"]["amount"],
        "gross_profit": totals["gross_profit"]["amount"],
        "operating_profit": totals["operating_profit"]["amount"],
        "net_income": totals["net_income"]["amount"],
        "net_income_ytd": net_income_ytd,
        "equity_profit_ytd": equity_profit,
        "tie_difference": difference,
        "currency": cur,
    }
    findings = []
    if difference != ZERO:
        refs = unbalanced_entry_refs(ctx, start=ctx.month.fiscal_year_start(ctx.pack.fiscal_year_start_month).first_day)
        refs += [f"journal_lines:{r['je_id']}" for r in ctx.rows(UNKNOWN_ACCOUNTS_YTD)
                 if f"journal_lines:{r['je_id']}" not in refs]
        findings.append(Finding(
            "high",
            f"Net income year to date {net_income_ytd} {cur} does not tie to the profit in "
            f"equity on the balance sheet ({equity_profit}): difference {difference}. Correct "
            f"the unbalanced or unmapped entries of this fiscal year.",
            abs(difference), refs))
    summary = (f"{ctx.month}: revenue {totals['revenue']['amount']} {cur}, net income "
               f"{totals['net_income']['amount']} (YTD {net_income_ytd})"
               + ("." if difference == ZERO else f"; does not tie to equity by {abs(difference)}."))
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="stmt.income_statement",
    title="Income statement",
    description=(
        "Income statement per entity for the month (MTD) and fiscal year to date, with the "
        "prior month and the same month of the prior year (MTD and YTD) beside them, by "
        "statement line, credit-positive (revenue positive, costs negative). Subtotals: "
        "revenue, gross profit, operating profit, profit before tax, net income, from the "
        "account subtypes. Checks that net income year to date ties to the movement in "
        "equity the balance sheet shows from the income statement; a difference is a high "
        "finding naming the unbalanced or unmapped entries of the year."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
