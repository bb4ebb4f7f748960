"""The handful of ratios a CFO reads first: margins, EBITDA, opex ratio, current ratio.

Computed from the statements' own figures for the month, the prior month and the year
to date, so the KPI page never disagrees with the income statement or balance sheet:
the current ratio is the balance sheet's current assets over its current liabilities,
which include the current portion of borrowings and lease liabilities (the loan and
lease schedules' principal due within a year), as a lender reads it.
Reports only: a KPI is read against a plan or a covenant, not a fixed rule here.
"""
from close.money import cents
from close.skill import Skill
from close.statements import account_amounts, balance_sheet, balance_sheet_columns, fiscal_year_start
from skills.flux._figures import credit_sum, net_income
from skills.lib.percent import ratio
from skills.stmt.balance_sheet import current_portion


def current_position(ctx) -> dict:
    """Balance-sheet column ("amount": this month end, "prior": the last) -> (current
    assets, current liabilities), both positive, exactly as stmt.balance_sheet classifies
    them (its subtotals, before rounding)."""
    columns = balance_sheet_columns(ctx.month, ctx.pack.fiscal_year_start_month)
    statement = balance_sheet(ctx, current_portion(ctx, columns))
    return {column: (statement.total("current_assets", column),
                     statement.total("current_liabilities", column))
            for column in ("amount", "prior")}


def kpis(accounts, window: str, current: tuple, cur: str) -> dict:
    revenue = credit_sum(accounts, window, ("revenue", "intercompany_revenue"))
    cogs = -credit_sum(accounts, window, ("cogs",))
    gross = revenue - cogs
    opex = -credit_sum(accounts, window, ("opex", "payroll_expense", "depreciation_expense",
                                          "intercompany_expense"))
    depreciation = -credit_sum(accounts, window, ("depreciation_expense",))
    operating = gross - opex
    ebitda = operating + depreciation
    current_assets, current_liabilities = current
    return {
        "revenue": cents(revenue, cur), "gross_profit": cents(gross, cur),
        "operating_profit": cents(operating, cur), "ebitda": cents(ebitda, cur),
        "net_income": cents(net_income(accounts, window), cur),
        "operating_expenses": cents(opex, cur),
        "gross_margin_pct": ratio(gross, revenue), "operating_margin_pct": ratio(operating, revenue),
        "ebitda_margin_pct": ratio(ebitda, revenue), "opex_ratio_pct": ratio(opex, revenue),
        "current_assets": cents(current_assets, cur),
        "current_liabilities": cents(current_liabilities, cur),
        "current_ratio": ratio(current_assets, current_liabilities, "0.01", 1),
    }


def run(ctx):
    cur, m = ctx.currency, ctx.month
    windows = {"mtd": (m.first_day, m.last_day), "prior": (m.prev.first_day, m.prev.last_day),
               "ytd": (fiscal_year_start(m, ctx.pack.fiscal_year_start_month), m.last_day)}
    accounts = account_amounts(ctx, windows)
    position = current_position(ctx)
    month, prior, ytd = (kpis(accounts, "mtd", position["amount"], cur),
                         kpis(accounts, "prior", position["prior"], cur),
                         kpis(accounts, "ytd", position["amount"], cur))
    lines = [{"line": key, "amount": month[key], "prior": prior[key], "ytd": ytd[key]}
             for key in month]
    metrics = {**month, "prior": prior, "ytd": ytd, "lines": lines, "currency": cur}
    summary = (f"{m}: gross margin {month['gross_margin_pct']}%, operating margin "
               f"{month['operating_margin_pct']}%, EBITDA {month['ebitda']} {cur}, current ratio "
               f"{month['current_ratio']}.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="flux.kpis",
    title="Key performance indicators",
    description=(
        "Gross margin, operating margin, EBITDA (operating profit plus depreciation) and "
        "its margin, opex ratio (operating expenses / revenue) and current ratio (the "
        "balance sheet's current assets / current liabilities, the current portion of "
        "borrowings and lease liabilities included) for the month, the prior month "
        "and the fiscal year to date, from the statements' mapping. Percentages to one "
        "decimal, ratios to two; a ratio whose denominator is zero is null. Reports only."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
