"""New vendors with large payments: the classic route for a fictitious supplier.

A supplier never seen before that is paid a large amount in its first month deserves a
look: was it set up properly, approved, and is the bank account genuine? Vendors whose
first bill is dated in this month and who were paid at least the threshold (default
materiality) in the month are findings.

"Never seen before" needs history: a vendor that already appears in the books before the
month (as the counterparty of an earlier journal line, for instance paid by card or
carried in the opening entry) is not new, and an entity whose bill register starts this
month cannot tell new from old, so it is skipped with the reason.
"""
from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill

FIRST_SEEN = """
WITH first_bill AS (
  SELECT vendor_id, MIN(bill_date) AS first_date
  FROM ap_bills
  WHERE entity_id = $entity_id
  GROUP BY vendor_id
), known AS (
  SELECT DISTINCT counterparty AS vendor_id
  FROM journal_lines
  WHERE entity_id = $entity_id AND posting_date < $month_start AND counterparty IS NOT NULL
)
SELECT p.payment_id, b.vendor_id, b.bill_id, b.currency, p.date, p.amount
FROM ap_payments p
JOIN ap_bills b ON b.bill_id = p.bill_id
JOIN first_bill f ON f.vendor_id = b.vendor_id
WHERE p.entity_id = $entity_id AND p.date BETWEEN $month_start AND $month_end
  AND f.first_date >= $month_start
  AND b.vendor_id NOT IN (SELECT vendor_id FROM known)
ORDER BY b.vendor_id, p.payment_id
"""

HISTORY = """
SELECT COUNT(*) AS earlier FROM ap_bills WHERE entity_id = $entity_id AND bill_date < $month_start
"""


def run(ctx):
    cur, threshold = ctx.currency, ctx.param("threshold")
    if not ctx.rows(HISTORY)[0]["earlier"]:
        return ctx.skip(f"ap_bills.csv has no bill for {ctx.entity.id} before {ctx.month}: "
                        "without history no vendor can be told apart as new")
    vendors: dict[str, dict] = {}
    findings, listed, missing = [], [], set()
    for r in ctx.rows(FIRST_SEEN):
        rate = ctx.fx.rate(r["currency"], cur, ctx.month, "average")
        if rate is None:
            missing.add(f"average {r['currency']}->{cur} {ctx.month.last_day}")
            continue
        v = vendors.setdefault(r["vendor_id"], {"paid": ZERO, "refs": []})
        v["paid"] += r["amount"] * rate
        v["refs"].append(f"ap_payments:{r['payment_id']}")
    findings += [Finding("high", f"No {m} rate in fx_rates.csv to value new-vendor payments.",
                         None, ()) for m in sorted(missing)]
    for vendor_id, v in sorted(vendors.items()):
        paid = cents(v["paid"], cur)
        listed.append({"vendor_id": vendor_id, "paid": paid, "payments": len(v["refs"])})
        if paid >= threshold:
            findings.append(Finding(
                "medium", f"New vendor {vendor_id} (first bill in {ctx.month}) was paid {paid} "
                f"{cur} this month, at or above {cents(threshold, cur)}: check its set-up, "
                f"approval and bank details before the next payment run.",
                paid, [f"vendors:{vendor_id}"] + v["refs"]))
    metrics = {"new_vendors_paid": listed, "threshold": cents(threshold, cur),
               "lines": [{"line": v["vendor_id"], "amount": v["paid"]} for v in listed],
               "currency": cur}
    summary = (f"{len(listed)} new vendors paid in {ctx.month}; {len(findings)} at or above "
               f"{cents(threshold, cur)} {cur}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="flux.new_vendors_large",
    title="New vendors with large payments",
    description=(
        "Vendors whose first bill (ap_bills) is dated in this month, who appear in no "
        "earlier journal line as counterparty, and whose payments in the month "
        "(ap_payments.amount, withholding included, converted to the entity's currency at "
        "the month's average rate) total at least the threshold (default materiality). "
        "Finding (medium) per vendor, amount = the total paid, refs = the vendor and its "
        "payments. Skipped when the entity has no bill before the month."
    ),
    needs=("ap_bills", "ap_payments"),
    params={"threshold": Money(MATERIALITY, "smallest payment total to a new vendor worth a look")},
    run=run,
)
