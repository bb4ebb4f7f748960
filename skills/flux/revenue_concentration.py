"""Revenue concentration: how much of the revenue the largest customers bring.

Dependence on a few customers is a risk lenders and auditors ask about, and a customer
dropping out of the top list is often the first sign of churn. From the revenue lines of
the ledger (counterparty = customer), this skill ranks customers for the month and the
last twelve months, gives the top customers' share, and names who entered or left the
month's top list since the prior month.
"""
from close.money import ZERO, cents
from close.skill import Int, Skill
from skills.lib.percent import ratio

REVENUE = """
SELECT COALESCE(j.counterparty, '(none)') AS customer_id,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date BETWEEN $month_start AND $month_end
                              THEN j.credit - j.debit END), 0) AS DECIMAL(18,2)) AS mtd,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date BETWEEN $prior_start AND $prior_end
                              THEN j.credit - j.debit END), 0) AS DECIMAL(18,2)) AS prior,
       CAST(COALESCE(SUM(CASE WHEN j.posting_date BETWEEN $ltm_start AND $month_end
                              THEN j.credit - j.debit END), 0) AS DECIMAL(18,2)) AS ltm
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype = 'revenue'
  AND j.posting_date BETWEEN $ltm_start AND $month_end
GROUP BY COALESCE(j.counterparty, '(none)')
ORDER BY customer_id
"""


def top(rows, key, n):
    ranked = sorted((r for r in rows if r[key] > ZERO and r["customer_id"] != "(none)"),
                    key=lambda r: (-r[key], r["customer_id"]))
    return ranked[:n]


def run(ctx):
    cur, n, m = ctx.currency, ctx.params["top"], ctx.month
    rows = ctx.rows(REVENUE, prior_start=m.prev.first_day, prior_end=m.prev.last_day,
                    ltm_start=m.shift(-11).first_day)
    totals = {k: sum((r[k] for r in rows), ZERO) for k in ("mtd", "prior", "ltm")}
    top_now, top_before, top_ltm = top(rows, "mtd", n), top(rows, "prior", n), top(rows, "ltm", n)
    now_ids, before_ids = [r["customer_id"] for r in top_now], [r["customer_id"] for r in top_before]
    share = ratio(sum((r["mtd"] for r in top_now), ZERO), totals["mtd"])
    largest = top_now[0] if top_now else None
    metrics = {
        "revenue": cents(totals["mtd"], cur), "revenue_ltm": cents(totals["ltm"], cur),
        "top": [{"customer_id": r["customer_id"], "revenue": cents(r["mtd"], cur),
                 "share_pct": ratio(r["mtd"], totals["mtd"])} for r in top_now],
        "top_ltm": [{"customer_id": r["customer_id"], "revenue": cents(r["ltm"], cur),
                     "share_pct": ratio(r["ltm"], totals["ltm"])} for r in top_ltm],
        "top_share_pct": share,
        "top_share_ltm_pct": ratio(sum((r["ltm"] for r in top_ltm), ZERO), totals["ltm"]),
        "largest_customer_share_pct": ratio(largest["mtd"], totals["mtd"]) if largest else None,
        "entered_top": [c for c in now_ids if c not in before_ids],
        "left_top": [c for c in before_ids if c not in now_ids],
        "customers": sum(1 for r in rows if r["mtd"] != ZERO and r["customer_id"] != "(none)"),
        "lines": [{"line": r["customer_id"], "amount": cents(r["mtd"], cur),
                   "prior": cents(r["prior"], cur)} for r in top_now],
        "currency": cur,
    }
    summary = (f"Top {n} customers bring {share}% of {m} revenue ({metrics['top_share_ltm_pct']}% "
               f"over twelve months); entered the top list: {', '.join(metrics['entered_top']) or 'none'}.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="flux.revenue_concentration",
    title="Revenue concentration",
    description=(
        "Revenue by customer from revenue-subtype ledger lines (counterparty = customer), "
        "for the month, the prior month and the last twelve months: the top N customers "
        "(default 5) and their share, the largest customer's share, and which customers "
        "entered or left the month's top list since the prior month. Reports only."
    ),
    needs=("journal_lines", "accounts"),
    params={"top": Int(5, "how many customers make the top list")},
    run=run,
)
