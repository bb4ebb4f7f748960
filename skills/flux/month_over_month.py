"""Month-over-month flux: what moved since last month, and which entries moved it.

The Monthly Financial Review explains every material movement. Every account and
statement-line variance at or above both thresholds (amount and percentage of the
comparison figure) is listed in the metrics with the entries that drive it, largest
first, for the review's commentary.

Which of them are findings, figures someone has to answer for:
- an income-statement account (or line) above both thresholds: the month's results moved
  and the review must say why (an expense line that jumps fifty-fold on one bill is
  routine AP processing, and still the first thing a controller asks about);
- a balance-sheet account (or line) above both thresholds when a manual entry of the
  month at or above the amount threshold drives it. Balances move with the timing of
  settlements, quarterly tax payments and collections every month; the reconciliations
  tie them, and a hand-made posting is what needs support before sign-off.

Severity: high when a manual entry posted in the month being closed is among the drivers
and alone reaches the amount threshold; medium otherwise. A manual entry of an earlier
month was reviewed at its own close, so it does not raise the severity.

Accounts first: each account above both thresholds is its own finding (a manual entry
that moves two accounts past the thresholds is two figures to explain). A statement line
is judged only when none of its accounts is above both thresholds, so a movement made of
several smaller account movements is explained once, and never twice.

A comparison month before the entity's books begin is not a month of zeros: the skill
skips with the reason instead of reporting every balance as new.
"""
from __future__ import annotations

from close.money import cents
from close.periods import Month, month_of
from close.skill import MATERIALITY, Finding, Int, Money, Ratio, Skill
from close.statements import PNL_TYPES
from skills.flux._variance import (Periods, Variance, account_variances, books_begin, drivers,
                                   group_by_line)

MANUAL_ENTRIES = """
SELECT j.je_id
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.source = 'manual'
  AND j.posting_date BETWEEN $month_start AND $month_end
GROUP BY j.je_id
ORDER BY j.je_id
"""

MAX_LINE_ACCOUNTS = 10


def periods_of(month: Month, comparison: Month) -> Periods:
    return Periods((month.first_day, month.last_day), (comparison.first_day, comparison.last_day))


def uncovered(ctx, comparison: Month) -> str | None:
    """Why the books cannot give the comparison month, or None when they can."""
    first = books_begin(ctx)
    if first is None:
        return f"no journal lines for {ctx.entity.id}: nothing to compare"
    if month_of(first) > comparison:
        return (f"{ctx.entity.id}'s books begin on {first}: {comparison} is not in the books, "
                f"so there is no comparison for {ctx.month}")
    return None


def needs_answer(v: Variance, large_manual) -> bool:
    """A result that moved, or a balance a large manual entry moved (module docstring)."""
    return v.account_type in PNL_TYPES or bool(large_manual)


