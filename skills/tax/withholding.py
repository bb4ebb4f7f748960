"""Withholding tax: every payment to a vendor with a withholding rate had it withheld.

When a payer must withhold tax (backup withholding, non-resident service fees) and does
not, the payer owes the tax itself. Each supplier payment of the month is checked against
its vendor's withholding_rate: the withheld amount must equal rate × the amount the
payment settles (LEDGER-PACK.md: `amount` includes the withholding), rounded half away
from zero to the payment currency's minor unit. A vendor with no rate must have nothing withheld.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill

PAYMENTS = """
SELECT p.payment_id, p.bill_id, p.date, p.amount, COALESCE(p.withholding_amount, 0) AS withheld,
       b.currency, v.vendor_id, v.name, COALESCE(v.withholding_rate, 0) AS rate
FROM ap_payments p
JOIN ap_bills b ON b.bill_id = p.bill_id
JOIN vendors v ON v.vendor_id = b.vendor_id
WHERE p.entity_id = $entity_id AND p.date BETWEEN $month_start AND $month_end
ORDER BY p.payment_id
"""


def run(ctx):
    rows = ctx.rows(PAYMENTS)
    tolerance = ctx.params["tolerance"]
    findings = []
    expected_total = withheld_total = ZERO
    for r in rows:
        expected = cents(r["amount"] * r["rate"], r["currency"])
        expected_total += expected
        withheld_total += r["withheld"]
        diff = cents(expected - r["withheld"], r["currency"])
        if abs(diff) <= tolerance:
            continue
        if r["rate"] == 0:
            what = f"{cents(r['withheld'], r['currency'])} was withheld although {r['vendor_id']} has no withholding rate"
            todo = "refund the vendor or set the vendor's rate"
        else:
            what = (f"{cents(r['withheld'], r['currency'])} was withheld; {r['vendor_id']}'s rate "
                    f"{r['rate'].normalize():f} on {r['amount']} requires {expected}")
            todo = ("the shortfall is owed to the tax authority by the company: recover it from "
                    "the vendor or expense it" if diff > 0 else "refund the excess to the vendor")
        findings.append(Finding(
            "medium",
            f"Payment {r['payment_id']} to {r['name']} on {r['date']}: {what}; {todo}.",
            diff, [f"ap_payments:{r['payment_id']}", f"vendors:{r['vendor_id']}"]))
    metrics = {"payments": len(rows),
               "payments_with_rate": sum(1 for r in rows if r["rate"] != 0),
               "withholding_expected": cents(expected_total, ctx.currency), "withheld": cents(withheld_total, ctx.currency)}
    summary = (f"{len(rows)} payment(s) in {ctx.month}: withheld {metrics['withheld']} of "
               f"{metrics['withholding_expected']} due, {len(findings)} payment(s) off.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.withholding",
    title="Withholding tax on vendor payments",
    description=(
        "For each supplier payment of the month, the withheld amount must equal the vendor's "
        "withholding_rate × the amount the payment settles (withholding included), rounded "
        "half away from zero to the currency's minor unit; vendors without a rate must have nothing withheld. "
        "A finding per payment with the shortfall or excess as amount: the company owes "
        "tax it failed to withhold."
    ),
    needs=("ap_payments", "ap_bills", "vendors"),
    params={"tolerance": Money("0.00", "accepted difference per payment")},
    run=run,
)
