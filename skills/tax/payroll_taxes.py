"""Employer payroll taxes: the register's employer taxes equal the statutory rate × gross.

Employer taxes (social security, national insurance, pension and unemployment
contributions) are owed at a statutory rate on gross pay; an employee set up with the
wrong rate, or a rate change that the payroll system missed, is underpaid tax with
penalties. For the month, the entity's payroll tax codes (tax_type `payroll`, the entity's
country as jurisdiction, in force on the month's last day; several in force add up) give
the rate, and each employee's employer_taxes must equal gross_pay × rate rounded half
away from zero to the currency's minor unit (whole yen for JPY). Without a payroll
register for the month, or without a payroll tax code for the country, the skill is
skipped with the reason.
"""
from __future__ import annotations

from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill

RATE = """
SELECT tax_code, rate
FROM tax_codes
WHERE tax_type = 'payroll' AND jurisdiction = $country
  AND effective_from <= $month_end AND (effective_to IS NULL OR effective_to >= $month_end)
ORDER BY tax_code
"""

REGISTER = """
SELECT employee_id, department, gross_pay, employer_taxes
FROM payroll
WHERE entity_id = $entity_id AND period = $period
ORDER BY employee_id
"""


def run(ctx):
    codes = ctx.rows(RATE, country=ctx.entity.country)
    rows = ctx.rows(REGISTER)
    if not rows:
        return ctx.skip(f"no payroll register rows for {ctx.entity.id} in {ctx.month}: employer "
                        f"payroll taxes do not apply.")
    if not codes:
        return ctx.skip(f"no employer payroll tax code (tax_type payroll) for "
                        f"{ctx.entity.country} in force on {ctx.month.last_day}: the register's "
                        f"employer taxes cannot be checked without the statutory rate.")
    rate = sum((c["rate"] for c in codes), Decimal(0))
    tolerance = ctx.params["tolerance"]
    findings = []
    expected_total = booked_total = gross_total = ZERO
    for r in rows:
        expected = cents(r["gross_pay"] * rate, ctx.currency)
        expected_total += expected
        booked_total += r["employer_taxes"]
        gross_total += r["gross_pay"]
        diff = r["employer_taxes"] - expected
        if abs(diff) <= tolerance:
            continue
        findings.append(Finding(
            "medium",
            f"Employee {r['employee_id']} ({r['department']}), {ctx.month}: employer taxes "
            f"{r['employer_taxes']} on gross {r['gross_pay']}; at {rate.normalize():f} "
            f"({', '.join(c['tax_code'] for c in codes)}) they are {expected}: "
            f"{'over' if diff > 0 else 'under'}stated by {cents(abs(diff), ctx.currency)}, correct the "
            f"employee's set-up and the filing.",
            diff, [f"payroll:{ctx.month}/{r['employee_id']}"]))
    metrics = {"employees": len(rows), "rate": rate, "codes": [c["tax_code"] for c in codes],
               "gross": cents(gross_total, ctx.currency), "employer_taxes_expected": cents(expected_total, ctx.currency),
               "employer_taxes_booked": cents(booked_total, ctx.currency),
               "difference": cents(booked_total - expected_total, ctx.currency)}
    summary = (f"Employer taxes {metrics['employer_taxes_booked']} vs {metrics['employer_taxes_expected']} "
               f"{ctx.currency} at {rate.normalize():f} on gross {metrics['gross']}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.payroll_taxes",
    title="Employer payroll taxes",
    description=(
        "For the month's payroll register: each employee's employer_taxes must equal "
        "gross_pay × the entity's employer payroll tax rate (tax codes of type payroll for the "
        "entity's country in force on the month's last day, summed), rounded half away from "
        "zero to the currency's minor unit. A finding per employee with the difference (refs payroll:<period>/"
        "<employee_id>); totals in metrics. Skipped without a register or payroll tax code."
    ),
    needs=("payroll", "tax_codes"),
    params={"tolerance": Money("0.00", "accepted difference per employee")},
    run=run,
)
