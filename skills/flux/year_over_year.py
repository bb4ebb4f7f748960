"""Year-over-year flux: this month against the same month last year.

Seasonal businesses cannot be read month to month; the same month last year is the
comparison that removes the season. Same rules as flux.month_over_month: every variance
above both thresholds is listed with its driving entries; those driven by a large manual
entry are findings.
"""
from close.periods import Month
from close.skill import Skill
from skills.flux._variance import Periods
from skills.flux.month_over_month import PARAMS, analyse


def run(ctx):
    last_year: Month = ctx.month.shift(-12)
    periods = Periods((ctx.month.first_day, ctx.month.last_day),
                      (last_year.first_day, last_year.last_day))
    findings, metrics, summary = analyse(ctx, periods, str(last_year))
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="flux.year_over_year",
    title="Year-over-year flux",
    description=(
        "Account and statement-line variances vs the same month of the prior year above "
        "both thresholds (amount, default materiality; percent, default 10%), with the "
        "journal entries that drive each one. Income-statement accounts compare the two "
        "months' activity, balance-sheet accounts the two month-end balances (drivers: the "
        "entries of the twelve months between). Listed in the metrics; a finding (medium) "
        "when a manual entry above the amount threshold is among the drivers."
    ),
    needs=("journal_lines", "accounts"),
    params=PARAMS,
    run=run,
)
