"""Statement of changes in equity: from the start of the fiscal year to this month end.

Equity moves for two reasons: profit, and transactions with owners or reserves (capital,
dividends, translation). The statement shows, per equity line, the opening balance at
the fiscal year start (prior years' profit already in retained earnings, as there are no
closing entries), the profit for the period, the other movements posted to equity
accounts, and the closing balance, which must be the balance sheet's.
"""
from datetime import timedelta

from close.money import ZERO, cents
from close.skill import Finding, Skill
from close.statements import (CURRENT_PROFIT_LINE, EPOCH, PNL_TYPES, account_amounts,
                              build_balance_sheet, fiscal_year_start)

EQUITY_ENTRIES = """
SELECT j.je_id, CAST(SUM(j.credit - j.debit) AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.type = 'equity'
  AND j.posting_date BETWEEN $year_start AND $month_end
GROUP BY j.je_id
ORDER BY j.je_id
"""


def run(ctx):
    cur = ctx.currency
    fy = fiscal_year_start(ctx.month, ctx.pack.fiscal_year_start_month)
    year_open = fy - timedelta(days=1)
    windows = {"open_cum": (EPOCH, year_open), "open_ytd": (fy, year_open),   # empty: all prior
               "amount_cum": (EPOCH, ctx.month.last_day), "amount_ytd": (fy, ctx.month.last_day),
               "move": (fy, ctx.month.last_day)}
    accounts = account_amounts(ctx, windows)
    bs = build_balance_sheet(accounts, ("open", "amount"))
    profit = sum((-a.amounts["move"] for a in accounts if a.type in PNL_TYPES), ZERO)
    moves: dict[str, object] = {}
    for a in accounts:
        if a.type == "equity":
            moves[a.line] = moves.get(a.line, ZERO) - a.amounts["move"]
    components, findings = [], []
    for line in (ln for ln in bs.lines if ln.section == "equity" and ln.kind == "line"):
        opening, closing = line.amounts["open"], line.amounts["amount"]
        row_profit = profit if line.line == CURRENT_PROFIT_LINE else ZERO
        other = moves.get(line.line, ZERO)
        diff = closing - opening - row_profit - other
        components.append({"line": line.line, "opening": cents(opening, cur),
                           "profit": cents(row_profit, cur), "other_movements": cents(other, cur),
                           "closing": cents(closing, cur), "difference": cents(diff, cur)})
        if diff != ZERO:
            findings.append(Finding("high", f"Equity line {line.line}: opening {cents(opening, cur)} "
                                    f"+ profit {cents(row_profit, cur)} + movements {cents(other, cur)}"
                                    f" does not give the closing {cents(closing, cur)} {cur}.",
                                    abs(diff), ()))
    total = {k: sum((c[k] for c in components), ZERO)
             for k in ("opening", "profit", "other_movements", "closing")}
    entries = [{"je_id": r["je_id"], "amount": cents(r["amount"], cur)}
               for r in ctx.rows(EQUITY_ENTRIES, year_start=fy) if r["amount"] != ZERO]
    metrics = {"from": fy, "to": ctx.month.last_day, "components": components,
               "lines": [{"line": c["line"], "amount": c["closing"], "opening": c["opening"],
                          "profit": c["profit"], "other_movements": c["other_movements"]}
                         for c in components],
               "total_opening": total["opening"], "profit": total["profit"],
               "other_movements": total["other_movements"], "total_closing": total["closing"],
               "equity_entries": entries[:50], "currency": cur}
    summary = (f"Equity {total['opening']} {cur} at {year_open} + profit {total['profit']} + "
               f"other movements {total['other_movements']} = {total['closing']} at "
               f"{ctx.month.last_day}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="stmt.equity_changes",
    title="Statement of changes in equity",
    description=(
        "Statement of changes in equity for the fiscal year to date: per equity line "
        "(share capital, retained earnings, reserves, translation reserve, current period "
        "profit) the opening balance at the fiscal year start, the profit for the period, "
        "other movements posted to equity accounts (capital, dividends) with the entries "
        "behind them, and the closing balance, equal to the balance sheet's. A line that "
        "does not roll forward is a high finding."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
