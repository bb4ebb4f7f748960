"""Form 1099: vendors to report for the calendar year, and those that cannot be reported.

A US payer files a 1099-NEC for each 1099 vendor paid 600 or more in a calendar year, with
the vendor's taxpayer identification number; a missing or malformed TIN means backup
withholding and penalties. The check runs all year, on payments from 1 January through
the month end, so the gaps are fixed before January's filing rush. Amounts paid are the
payments' `amount` (what they settle, withholding included: the 1099 reports the gross and
the tax withheld separately). TINs are validated as US EINs or SSNs with python-stdnum.
Only entities in the US file 1099s; others are skipped, saying so. The year is the
calendar year whatever the fiscal year (the IRS reports by calendar year).
"""
from __future__ import annotations

from stdnum.us import ein, ssn

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill

PAID = """
SELECT v.vendor_id, v.name, v.country, v.tax_id, CAST(SUM(p.amount) AS DECIMAL(18,2)) AS paid,
       CAST(SUM(COALESCE(p.withholding_amount, 0)) AS DECIMAL(18,2)) AS withheld,
       COUNT(*) AS payments
FROM ap_payments p
JOIN ap_bills b ON b.bill_id = p.bill_id
JOIN vendors v ON v.vendor_id = b.vendor_id
WHERE p.entity_id = $entity_id AND v.is_1099
  AND p.date BETWEEN $calendar_start AND $month_end
GROUP BY v.vendor_id, v.name, v.country, v.tax_id
ORDER BY v.vendor_id
"""


def tin_problem(tax_id: str | None) -> str | None:
    """None when the TIN is a valid EIN or SSN, else what is wrong with it."""
    if tax_id is None or not tax_id.strip():
        return "has no tax id"
    if ein.is_valid(tax_id) or ssn.is_valid(tax_id):
        return None
    return f"has tax id {tax_id!r}, which is neither a valid EIN nor SSN"


def run(ctx):
    if ctx.entity.country != "US":
        return ctx.skip(f"{ctx.entity.id} is in {ctx.entity.country}, not the US: Form 1099 "
                        f"reporting does not apply.")
    rows = ctx.rows(PAID, calendar_start=ctx.month.first_day.replace(month=1))
    threshold = ctx.params["threshold"]
    reportable = [r for r in rows if r["paid"] >= threshold]
    findings = []
    for r in reportable:
        problem = tin_problem(r["tax_id"])
        if problem is None:
            continue
        findings.append(Finding(
            "medium",
            f"1099 vendor {r['vendor_id']} ({r['name']}) was paid {cents(r['paid'])} in "
            f"{ctx.month.year} through {ctx.month} but {problem}: request a W-9 before filing, "
            f"and withhold backup tax on further payments until it arrives.",
            r["paid"], [f"vendors:{r['vendor_id']}"]))
    metrics = {"reportable_vendors": len(reportable),
               "reportable_amount": cents(sum((r["paid"] for r in reportable), ZERO)),
               "vendors": [{"vendor_id": r["vendor_id"], "paid": cents(r["paid"]),
                            "withheld": cents(r["withheld"]), "tin_ok": tin_problem(r["tax_id"]) is None}
                           for r in reportable]}
    summary = (f"{len(reportable)} 1099 vendor(s) paid {threshold} or more in {ctx.month.year} "
               f"to date; {len(findings)} without a valid TIN.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.form_1099",
    title="Form 1099 vendors",
    description=(
        "For US entities: the 1099 vendors paid at least `threshold` (600) from 1 January "
        "through the month end (payment amounts, withholding included), listed in metrics "
        "for the 1099-NEC filing; a finding for each such vendor whose tax_id is missing or "
        "not a valid EIN or SSN (python-stdnum): request a W-9 and apply backup withholding. "
        "Skipped for entities outside the US."
    ),
    needs=("ap_payments", "ap_bills", "vendors"),
    params={"threshold": Money("600.00", "calendar-year payments from which a 1099 is due")},
    run=run,
)
