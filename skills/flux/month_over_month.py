"""Month-over-month flux: what moved since last month, and which entries moved it.

The Monthly Financial Review explains every material movement. This skill lists the
account and statement-line variances against the prior month above both thresholds
(amount and percentage) with the journal entries that drive them, so the reviewer starts
from the entries instead of the account.

Exception or information: a variance above the thresholds is listed in the metrics for
the review either way. It becomes a finding only when it is not a line of routine
business: when the entries that drive it include a manual entry that alone is above the
amount threshold. Sales, purchases, payroll and depreciation that grew are information
for the commentary; a large hand-made posting that moves an account is what a reviewer
must look at before sign-off. Each account the entry moves past the thresholds (its debit side and
its credit side) is its own finding: each is a figure in the review that needs the
explanation.
"""

from close.money import cents
from close.skill import MATERIALITY, Finding, Int, Money, Ratio, Skill
from skills.flux._variance import Periods, account_variances, drivers, group_by_line

MANUAL_ENTRIES = """
SELECT j.je_id
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.source = 'manual'
  AND j.posting_date BETWEEN $month_start AND $month_end
GROUP BY j.je_id
ORDER BY j.je_id
"""


def comparison_label(ctx) -> str:
    return str(ctx.month.prev)


def periods_for(ctx) -> Periods:
    prev = ctx.month.prev
    return Periods((ctx.month.first_day, ctx.month.last_day), (prev.first_day, prev.last_day))


def analyse(ctx, periods: Periods, label: str):
    """Variances above thresholds with their drivers; findings for the exceptions."""
    cur = ctx.currency
    amount, pct = ctx.param("amount"), ctx.params["pct"]
    coverage, max_entries = ctx.params["coverage"], ctx.params["max_entries"]
    accounts = account_variances(ctx.con, ctx.entity.id, periods)
    lines = group_by_line(ctx.con, accounts)
    manual = {r["je_id"] for r in ctx.rows(MANUAL_ENTRIES, month_start=periods.current[0],
                                                month_end=periods.current[1])}
    listed, findings = [], []
    for v in (a for a in accounts if a.above(amount, pct)):
        entries = drivers(ctx.con, ctx.entity.id, v, periods, coverage, max_entries)
        metric = v.metric(cur)
        metric["drivers"] = [{"je_id": je, "amount": cents(amt, cur)} for je, amt in entries]
        large_manual = [je for je, amt in entries if je in manual and abs(amt) >= amount]
        metric["exception"] = bool(large_manual)
        listed.append(metric)
        if large_manual:
            findings.append(Finding("medium", _message(v, entries, label, cur, large_manual),
                                    abs(v.variance),
                                    [f"journal_lines:{je}" for je, _ in entries]))
    line_rows = [v.metric(cur) for v in lines if v.above(amount, pct)]
    metrics = {"comparison": label, "threshold_amount": cents(amount, cur),
               "threshold_pct": pct, "accounts": listed, "lines": line_rows,
               "accounts_above_threshold": len(listed), "exceptions": len(findings),
               "currency": cur}
    summary = (f"{len(listed)} account and {len(line_rows)} statement-line variances vs "
               f"{label} above {cents(amount, cur)} {cur} and {pct}%; "
               f"{len(findings)} driven by large manual entries.")
    return findings, metrics, summary


def _message(v, entries, label, cur, large_manual) -> str:
    change = f"{'+' if v.variance >= 0 else ''}{cents(v.variance, cur)}"
    pct = "new this period" if v.pct is None else f"{'+' if v.pct >= 0 else ''}{v.pct}%"
    driven = ", ".join(f"{je} ({cents(amt, cur)})" for je, amt in entries)
    return (f"{v.name} ({v.key}) moved {change} {cur} ({pct}) vs {label}: "
            f"{cents(v.comparison, cur)} -> {cents(v.current, cur)}, driven by {driven}. "
            f"Manual entr{'y' if len(large_manual) == 1 else 'ies'} "
            f"{', '.join(large_manual)} above the threshold: confirm the support and the "
            f"account, or reverse and repost.")


def run(ctx):
    findings, metrics, summary = analyse(ctx, periods_for(ctx), comparison_label(ctx))
    return ctx.result(findings, metrics, summary)


PARAMS = {
    "amount": Money(MATERIALITY, "smallest variance worth explaining, entity currency"),
    "pct": Ratio("10", "smallest variance worth explaining, % of the comparison figure"),
    "coverage": Ratio("0.8", "share of a variance the listed driving entries must explain"),
    "max_entries": Int(10, "most driving entries named per variance"),
}

SKILL = Skill(
    id="flux.month_over_month",
    title="Month-over-month flux",
    description=(
        "Account and statement-line variances vs the prior month above both thresholds "
        "(amount, default materiality; and percent of last month, default 10%), each with "
        "the journal entries that drive it, largest first, until they explain 80% of it. "
        "Income-statement accounts compare the month's activity, balance-sheet accounts "
        "the month-end balances. Every variance above the thresholds is listed in the "
        "metrics for the commentary; it is a finding (medium, amount = the variance, refs "
        "= the driving entries) when a manual entry above the amount threshold is among "
        "its drivers, because routine activity explains itself and a large manual posting "
        "needs support before sign-off."
    ),
    needs=("journal_lines", "accounts"),
    params=PARAMS,
    run=run,
)
