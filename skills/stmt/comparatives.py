"""Comparative columns: this period against last month and the same period last year.

Statements are read in comparison. This skill puts the balance sheet and the income
statement side by side with the prior month and the same month of the prior year (and
the year to date against last year's), each with its variance in amount and percent, from
the same mapping as the statements themselves so the columns agree with them.

Young books (a group that started its ledger a year ago, an acquisition) have no data for
a comparison period that ends before their first posting: the column is then zeros by
construction, not a fall to zero, so the summary and metrics say the comparison is not
available instead of letting a reader take it for one.
"""
from close.ledger import first_posting_day
from close.money import cents
from close.skill import Skill
from close.statements import (account_amounts, balance_sheet_windows, build_balance_sheet,
                              build_income_statement, income_statement_windows)
from skills.lib.percent import percent_change
from skills.stmt.balance_sheet import current_portion

BS_PAIRS = (("prior", "vs_prior_month"), ("prior_year", "vs_prior_year"))
IS_PAIRS = (("mtd", "prior_month", "vs_prior_month"), ("mtd", "prior_year", "vs_prior_year"),
            ("ytd", "prior_year_ytd", "vs_prior_year_ytd"))


def _row(line, columns, pairs, cur):
    row = {"line": line.line, "section": line.section, "kind": line.kind}
    for col in columns:
        row[col] = cents(line.amounts[col], cur)
    for cur_col, cmp_col, name in pairs:
        variance = row[cur_col] - row[cmp_col]
        row[name] = variance
        row[f"{name}_pct"] = percent_change(variance, row[cmp_col])
    return row


def run(ctx):
    cur, fsm, month = ctx.currency, ctx.pack.fiscal_year_start_month, ctx.month
    bs_cols = {"amount": (month, month.last_day), "prior": (month.prev, month.prev.last_day),
               "prior_year": (month.shift(-12), month.shift(-12).last_day)}
    is_windows = income_statement_windows(month, fsm)
    windows = {**balance_sheet_windows(bs_cols, fsm), **is_windows}
    accounts = account_amounts(ctx, windows)
    bs = build_balance_sheet(accounts, tuple(bs_cols), current_portion(ctx, bs_cols))
    inc = build_income_statement(accounts, tuple(is_windows))
    bs_rows = [_row(ln, bs_cols, [("amount", c, n) for c, n in BS_PAIRS], cur) for ln in bs.lines]
    is_rows = [_row(ln, is_windows, IS_PAIRS, cur) for ln in inc.lines]
    ni = {col: cents(inc.total("net_income", col), cur) for col in is_windows}
    metrics = {"balance_sheet": bs_rows, "income_statement": is_rows,
               "lines": [{"line": r["line"], "section": r["section"], "kind": r["kind"],
                          "amount": r["amount"], "prior": r["prior"],
                          "prior_year": r["prior_year"]} for r in bs_rows]
               + [{"line": r["line"], "section": r["section"], "kind": r["kind"],
                   "amount": r["mtd"], "prior": r["prior_month"], "prior_year": r["prior_year"]}
                  for r in is_rows],
               "columns": {"amount": str(month), "prior": str(month.prev),
                           "prior_year": str(month.shift(-12))},
               "net_income": ni, "currency": cur}
    first_day = first_posting_day(ctx)
    available = {name: first_day is not None and first_day <= end
                 for name, end in (("prior", month.prev.last_day),
                                   ("prior_year", month.shift(-12).last_day))}
    metrics["comparatives_available"] = available
    metrics["books_start"] = first_day

    def said(col, value):
        return value if available[col] else "n/a"

    summary = (f"Net income {ni['mtd']} {cur} in {month} vs {said('prior', ni['prior_month'])} in "
               f"{month.prev} and {said('prior_year', ni['prior_year'])} in {month.shift(-12)}; "
               f"YTD {ni['ytd']} vs {said('prior_year', ni['prior_year_ytd'])}.")
    missing = [str(m) for col, m in (("prior", month.prev), ("prior_year", month.shift(-12)))
               if not available[col]]
    if missing:
        summary += (f" The books start on {first_day}: no comparative for "
                    f"{' or '.join(missing)} (not a finding).")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="stmt.comparatives",
    title="Comparative statements",
    description=(
        "Balance sheet and income statement with comparative columns: the month end "
        "against the prior month end and the same month end last year; the month's income "
        "statement against the prior month and the same month last year, and the year to "
        "date against the prior year to date; each with the variance in amount and percent. "
        "Uses the statements' own mapping, so the columns agree with stmt.balance_sheet and "
        "stmt.income_statement. A comparison period that ends before the books' first posting "
        "is stated as not available. Reports only."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
