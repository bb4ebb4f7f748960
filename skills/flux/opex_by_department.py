"""Operating expenses by department against last month and the budget.

Department heads own their costs; the review shows each department's operating expenses
for the month beside last month and beside its budget, so the conversation starts with
the department that moved. Reports only: budget_vs_actual raises the questions.
"""
from close.money import ZERO, cents
from close.skill import Skill
from skills.lib.percent import ratio

OPEX_SUBTYPES = ("opex", "payroll_expense", "depreciation_expense", "intercompany_expense")

ACTUAL = """
SELECT COALESCE(j.department, 'Unassigned') AS department,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date >= $month_start THEN j.debit - j.credit END), 0)
            AS DECIMAL(18,2)) AS mtd,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date < $month_start THEN j.debit - j.credit END), 0)
            AS DECIMAL(18,2)) AS prior
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype IN ('opex', 'payroll_expense', 'depreciation_expense', 'intercompany_expense')
  AND j.posting_date BETWEEN $prior_start AND $month_end
GROUP BY COALESCE(j.department, 'Unassigned')
ORDER BY department
"""

BUDGET = """
SELECT COALESCE(b.department, 'Unassigned') AS department,
       CAST(SUM(b.amount) AS DECIMAL(18,2)) AS budget
FROM budget b
JOIN accounts a ON a.account_id = b.account_id
WHERE b.entity_id = $entity_id AND b.period = $period
  AND a.subtype IN ('opex', 'payroll_expense', 'depreciation_expense', 'intercompany_expense')
GROUP BY COALESCE(b.department, 'Unassigned')
ORDER BY department
"""


def run(ctx):
    cur = ctx.currency
    actual = {r["department"]: r for r in ctx.rows(ACTUAL, prior_start=ctx.month.prev.first_day)}
    budget = {r["department"]: r["budget"] for r in ctx.rows(BUDGET)} if ctx.has_table("budget") else {}
    lines = []
    for dept in sorted(set(actual) | set(budget)):
        mtd = actual.get(dept, {}).get("mtd", ZERO)
        prior = actual.get(dept, {}).get("prior", ZERO)
        plan = budget.get(dept)
        lines.append({"line": dept, "amount": cents(mtd, cur), "prior": cents(prior, cur),
                      "vs_prior": cents(mtd - prior, cur), "vs_prior_pct": ratio(mtd - prior, prior),
                      "budget": None if plan is None else cents(plan, cur),
                      "vs_budget": None if plan is None else cents(mtd - plan, cur),
                      "vs_budget_pct": None if plan is None else ratio(mtd - plan, plan)})
    total = sum((ln["amount"] for ln in lines), ZERO)
    total_prior = sum((ln["prior"] for ln in lines), ZERO)
    total_budget = sum((ln["budget"] for ln in lines if ln["budget"] is not None), ZERO)
    metrics = {"lines": lines, "total": total, "total_prior": total_prior,
               "total_budget": total_budget if budget else None, "currency": cur}
    mover = max(lines, key=lambda ln: (abs(ln["vs_prior"]), ln["line"]), default=None)
    summary = (f"Operating expenses {total} {cur} in {ctx.month} vs {total_prior} in "
               f"{ctx.month.prev}" + (f" and budget {total_budget}" if budget else "")
               + (f"; largest move {mover['line']} {mover['vs_prior']:+}." if mover else "."))
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="flux.opex_by_department",
    title="Operating expenses by department",
    description=(
        "Operating expenses (opex, payroll, depreciation and intercompany charges by "
        "account subtype) by department (journal_lines.department, blank = Unassigned) for "
        "the month, beside the prior month and the month's budget (budget.csv rows for the "
        "same subtypes, by department), with the differences in amount and percent. "
        "Reports only."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
