"""Working capital: how much cash the operating cycle holds, and what changed it.

Receivables that grow faster than sales, payables paid early, a deferred-revenue balance
running off: each moves cash without moving profit. This skill shows net working capital
(excluding cash and debt) at month end against last month end, by component, so the
review can say where the cash went.
"""
from close.money import ZERO, cents
from close.skill import Skill
from close.statements import EPOCH, account_amounts
from skills.flux._figures import WORKING_CAPITAL


def run(ctx):
    cur, m = ctx.currency, ctx.month
    accounts = account_amounts(ctx, {"now": (EPOCH, m.last_day), "before": (EPOCH, m.prev.last_day)})
    components: dict[str, list] = {}
    for a in accounts:
        label = WORKING_CAPITAL.get(a.subtype)
        if label:
            pair = components.setdefault(label, [ZERO, ZERO])
            pair[0] += a.amounts["now"]
            pair[1] += a.amounts["before"]
    lines = []
    for label in sorted(components, key=lambda k: list(WORKING_CAPITAL.values()).index(k)):
        now, before = components[label]
        lines.append({"line": label, "amount": cents(now, cur), "prior": cents(before, cur),
                      "movement": cents(now - before, cur),
                      "cash_effect": cents(before - now, cur)})
    total_now = sum((ln["amount"] for ln in lines), ZERO)
    total_before = sum((ln["prior"] for ln in lines), ZERO)
    drivers = sorted(lines, key=lambda ln: (-abs(ln["movement"]), ln["line"]))
    metrics = {"working_capital": total_now, "prior": total_before,
               "movement": total_now - total_before, "lines": lines,
               "drivers": [{"line": d["line"], "movement": d["movement"]} for d in drivers[:3]
                           if d["movement"] != ZERO],
               "currency": cur}
    top = drivers[0] if drivers and drivers[0]["movement"] != ZERO else None
    summary = (f"Net working capital {total_now} {cur} at {m.last_day} ({metrics['movement']:+} "
               f"in {m})" + (f"; largest driver {top['line']} {top['movement']:+}." if top else "."))
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="flux.working_capital",
    title="Working capital movement",
    description=(
        "Net working capital (receivables, inventory, prepaids, tax and intercompany "
        "balances less payables, accruals, deferred revenue and payroll liabilities; cash "
        "and debt excluded) at month end vs the prior month end, by component, with the "
        "movement, its cash effect and the largest drivers. Debit-positive: a positive "
        "movement ties up cash. Reports only."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
