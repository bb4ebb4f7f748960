"""Missing recurring costs: suppliers who bill every month but not this one.

A rent, hosting or cleaning bill that has come every month and is missing this month is
almost always late, not gone, and the month's expenses are understated until it is
accrued. A vendor billed in at least 10 of the prior 12 months with no bill dated in this
month is a finding; the amount is the vendor's average monthly bill (net), the accrual
to consider.
"""
from close.money import ZERO, cents
from close.skill import Finding, Int, Skill

HISTORY = """
SELECT b.vendor_id, CAST(date_trunc('month', b.bill_date) AS DATE) AS period_start,
       CAST(SUM(b.net_amount) AS DECIMAL(18,2)) AS net, MAX(b.bill_id) AS last_bill,
       MIN(b.currency) AS currency
FROM ap_bills b
WHERE b.entity_id = $entity_id AND b.bill_date BETWEEN $since AND $month_end
GROUP BY b.vendor_id, CAST(date_trunc('month', b.bill_date) AS DATE)
ORDER BY b.vendor_id, period_start
"""


def run(ctx):
    cur, months, needed = ctx.currency, ctx.params["lookback_months"], ctx.params["min_months"]
    since = ctx.month.shift(-months)
    vendors: dict[str, dict] = {}
    for r in ctx.rows(HISTORY, since=since.first_day):
        v = vendors.setdefault(r["vendor_id"], {"months": 0, "net": ZERO, "this_month": False,
                                                "last_bill": None, "currency": r["currency"]})
        if r["period_start"] >= ctx.month.first_day:
            v["this_month"] = True
            continue
        v["months"] += 1
        v["net"] += r["net"]
        v["last_bill"] = r["last_bill"]
    findings, recurring = [], []
    for vendor_id, v in sorted(vendors.items()):
        if v["months"] < needed:
            continue
        average = cents(v["net"] / v["months"], v["currency"])
        recurring.append({"vendor_id": vendor_id, "months_billed": v["months"],
                          "average_net": average, "billed_this_month": v["this_month"]})
        if v["this_month"]:
            continue
        rate = ctx.fx.rate(v["currency"], cur, ctx.month, "average")
        if rate is None:
            findings.append(Finding("high", f"No average {v['currency']}->{cur} rate for "
                                    f"{ctx.month} to value vendor {vendor_id}'s bills.", None, ()))
            continue
        amount = cents(average * rate, cur)
        findings.append(Finding(
            "medium", f"Vendor {vendor_id} billed in {v['months']} of the last {months} months "
            f"(average {average} {v['currency']}) but has no bill dated in {ctx.month}: "
            f"accrue the expected cost or confirm the service stopped.",
            amount, [f"vendors:{vendor_id}"] + ([f"ap_bills:{v['last_bill']}"] if v["last_bill"] else [])))
    metrics = {"recurring_vendors": recurring, "missing": len(findings),
               "lines": [{"line": r["vendor_id"], "amount": r["average_net"]} for r in recurring
                         if not r["billed_this_month"]],
               "lookback_months": months, "min_months": needed, "currency": cur}
    summary = (f"{len(recurring)} vendors bill every month; {len(findings)} have no bill in "
               f"{ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="flux.missing_recurring",
    title="Missing recurring costs",
    description=(
        "Vendors billed (ap_bills.bill_date) in at least N of the prior M months (default 10 "
        "of 12) with no bill dated in this month: a likely missing accrual. Finding (medium) "
        "per vendor, amount = its average monthly net bill over the months it billed, in "
        "the entity's currency, refs = the vendor and its last bill."
    ),
    needs=("ap_bills",),
    params={"lookback_months": Int(12, "months of history looked at"),
            "min_months": Int(10, "months with a bill that make a vendor recurring")},
    run=run,
)
