"""Effective tax rate year to date against the statutory rate, with the gap explained.

The effective rate (tax expense / pre-tax income) is what analysts and auditors read;
when it departs from the statutory rate, someone has to say why. Year to date, the gap
between the tax booked and pre-tax income × statutory rate is split into its components:

- this month's provision difference (booked minus the month's pre-tax income × rate,
  rounded), and the same for the earlier months of the year (entries posted into a
  month after its provision was booked show here);
- rounding: computing month by month instead of on the year's total (minor units); a rate that
  changed during the year shows here too.

This month's provision difference is a finding (amount: the difference); earlier
months were reported in their own closes, so they and rounding are explanations in
metrics.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill
from skills.tax.income_tax import statutory, tax_entries, year_to_date


def run(ctx):
    months = year_to_date(ctx)
    code, rate = statutory(ctx, ctx.month)
    if rate is None:
        return ctx.skip(f"no income tax code (tax_type income) for {ctx.entity.country} in force "
                        f"on {ctx.month.last_day}: the effective rate cannot be compared with a "
                        f"statutory rate.")
    c = ctx.currency
    pretax = sum((m.pretax for m in months), ZERO)
    booked = sum((m.booked for m in months), ZERO)
    at_statutory = pretax * rate
    gap = booked - at_statutory
    gaps = [(m, m.booked - m.computed) for m in months if m.computed is not None]
    this_month = sum((d for m, d in gaps if m.month == ctx.month), ZERO)
    earlier = sum((d for m, d in gaps if m.month != ctx.month), ZERO)
    rounding = gap - this_month - earlier
    findings = []
    if abs(this_month) > ctx.params["tolerance"]:
        m = next(m for m, _ in gaps if m.month == ctx.month)
        findings.append(Finding(
            "high" if abs(this_month) >= ctx.materiality else "medium",
            f"{m.month}: income tax booked {cents(m.booked, c)} against {m.computed} at the statutory "
            f"rate on pre-tax income {cents(m.pretax, c)}; this leaves the year-to-date effective "
            f"rate {'above' if this_month > 0 else 'below'} statutory by an unexplained "
            f"{cents(abs(this_month), c)}: correct the provision or document the permanent difference.",
            cents(this_month, c), tax_entries(ctx, m.month.first_day)))
    effective = (booked / pretax) if pretax != 0 else None
    metrics = {
        "pretax_income_ytd": cents(pretax, c), "tax_booked_ytd": cents(booked, c),
        "statutory_rate": rate, "tax_code": code,
        "effective_rate": float(round(effective, 6)) if effective is not None else None,
        "gap": cents(gap, c),
        "lines": [{"line": "Tax at the statutory rate", "amount": cents(at_statutory, c)},
                  {"line": "This month under (+) or over (-) provided", "amount": cents(this_month, c)},
                  {"line": "Earlier months under (+) or over (-) provided", "amount": cents(earlier, c)},
                  {"line": "Rounding of monthly provisions", "amount": cents(rounding, c)},
                  {"line": "Tax booked", "amount": cents(booked, c)}],
    }
    rate_text = f"{effective * 100:.2f}%" if effective is not None else "n/a"
    summary = (f"Effective rate {rate_text} vs statutory {rate * 100:.2f}% year to date; gap "
               f"{cents(gap, c)} {ctx.currency}, of which {cents(this_month, c)} from this month's provision.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="tax.effective_rate",
    title="Effective tax rate",
    description=(
        "Year to date: effective tax rate (income tax expense / pre-tax income) against the "
        "statutory rate, the gap split into this month's and earlier months' under- or "
        "over-provision (booked minus pre-tax income × rate, per month, rounded to the "
        "currency's minor unit) and rounding. This month's provision difference above "
        "`tolerance` is a finding. Skipped without an income tax code for the entity's country."
    ),
    needs=("journal_lines", "accounts", "tax_codes"),
    params={"tolerance": Money("0.00", "accepted provision difference per month")},
    run=run,
)
