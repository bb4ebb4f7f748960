"""Missing recurring costs: suppliers who bill every month but not this one.

A rent, hosting or cleaning bill that has come every month and is missing this month is
almost always late, not gone, and the month's expenses are understated until it is
accrued. A vendor billed in at least 10 of the prior 12 months with no bill dated in this
month is a finding; the amount is the vendor's average monthly bill (net), the accrual
to consider, in the entity's currency at the month's average rate.

Not a finding: a vendor whose cost for the month is already accrued (an accruals.csv row
for the vendor and the month), since the accrual this skill would ask for exists. Books
with fewer months than `min_months` cannot show a recurring vendor, so young books raise
nothing here rather than guess.
"""
from close.money import ZERO, cents
from close.skill import Finding, Int, Skill

HISTORY = """
SELECT b.vendor_id, b.currency, CAST(date_trunc('month', b.bill_date) AS DATE) AS period_start,
       CAST(SUM(b.net_amount) AS DECIMAL(18,2)) AS net, MAX(b.bill_id) AS last_bill
FROM ap_bills b
WHERE b.entity_id = $entity_id AND b.bill_date BETWEEN $since AND $month_end
GROUP BY b.vendor_id, b.currency, CAST(date_trunc('month', b.bill_date) AS DATE)
ORDER BY b.vendor_id, period_start, b.currency
"""

ACCRUED = """
SELECT vendor_id, MIN(accrual_id) AS accrual_id
FROM accruals
WHERE entity_id = $entity_id AND period = $period AND vendor_id IS NOT NULL
GROUP BY vendor_id
ORDER BY vendor_id
"""


def run(ctx):
    cur, months, needed = ctx.currency, ctx.params["lookback_months"], ctx.params["min_months"]
    since = ctx.month.shift(-months)
    vendors: dict[str, dict] = {}
    for r in ctx.rows(HISTORY, since=since.first_day):
        v = vendors.setdefault(r["vendor_id"], {"months": set(), "net": {}, "this_month": False,
                                                "last_bill": None})
        if r["period_start"] >= ctx.month.first_day:
            v["this_month"] = True
            continue
        v["months"].add(r["period_start"])
        v["net"][r["currency"]] = v["net"].get(r["currency"], ZERO) + r["net"]
        v["last_bill"] = r["last_bill"]            # rows come oldest month first
    accrued = ({r["vendor_id"]: r["accrual_id"] for r in ctx.rows(ACCRUED)}
               if ctx.has_table("accruals") else {})
    findings, recurring, missing_rates = [], [], set()
    for vendor_id, v in sorted(vendors.items()):
        count = len(v["months"])
        if count < needed:
            continue
        total = ZERO
        for currency, net in sorted(v["net"].items()):
            rate = ctx.fx.rate(currency, cur, ctx.month, "average")
            if rate is None:
                missing_rates.add(currency)
                total = None
                break
            total += net * rate
        average = None if total is None else cents(total / count, cur)
        recurring.append({"vendor_id": vendor_id, "months_billed": count, "average_net": average,
                          "billed_this_month": v["this_month"],
                          "accrued": accrued.get(vendor_id)})
        if v["this_month"] or vendor_id in accrued or average is None:
            continue
        findings.append(Finding(
            "medium", f"Vendor {vendor_id} billed in {count} of the last {months} months "
            f"(average {average} {cur}) but has no bill dated in {ctx.month} and no accrual "
            f"for it: accrue the expected cost or confirm the service stopped.",
            average, [f"vendors:{vendor_id}"] + ([f"ap_bills:{v['last_bill']}"] if v["last_bill"] else [])))
    findings += [Finding("high", f"No average {c}->{cur} rate for {ctx.month} in fx_rates.csv "
                         "to value recurring vendors' bills.", None, ()) for c in sorted(missing_rates)]
    metrics = {"recurring_vendors": recurring, "missing": len(findings),
               "lines": [{"line": r["vendor_id"], "amount": r["average_net"]} for r in recurring
                         if not r["billed_this_month"] and not r["accrued"]],
               "lookback_months": months, "min_months": needed, "currency": cur}
    summary = (f"{len(recurring)} vendors bill every month; {len(findings)} have no bill or "
               f"accrual in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="flux.missing_recurring",
    title="Missing recurring costs",
    description=(
        "Vendors billed (ap_bills.bill_date) in at least N of the prior M months (default 10 "
        "of 12) with no bill dated in this month and no accrual for them in accruals.csv "
        "for the month: a likely missing accrual. Finding (medium) per vendor, amount = its "
        "average monthly net bill over the months it billed, in the entity's currency at "
        "the month's average rate, refs = the vendor and its last bill. Books shorter than "
        "N months raise nothing."
    ),
    needs=("ap_bills",),
    params={"lookback_months": Int(12, "months of history looked at"),
            "min_months": Int(10, "months with a bill that make a vendor recurring")},
    run=run,
)
