"""Budget vs actual: where the month came out differently from the plan.

Budget owners are asked about the lines where actual and budget differ by at least both
thresholds. Income-statement accounts only: the budget is a plan of revenue and cost.
Year-to-date figures (from the pack's fiscal year start) ride along in the metrics.

What the budget does not cover is not over budget. So:
- an entity with no budget rows for the month is skipped with the reason (budget.csv may
  cover some entities or months only), never compared against zeros;
- an account with no budget row in the fiscal year to date is listed as unbudgeted in the
  metrics, not reported as a variance (a plan that leaves out FX or tax lines says nothing
  about them); an account budgeted at zero for the month is compared;
- the grain is the finest both sides carry: by department where the budget names
  departments for the account and every one of the month's actual lines on it names one,
  else by account (actual lines without a department cannot be set against a department's
  budget, and comparing them would report the same money twice, once over and once under).

Each finding names the account and the month's entries that drive an over-run, largest
first, so the budget owner sees the bill or the accrual behind it.
"""
from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Ratio, Skill
from skills.flux._variance import above_thresholds, natural_sign
from skills.lib.percent import percent_change

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
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS ytd,
       COUNT(CASE WHEN j.posting_date >= $month_start THEN 1 END) AS month_lines
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.type IN ('revenue', 'expense')
  AND j.posting_date BETWEEN $year_start AND $month_end
GROUP BY j.account_id, a.name, a.type, j.department
ORDER BY j.account_id, j.department
"""

ENTRIES = """
SELECT j.je_id, j.source, j.department,
       CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS amount
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.account_id = $account_id
  AND j.posting_date BETWEEN $month_start AND $month_end
