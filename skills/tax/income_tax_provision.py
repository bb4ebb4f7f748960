"""Income tax provision: the month's current tax = pre-tax income × statutory rate.

The provision is the last entry of a close and the one most often left at last month's
figure. The month's current tax is recomputed (income_tax.py: pre-tax income of the month
× the entity's statutory rate in force, rounded once; a loss gives a tax credit) and compared with
the income tax expense booked in the month. A difference above `tolerance` is a finding:
post it (Dr/Cr income tax expense against income tax payable).
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill
from skills.tax.income_tax import statutory, tax_entries, year_to_date


def run(ctx):
    months = year_to_date(ctx)
    this = next((m for m in months if m.month == ctx.month), None)
    code, rate = statutory(ctx, ctx.month)
    if rate is None:
        return ctx.skip(f"no income tax code (tax_type income) for {ctx.entity.country} in force "
                        f"on {ctx.month.last_day}: the provision cannot be recomputed without "
                        f"the statutory rate.")
    pretax = this.pretax if this else ZERO
    booked = this.booked if this else ZERO
    c = ctx.currency
    computed = cents(pretax * rate, c)
    diff = booked - computed
    findings = []
    if abs(diff) > ctx.params["tolerance"]:
        findings.append(Finding(
            "high" if abs(diff) >= ctx.materiality else "medium",
            f"Income tax for {ctx.month}: pre-tax income {cents(pretax, c)} × {rate.normalize():f} "
            f"({code}) = {computed}, but {cents(booked, c)} was booked: "
            f"{'reduce' if diff > 0 else 'increase'} the provision by {cents(abs(diff), c)}.",
            cents(diff, c), tax_entries(ctx, ctx.month.first_day)))
    ytd_pretax = sum((m.pretax for m in months), ZERO)
    ytd_booked = sum((m.booked for m in months), ZERO)
    metrics = {"pretax_income": cents(pretax, c), "statutory_rate": rate, "tax_code": code,
               "current_tax_computed": computed, "current_tax_booked": cents(booked, c),
               "difference": cents(diff, c), "ytd_pretax_income": cents(ytd_pretax, c),
               "ytd_tax_booked": cents(ytd_booked, c)}
    summary = (f"Current tax {computed} computed vs {cents(booked, c)} booked {ctx.currency} "
               f"on pre-tax income {cents(pretax, c)}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.income_tax_provision",
    title="Income tax provision",
    description=(
        "Recomputes the month's current income tax as pre-tax income (all income-statement "
        "accounts except income tax expense) × the statutory rate of the entity's income tax "
        "code in force, rounded once to the currency's minor unit (a loss gives a tax credit), and compares it with the income tax "
        "expense booked in the month. A difference above `tolerance` is a finding with the "
        "adjustment to post; year-to-date figures in metrics. Skipped when the pack has no "
        "income tax code for the entity's country."
    ),
    needs=("journal_lines", "accounts", "tax_codes"),
    params={"tolerance": Money("0.00", "accepted difference between booked and computed tax")},
    run=run,
)
