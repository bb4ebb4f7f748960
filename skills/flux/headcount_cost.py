"""Headcount and payroll cost: who is on the payroll, what each costs, who joined or left.

Payroll is most entities' largest cost, and its movement is explained by people: hires,
leavers, pay rises, bonuses. From the payroll register this skill gives headcount and
cost per employee (gross + employer taxes + benefits) for the month and the prior month,
by department, with the joiners and leavers by employee id.
"""
from close.money import ZERO, cents
from close.skill import Skill
from skills.lib.percent import ratio

REGISTER = """
SELECT period, employee_id, COALESCE(department, 'Unassigned') AS department,
       CAST(gross_pay + employer_taxes + benefits AS DECIMAL(18,2)) AS cost
FROM payroll
WHERE entity_id = $entity_id AND period IN ($period, $prior_period)
ORDER BY period, employee_id
"""


def summarise(rows, cur) -> dict:
    by_dept: dict[str, list] = {}
    for r in rows:
        d = by_dept.setdefault(r["department"], [0, ZERO])
        d[0] += 1
        d[1] += r["cost"]
    total = sum((r["cost"] for r in rows), ZERO)
    return {"headcount": len(rows), "cost": cents(total, cur),
            "cost_per_employee": cents(total / len(rows), cur) if rows else None,
            "departments": {k: {"headcount": v[0], "cost": cents(v[1], cur)}
                            for k, v in sorted(by_dept.items())}}


def run(ctx):
    cur, period, prior = ctx.currency, str(ctx.month), str(ctx.month.prev)
    rows = ctx.rows(REGISTER, prior_period=prior)
    now = [r for r in rows if r["period"] == period]
    before = [r for r in rows if r["period"] == prior]
    if not now and not before:
        return ctx.skip(f"no payroll rows for {prior} or {period}")
    ids_now, ids_before = {r["employee_id"] for r in now}, {r["employee_id"] for r in before}
    current, previous = summarise(now, cur), summarise(before, cur)
    depts = sorted(set(current["departments"]) | set(previous["departments"]))
    lines = [{"line": d, "amount": current["departments"].get(d, {}).get("cost", ZERO),
              "prior": previous["departments"].get(d, {}).get("cost", ZERO),
              "headcount": current["departments"].get(d, {}).get("headcount", 0),
              "prior_headcount": previous["departments"].get(d, {}).get("headcount", 0)}
             for d in depts]
    metrics = {**current, "prior": previous, "lines": lines,
               "joiners": sorted(ids_now - ids_before), "leavers": sorted(ids_before - ids_now),
               "cost_change": current["cost"] - previous["cost"],
               "cost_change_pct": ratio(current["cost"] - previous["cost"], previous["cost"]),
               "currency": cur}
    summary = (f"Headcount {current['headcount']} ({len(metrics['joiners'])} joined, "
               f"{len(metrics['leavers'])} left); payroll cost {current['cost']} {cur}, "
               f"{current['cost_per_employee']} per employee.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="flux.headcount_cost",
    title="Headcount and payroll cost",
    description=(
        "From payroll.csv: headcount and payroll cost (gross pay + employer taxes + "
        "benefits) for the month and the prior month, cost per employee, the split by "
        "department, and joiners and leavers by employee id (on the register one month "
        "and not the other). Reports only."
    ),
    needs=("payroll",),
    run=run,
)