GROUP BY j.je_id, j.source, j.department
ORDER BY j.je_id, j.source, j.department
"""

MAX_ENTRIES = 10


def run(ctx):
    cur, period = ctx.currency, str(ctx.month)
    year_period = str(ctx.month.fiscal_year_start(ctx.pack.fiscal_year_start_month))
    budget_rows = ctx.rows(BUDGET, year_period=year_period)
    if not any(r["period"] == period for r in budget_rows):
        return ctx.skip(f"budget.csv has no income-statement rows for {ctx.entity.id} in "
                        f"{period}: nothing to compare the month against")
    actual_rows = ctx.rows(ACTUAL)
    budgeted = {r["account_id"] for r in budget_rows}
    undepartmented = {r["account_id"] for r in actual_rows
                      if r["department"] is None and r["month_lines"]}
    by_dept = {r["account_id"] for r in budget_rows
               if r["department"] is not None and r["account_id"] not in undepartmented}
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
    for r in actual_rows:
        c = cell(r["account_id"], r["name"], r["type"], r["department"])
        c["actual"] += r["mtd"]
        c["actual_ytd"] += r["ytd"]
    amount, pct = ctx.param("amount"), ctx.params["pct"]
    lines, findings, unbudgeted = [], [], []
    for (account_id, dept), c in sorted(cells.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        sign = natural_sign(c["type"])
        actual, budget = sign * c["actual"], sign * c["budget"]
        variance = actual - budget
        row = {"account_id": account_id, "name": c["name"], "department": dept,
               "actual": cents(actual, cur), "budget": cents(budget, cur),
               "variance": cents(variance, cur), "pct": percent_change(variance, budget),
               "actual_ytd": cents(sign * c["actual_ytd"], cur),
               "budget_ytd": cents(sign * c["budget_ytd"], cur),
               "variance_ytd": cents(sign * (c["actual_ytd"] - c["budget_ytd"]), cur),
               "budgeted": account_id in budgeted}
        lines.append(row)
        if account_id not in budgeted:
            if actual != ZERO:
                unbudgeted.append({"account_id": account_id, "department": dept,
                                   "actual": row["actual"]})
            continue
        if above_thresholds(variance, budget, amount, pct):
            findings.append(_finding(ctx, row, c["type"], variance, amount, account_id in by_dept))
    totals = {k: sum((ln[k] for ln in lines), ZERO) for k in ("variance", "variance_ytd")}
    metrics = {"lines": [dict(ln, line=f"{ln['account_id']} {ln['department'] or ''}".strip(),
                              amount=ln["actual"]) for ln in lines],
               "threshold_amount": cents(amount, cur), "threshold_pct": pct,
               "budgeted_cells": sum(1 for ln in lines if ln["budget"] != ZERO),
               "unbudgeted": unbudgeted, "fiscal_year_from": year_period,
               "currency": cur, **{f"total_{k}": v for k, v in totals.items()}}
    summary = (f"{len(findings)} of {len(lines)} account/department lines differ from budget by "
               f"at least {cents(amount, cur)} {cur} and {pct}% in {period}"
               + (f"; {len(unbudgeted)} unbudgeted lines listed only." if unbudgeted else "."))
    return ctx.result(findings, metrics, summary)


def _finding(ctx, row, account_type, variance, amount, by_department) -> Finding:
    """The difference, with the month's entries that push the account the same way."""
    cur, sign = ctx.currency, natural_sign(account_type)
    direction = 1 if variance > ZERO else -1
    entries = [r for r in ctx.rows(ENTRIES, account_id=row["account_id"])
               if not by_department or r["department"] == row["department"]]
    totals: dict[str, list] = {}
    for r in entries:
        t = totals.setdefault(r["je_id"], [ZERO, r["source"]])
        t[0] += sign * r["amount"]
    ranked = sorted(((je, amt, src) for je, (amt, src) in totals.items() if amt * direction > ZERO),
                    key=lambda item: (-abs(item[1]), item[0]))
    chosen, explained = [], ZERO
    for je, amt, src in ranked:
        if explained >= abs(variance) * ctx.params["coverage"] or len(chosen) >= MAX_ENTRIES:
            break
        chosen.append((je, amt, src))
        explained += abs(amt)
    manual = [je for je, amt, src in chosen if src == "manual" and abs(amt) >= amount]
    favourable = (variance > 0) == (account_type == "revenue")
    severity = "high" if manual else ("low" if favourable else "medium")
    where = (f"{row['name']} ({row['account_id']}"
             f"{', ' + row['department'] if row['department'] else ''})")
    driven = (", driven by " + ", ".join(f"{je} ({cents(amt, cur)})" for je, amt, _ in chosen)
              if chosen else "")
    change = "" if row["pct"] is None else f" ({abs(row['pct'])}%)"
    return Finding(
        severity,
        f"{where}: actual {row['actual']} {cur} vs budget {row['budget']} in {ctx.month}, "
        f"{'over' if variance > 0 else 'under'} by {abs(row['variance'])}{change}{driven}, "
        f"{'favourable' if favourable else 'unfavourable'}: ask the budget owner to explain"
        + (f"; manual entr{'y' if len(manual) == 1 else 'ies'} {', '.join(manual)} at or above "
           "the threshold: confirm the support." if manual else "."),
        cents(abs(variance), cur),
        [f"accounts:{row['account_id']}"] + [f"journal_lines:{je}" for je, _, _ in chosen])


SKILL = Skill(
    id="flux.budget_vs_actual",
    title="Budget vs actual",
    description=(
        "Actual vs budget for the month by income-statement account, and by department "
        "where the budget has one and every actual line of the month on the account names "
        "a department (else by account), in natural sign (revenue and costs positive). A "
        "difference at or above both thresholds (amount, default materiality; percent of "
        "budget, default 10%; a zero budget counts as above the percent) is a finding: "
        "amount = the difference, refs = the account and the month's entries that drive "
        "it; high when a manual entry at or above the amount threshold drives it, else "
        "medium when unfavourable, low when favourable. Accounts without any budget row "
        "in the fiscal year are listed as unbudgeted, not reported. Fiscal year-to-date "
        "actual, budget and variance per line in the metrics. Skipped when budget.csv has "
        "no rows for the entity and month."
    ),
    needs=("budget", "journal_lines", "accounts"),
    params={"amount": Money(MATERIALITY, "smallest difference worth a question, entity currency"),
            "pct": Ratio("10", "smallest difference worth a question, % of budget"),
            "coverage": Ratio("0.8", "share of an over-run the listed driving entries must explain")},
    run=run,
)
