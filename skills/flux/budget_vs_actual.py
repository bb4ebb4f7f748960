"""Budget vs actual: where the month came out differently from the plan.

Budget owners are asked about the lines where actual and budget differ by more than the
thresholds. Budget rows are by account (and department where the budget has one); the
actuals are the month's ledger activity on the same grain. Income-statement accounts
only: the budget is a plan of revenue and cost. Year-to-date figures ride along in the
metrics.
"""
from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Ratio, Skill
from skills.flux._variance import natural_sign, pct_change

BUDGET = """
SELECT b.account_id, a.name, a.type, b.department, b.period,
       CAST(SUM(b.amount) AS DECIMAL(18,2)) AS amount
FROM budget b
JOIN accounts a ON a.account_id = b.account_id
WHERE b.entity_id = $entity_id AND b.period BETWEEN $year_period AND $period
  AND a.type IN ('revenue', 'expense')
GROUP BY b.account_id, a.name, a.type, b.department, b.period
ORDER BY b.account_id, b.department, b.period
"""

ACTUAL = """
SELECT j.account_id, a.name, a.type, j.department,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date >= $month_start THEN j.debit - j.credit END), 0)
            AS DECIMAL(18,2)) AS mtd,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS ytd
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.type IN ('revenue', 'expense')
  AND j.posting_date BETWEEN $year_start AND $month_end
GROUP BY j.account_id, a.name, a.type, j.department
ORDER BY j.account_id, j.department
"""


def run(ctx):
    cur, period = ctx.currency, str(ctx.month)
    year_period = str(ctx.month.fiscal_year_start(ctx.pack.fiscal_year_start_month))
    budget_rows = ctx.rows(BUDGET, year_period=year_period)
    # Grain: (account, department) where the budget names departments for the account,
    # else (account, None) and the actuals of every department add up to it.
    by_dept = {r["account_id"] for r in budget_rows if r["department"] is not None}
    cells: dict[tuple, dict] = {}

    def cell(account_id, name, type_, dept):
        key = (account_id, dept if account_id in by_dept else None)
        return cells.setdefault(key, {"name": name, "type": type_, "budget": ZERO,
                                      "budget_ytd": ZERO, "actual": ZERO, "actual_ytd": ZERO})

    for r in budget_rows:
        c = cell(r["account_id"], r["name"], r["type"], r["department"])
        c["budget_ytd"] += r["amount"]
        if r["period"] == period:
            c["budget"] += r["amount"]
    for r in ctx.rows(ACTUAL):
        c = cell(r["account_id"], r["name"], r["type"], r["department"])
        c["actual"] += r["mtd"]
        c["actual_ytd"] += r["ytd"]
    amount, pct = ctx.param("amount"), ctx.params["pct"]
    lines, findings = [], []
    for (account_id, dept), c in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        sign = natural_sign(c["type"])
        actual, budget = sign * c["actual"], sign * c["budget"]
        variance = actual - budget
        change = pct_change(variance, budget)
        row = {"account_id": account_id, "name": c["name"], "department": dept,
               "actual": cents(actual, cur), "budget": cents(budget, cur),
               "variance": cents(variance, cur), "pct": change,
               "actual_ytd": cents(sign * c["actual_ytd"], cur),
               "budget_ytd": cents(sign * c["budget_ytd"], cur),
               "variance_ytd": cents(sign * (c["actual_ytd"] - c["budget_ytd"]), cur)}
        lines.append(row)
        if abs(variance) >= amount and variance != ZERO and (change is None or abs(change) >= pct):
            where = f"{c['name']} ({account_id}{', ' + dept if dept else ''})"
            favourable = (variance > 0) == (c["type"] == "revenue")
            findings.append(Finding(
                "medium" if not favourable else "low",
                f"{where}: actual {row['actual']} {cur} vs budget {row['budget']} in {period}, "
                f"{'over' if variance > 0 else 'under'} by {abs(row['variance'])}"
                f"{'' if change is None else f' ({abs(change)}%)'}, "
                f"{'favourable' if favourable else 'unfavourable'}: ask the budget owner to explain.",
                abs(variance), [f"accounts:{account_id}"]))
    totals = {k: sum((ln[k] for ln in lines), ZERO) for k in ("variance", "variance_ytd")}
    metrics = {"lines": [dict(ln, line=f"{ln['account_id']} {ln['department'] or ''}".strip(),
                              amount=ln["actual"]) for ln in lines],
               "threshold_amount": cents(amount, cur), "threshold_pct": pct,
               "budgeted_cells": sum(1 for ln in lines if ln["budget"] != ZERO),
               "currency": cur, **{f"total_{k}": v for k, v in totals.items()}}
    summary = (f"{len(findings)} of {len(lines)} account/department lines differ from budget by "
               f"more than {cents(amount, cur)} {cur} and {pct}% in {period}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="flux.budget_vs_actual",
    title="Budget vs actual",
    description=(
        "Actual vs budget for the month by income-statement account, and by department "
        "where the budget has one (actuals of all departments add up where it has none), "
        "in natural sign (revenue and costs positive). A difference above both thresholds "
        "(amount, default materiality; percent of budget, default 10%) is a finding: medium "
        "when unfavourable, low when favourable, amount = the difference. Year-to-date "
        "actual, budget and variance per line in the metrics."
    ),
    needs=("budget", "journal_lines", "accounts"),
    params={"amount": Money(MATERIALITY, "smallest difference worth a question, entity currency"),
            "pct": Ratio("10", "smallest difference worth a question, % of budget")},
    run=run,
)
