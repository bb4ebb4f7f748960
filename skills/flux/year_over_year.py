"""Year-over-year flux: this month against the same month last year.

Seasonal businesses cannot be read month to month; the same month last year is the
comparison that removes the season. Same rules as flux.month_over_month: every variance
at or above both thresholds is a finding with its driving entries (high when a large
manual entry of the month drives it). Books that began less than a year ago have no same
month last year: the skill says so and skips rather than call every figure new.
"""
from close.skill import Skill
from skills.flux.month_over_month import PARAMS, analyse, periods_of, uncovered


def run(ctx):
    last_year = ctx.month.shift(-12)
    reason = uncovered(ctx, last_year)
    if reason:
        return ctx.skip(reason)
    findings, metrics, summary = analyse(ctx, periods_of(ctx.month, last_year), str(last_year))
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="flux.year_over_year",
    title="Year-over-year flux",
    description=(
        "Account and statement-line variances vs the same month of the prior year at or "
        "above both thresholds (amount, default materiality; percent, default 10%), each a "
        "finding with the journal entries that drive it. Income-statement accounts compare "
        "the two months' activity, balance-sheet accounts the two month-end balances "
        "(drivers: the entries of the twelve months between). High when a manual entry of "
        "the month at or above the amount threshold is among the drivers, else medium; a "
        "statement line is a finding only when none of its accounts is. Skipped when the "
        "same month last year is before the entity's books begin."
    ),
    needs=("journal_lines", "accounts"),
    params=PARAMS,
    run=run,
)
