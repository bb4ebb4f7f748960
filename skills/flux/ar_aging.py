"""Receivables aging and DSO: how old the money customers owe is.

Cash collection problems show up in the aging long before they reach the bad-debt line.
Open invoices at month end (gross less receipts to date) are bucketed by days past due
(current, 1-30, 31-60, 61-90, over 90) in the entity's currency, with days sales
outstanding over the last three months. Reports only: overdue items are
recon.allowance_adequacy's findings.
"""
from close.money import ZERO, cents
from close.skill import Finding, Int, Skill
from skills.flux._aging import BUCKETS, age, days_outstanding, flow_in_functional

OPEN_ITEMS = """
WITH paid AS (
  SELECT invoice_id, SUM(amount) AS received
  FROM ar_receipts
  WHERE entity_id = $entity_id AND date <= $month_end
  GROUP BY invoice_id
)
SELECT i.invoice_id, i.customer_id AS party, i.due_date, i.currency,
       CAST(i.net_amount + i.tax_amount - COALESCE(p.received, 0) AS DECIMAL(18,2)) AS open_amount
FROM ar_invoices i
LEFT JOIN paid p ON p.invoice_id = i.invoice_id
WHERE i.entity_id = $entity_id AND i.invoice_date <= $month_end
  AND i.net_amount + i.tax_amount - COALESCE(p.received, 0) <> 0
ORDER BY i.invoice_id
"""

SALES = """
SELECT invoice_id, currency, invoice_date AS doc_date,
       CAST(net_amount + tax_amount AS DECIMAL(18,2)) AS gross
FROM ar_invoices
WHERE entity_id = $entity_id AND invoice_date BETWEEN $since AND $month_end
ORDER BY invoice_id
"""


def run(ctx):
    cur, n = ctx.currency, ctx.params["dso_months"]
    buckets, items, missing = age(ctx, ctx.rows(OPEN_ITEMS), "invoice_id", "ar_invoices")
    if missing:
        return ctx.result([Finding("high", f"AR aging incomplete: no {m} rate in fx_rates.csv.",
                                   None, ()) for m in missing], {"missing_rates": missing},
                          "AR aging incomplete: FX rates missing.")
    since = ctx.month.shift(-(n - 1)).first_day
    sales = flow_in_functional(ctx, ctx.rows(SALES, since=since))
    total = sum(buckets.values(), ZERO)
    days = (ctx.month.last_day - since).days + 1
    overdue = sorted((i for i in items if i["bucket"] != "current"),
                     key=lambda i: (-i["amount"], i["ref"]))
    metrics = {"buckets": buckets, "total": total, "open_items": len(items),
               "lines": [{"line": name, "amount": buckets[name]} for name, _, _ in BUCKETS],
               "dso": days_outstanding(total, sales, days), "sales_for_dso": sales,
               "dso_days": days, "largest_overdue": overdue[:10], "currency": cur}
    summary = (f"AR {total} {cur} in {len(items)} open invoices, {cents(total - buckets['current'], cur)} "
               f"overdue; DSO {metrics['dso']} days.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="flux.ar_aging",
    title="Receivables aging and DSO",
    description=(
        "Open customer invoices at month end (net + tax less receipts dated to month end), "
        "aged by days past due into current, 1-30, 31-60, 61-90 and over 90 days, in the "
        "entity's currency at the closing rate, with the ten largest overdue items and days "
        "sales outstanding (AR / invoiced sales of the last N months x their days, default "
        "3). Reports only; a missing FX rate is a high finding."
    ),
    needs=("ar_invoices", "ar_receipts"),
    params={"dso_months": Int(3, "months of sales DSO is measured against")},
    run=run,
)
