"""Cash runway: how many months the cash lasts at the recent rate of burn.

A profitable month can still burn cash, and a group funding a loss-making subsidiary
needs to know when that subsidiary will need money. Net burn is the average fall in cash
over the last months (default 3); runway is cash at month end divided by it. Runway
below the minimum (default 6 months) is a finding: funding must be arranged before then.

Only months the books hold in full are averaged: a month before the first posting is not
a month without burn, and the month the books open in carries the opening balances as if
they were cash received. Young books average the months after their opening month; books
that opened this month cannot show a burn and are skipped with the reason.
"""
from decimal import Decimal

from close.money import ZERO, cents
from close.periods import month_of
from close.skill import Finding, Int, Skill
from close.statements import EPOCH, account_amounts
from skills.flux._variance import books_begin
from skills.lib.percent import one_decimal

CASH_ENTRIES = """
SELECT j.je_id, CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype = 'cash'
  AND j.posting_date BETWEEN $start AND $month_end
GROUP BY j.je_id
HAVING SUM(j.debit - j.credit) < 0
ORDER BY amount, j.je_id
LIMIT 5
"""


def run(ctx):
    cur, m, n = ctx.currency, ctx.month, max(1, ctx.params["months"])
    begin = books_begin(ctx)
    if begin is None or month_of(begin) >= m:
        return ctx.skip(f"{ctx.entity.id}'s books begin in {m if begin is None else month_of(begin)}: "
                        "no full month before to measure a burn")
    n = min(n, (m.year - begin.year) * 12 + m.month - begin.month)   # months after the opening one
    first = m.shift(-(n - 1))
    windows = {"cash": (EPOCH, m.last_day)}
    for i in range(n):
        month = m.shift(-i)
        windows[f"m{i}"] = (month.first_day, month.last_day)
    cash_accounts = [a for a in account_amounts(ctx, windows) if a.subtype == "cash"]
    cash = sum((a.amounts["cash"] for a in cash_accounts), ZERO)
    monthly = [sum((a.amounts[f"m{i}"] for a in cash_accounts), ZERO) for i in range(n)]
    burn = -sum(monthly, ZERO) / n
    runway = None
    if burn > ZERO:
        runway = one_decimal(cash / burn) if cash > ZERO else Decimal("0.0")
    metrics = {"cash": cents(cash, cur), "net_burn": cents(burn, cur) if burn > ZERO else cents(ZERO, cur),
               "net_cash_flow_by_month": [{"month": str(m.shift(-i)), "amount": cents(v, cur)}
                                          for i, v in enumerate(monthly)],
               "runway_months": runway, "months_averaged": n, "currency": cur}
    findings = []
    if runway is not None and runway < ctx.params["min_months"]:
        refs = [f"journal_lines:{r['je_id']}" for r in ctx.rows(CASH_ENTRIES, start=first.first_day)]
        findings.append(Finding(
            "high", f"Cash {cents(cash, cur)} {cur} lasts {runway} months at the average burn of "
            f"{cents(burn, cur)} a month over {first}..{m}, below the minimum of "
            f"{ctx.params['min_months']}: arrange funding or cut the burn.",
            cents(burn * ctx.params["min_months"] - cash, cur) if cash > ZERO else cents(burn * ctx.params["min_months"], cur),
            refs))
    summary = (f"Cash {cents(cash, cur)} {cur}; " + (
        f"burning {cents(burn, cur)} a month, {runway} months of runway." if runway is not None
        else "cash is not falling on average over the last "
             f"{n} month{'s' if n > 1 else ''}: no burn."))
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="flux.cash_runway",
    title="Cash runway",
    description=(
        "Net burn (the average monthly fall in cash-subtype balances over the last N "
        "months, default 3) and months of runway (month-end cash / net burn). Runway below "
        "the minimum (default 6 months) is a high finding whose amount is the cash missing "
        "to reach the minimum, with the largest cash outflows as refs. An entity whose cash "
        "is not falling has no burn and passes. Only months after the month the books open "
        "in are averaged; books that open in the month are skipped."
    ),
    needs=("journal_lines", "accounts"),
    params={"months": Int(3, "months averaged for the net burn"),
            "min_months": Int(6, "fewest months of runway that pass")},
    run=run,
)