def analyse(ctx, periods: Periods, label: str):
    """Every variance above both thresholds is listed; those that need an answer are findings."""
    cur = ctx.currency
    amount, pct = ctx.param("amount"), ctx.params["pct"]
    coverage, max_entries = ctx.params["coverage"], ctx.params["max_entries"]
    accounts = account_variances(ctx, periods)
    lines = group_by_line(ctx, accounts)
    manual = {r["je_id"] for r in ctx.rows(MANUAL_ENTRIES)}
    listed, line_rows, findings = [], [], []
    above_accounts = [a for a in accounts if a.above(amount, pct)]
    above = {v.key for v in above_accounts}
    found = drivers(ctx.con, ctx.entity.id, above_accounts, periods, coverage, max_entries)
    for v, entries in zip(above_accounts, found):
        large_manual = [je for je, amt in entries if je in manual and abs(amt) >= amount]
        metric = v.metric(cur)
        metric["drivers"] = [{"je_id": je, "amount": cents(amt, cur)} for je, amt in entries]
        metric["exception"] = needs_answer(v, large_manual)
        listed.append(metric)
        if metric["exception"]:
            findings.append(_finding(v, entries, large_manual, label, cur, [f"accounts:{v.key}"]))
    above_lines = [v for v in lines if v.above(amount, pct)]
    # a line is explained by its accounts above the thresholds, else by its own drivers
    alone = [v for v in above_lines if not above.intersection(v.accounts)]
    found = drivers(ctx.con, ctx.entity.id, alone, periods, coverage, max_entries)
    line_drivers = {(v.section, v.key): entries for v, entries in zip(alone, found)}
    for line in above_lines:
        row = line.metric(cur)
        row["explained_by_accounts"] = sorted(a for a in line.accounts if a in above)
        line_rows.append(row)
        if row["explained_by_accounts"]:
            continue
        entries = line_drivers[(line.section, line.key)]
        large_manual = [je for je, amt in entries if je in manual and abs(amt) >= amount]
        row["exception"] = needs_answer(line, large_manual)
        if not row["exception"]:
            continue
        moved = sorted((a for a in accounts if a.key in line.accounts and a.variance != 0),
                       key=lambda a: (-abs(a.variance), a.key))[:MAX_LINE_ACCOUNTS]
        findings.append(_finding(line, entries, large_manual, label, cur,
                                 [f"accounts:{a.key}" for a in moved], is_line=True))
    high = sum(1 for f in findings if f.severity == "high")
    metrics = {"comparison": label, "threshold_amount": cents(amount, cur),
               "threshold_pct": pct, "accounts": listed, "lines": line_rows,
               "accounts_above_threshold": len(listed), "exceptions": high,
               "currency": cur}
    summary = (f"{len(listed)} account and {len(line_rows)} statement-line variances vs "
               f"{label} at or above {cents(amount, cur)} {cur} and {pct}%: "
               f"{len(findings)} to explain, {high} driven by large manual entries.")
    return findings, metrics, summary


def _finding(v: Variance, entries, large_manual, label, cur, account_refs, is_line=False):
    change = f"{'+' if v.variance >= 0 else ''}{cents(v.variance, cur)}"
    pct = "new this period" if v.pct is None else f"{'+' if v.pct >= 0 else ''}{v.pct}%"
    what = f"Statement line {v.name}" if is_line else f"{v.name} ({v.key})"
    driven = (", driven by " + ", ".join(f"{je} ({cents(amt, cur)})" for je, amt in entries)
              if entries else ", with no single entry driving it")
    if large_manual:
        ask = (f"Manual entr{'y' if len(large_manual) == 1 else 'ies'} "
               f"{', '.join(large_manual)} at or above the threshold: confirm the support and "
               f"the account, or reverse and repost.")
    else:
        ask = "Explain the movement in the review commentary."
    return Finding("high" if large_manual else "medium",
                   f"{what} moved {change} {cur} ({pct}) vs {label}: "
                   f"{cents(v.comparison, cur)} -> {cents(v.current, cur)}{driven}. {ask}",
                   cents(abs(v.variance), cur),
                   list(account_refs) + [f"journal_lines:{je}" for je, _ in entries])


def run(ctx):
    comparison = ctx.month.prev
    reason = uncovered(ctx, comparison)
    if reason:
        return ctx.skip(reason)
    findings, metrics, summary = analyse(ctx, periods_of(ctx.month, comparison), str(comparison))
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
        "Account and statement-line variances vs the prior month at or above both "
        "thresholds (amount, default materiality in the entity's currency; and percent of "
        "last month, default 10%; a figure that was zero counts as above the percent). "
        "Income-statement accounts compare the month's activity, balance-sheet accounts the "
        "month-end balances. Every variance above both thresholds is listed in the metrics "
        "with the journal entries that drive it, largest first, until they explain 80% of "
        "it. A finding (amount = the absolute variance, refs = the account and the driving "
        "entries) for every income-statement account above both thresholds, and for a "
        "balance-sheet account when a manual entry of the month at or above the amount "
        "threshold drives it. Severity high when such a manual entry is among the drivers, "
        "else medium. A statement line is judged only when none of its accounts is above "
        "both thresholds. Skipped when the prior month is before the entity's books begin."
    ),
    needs=("journal_lines", "accounts"),
    params=PARAMS,
    run=run,
)
