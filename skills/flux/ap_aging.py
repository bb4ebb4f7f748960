"""Payables aging and DPO: what the entity owes suppliers, and how late it pays.

Paying late costs supplier goodwill; paying early costs cash. Open bills at month end
(gross less payments to date, withholding included) are bucketed by days past due, with
days payable outstanding over the last three months. Reports only.
"""
from close.money import ZERO, cents
from close.skill import Finding, Int, Skill
from skills.flux._aging import BUCKETS, age, days_outstanding, flow_in_functional

OPEN_ITEMS = """
WITH paid AS (
  SELECT bill_id, SUM(amount) AS settled
  FROM ap_payments
  WHERE entity_id = $entity_id AND date <= $month_end
  GROUP BY bill_id
)
SELECT b.bill_id, b.vendor_id AS party, b.due_date, b.currency,
       CAST(b.net_amount + b.tax_amount - COALESCE(p.settled, 0) AS DECIMAL(18,2)) AS open_amount
FROM ap_bills b
LEFT JOIN paid p ON p.bill_id = b.bill_id
WHERE b.entity_id = $entity_id AND b.bill_date <= $month_end
  AND b.net_amount + b.tax_amount - COALESCE(p.settled, 0) <> 0
ORDER BY b.bill_id
"""

PURCHASES = """
SELECT bill_id, currency, bill_date AS doc_date,
       CAST(net_amount + tax_amount AS DECIMAL(18,2)) AS gross
FROM ap_bills
WHERE entity_id = $entity_id AND bill_date BETWEEN $since AND $month_end
ORDER BY bill_id
"""


def run(ctx):
    cur, n = ctx.currency, ctx.params["dpo_months"]
    buckets, items, missing = age(ctx, ctx.rows(OPEN_ITEMS), "bill_id", "ap_bills")
    if missing:
        return ctx.result([Finding("high", f"AP aging incomplete: no {m} rate in fx_rates.csv.",
                                   None, ()) for m in missing], {"missing_rates": missing},
                          "AP aging incomplete: FX rates missing.")
    since = ctx.month.shift(-(n - 1)).first_day
    purchases = flow_in_functional(ctx, ctx.rows(PURCHASES, since=since))
    total = sum(buckets.values(), ZERO)
    days = (ctx.month.last_day - since).days + 1
    overdue = sorted((i for i in items if i["bucket"] != "current"),
                     key=lambda i: (-i["amount"], i["ref"]))
    metrics = {"buckets": buckets, "total": total, "open_items": len(items),
               "lines": [{"line": name, "amount": buckets[name]} for name, _, _ in BUCKETS],
               "dpo": days_outstanding(total, purchases, days), "purchases_for_dpo": purchases,
               "dpo_days": days, "largest_overdue": overdue[:10], "currency": cur}
    summary = (f"AP {total} {cur} in {len(items)} open bills, {cents(total - buckets['current'], cur)} "
               f"overdue; DPO {metrics['dpo']} days.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="flux.ap_aging",
    title="Payables aging and DPO",
    description=(
        "Open supplier bills at month end (net + tax less payments dated to month end, "
        "withholding included), aged by days past due into current, 1-30, 31-60, 61-90 and "
        "over 90 days, in the entity's currency at the closing rate, with the ten largest "
        "overdue bills and days payable outstanding (AP / bills of the last N months x their "
        "days, default 3). Reports only; a missing FX rate is a high finding."
    ),
    needs=("ap_bills", "ap_payments"),
    params={"dpo_months": Int(3, "months of purchases DPO is measured against")},
    run=run,
)
