"""Net income bridge: from last month's net income to this month's, driver by driver.

"Profit fell by 40k" is not an explanation; "revenue +60k, payroll -30k, FX -70k" is. The
bridge splits the change in net income into the change of each income-statement driver
(by account subtype) and names the statement lines that moved most within each, and it
adds up exactly: prior net income + the drivers = this month's.
"""
from close.money import ZERO, cents
from close.skill import Finding, Skill
from close.statements import PNL_TYPES, account_amounts
from skills.flux._figures import BRIDGE_DRIVERS, credit_sum, net_income


def run(ctx):
    cur, m = ctx.currency, ctx.month
    windows = {"cur": (m.first_day, m.last_day), "prior": (m.prev.first_day, m.prev.last_day)}
    accounts = account_amounts(ctx, windows)
    start, end = net_income(accounts, "prior"), net_income(accounts, "cur")
    known = {sub for _, subs in BRIDGE_DRIVERS for sub in subs}
    steps = []
    for label, subtypes in BRIDGE_DRIVERS:
        change = credit_sum(accounts, "cur", subtypes) - credit_sum(accounts, "prior", subtypes)
        steps.append((label, subtypes, change))
    other = [a.subtype for a in accounts if a.type in PNL_TYPES and a.subtype not in known]
    steps.append(("Other", tuple(sorted(set(other))),
                  credit_sum(accounts, "cur", other) - credit_sum(accounts, "prior", other)))
    rows = []
    for label, subtypes, change in steps:
        by_line = {}
        for a in accounts:
            if a.type in PNL_TYPES and a.subtype in subtypes:
                by_line[a.line] = by_line.get(a.line, ZERO) - a.amounts["cur"] + a.amounts["prior"]
        top = sorted(by_line.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:3]
        rows.append({"line": label, "amount": cents(change, cur),
                     "top_lines": [{"line": k, "amount": cents(v, cur)} for k, v in top if v != ZERO]})
    total = sum((r["amount"] for r in rows), ZERO)
    difference = cents(end, cur) - cents(start, cur) - total
    metrics = {"start": cents(start, cur), "end": cents(end, cur), "change": cents(end - start, cur),
               "lines": rows, "difference": difference, "from": str(m.prev), "to": str(m),
               "currency": cur}
    findings = []
    if difference != ZERO:   # cannot happen unless a driver is mis-assigned: say so loudly
        findings.append(Finding("high", f"Net income bridge does not add up by {difference} {cur}.",
                                abs(difference), ()))
    largest = max(rows, key=lambda r: abs(r["amount"]))
    summary = (f"Net income {metrics['start']} {cur} in {m.prev} -> {metrics['end']} in {m} "
               f"({metrics['change']}); largest driver {largest['line']} {largest['amount']}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="flux.net_income_bridge",
    title="Net income bridge",
    description=(
        "Bridges net income from the prior month to this month by driver: revenue, cost of "
        "sales, payroll, other operating expenses, depreciation, net interest, foreign "
        "exchange, income tax and other, each the change in its contribution to profit, "
        "with the statement lines that moved most. Prior net income plus the drivers "
        "equals this month's to the cent. Reports only."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
