"""Large manual entries posted without an approver.

Manual entries bypass the checks built into subledgers, so entries above the approval
limit must carry an approver. One that does not is an unapproved material adjustment:
get it approved (or reversed) before the books are signed off.
"""
from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.je._manual import describe, manual_entries_from, ref



def run(ctx):
    threshold = ctx.param("threshold")
    rows = [e for e in manual_entries_from(ctx, threshold)
            if e["total_debit"] > threshold and not e["approved"]]
    findings = [
        Finding(
            "high",
            f"{describe(r)} for {cents(r['total_debit'], ctx.currency)} {ctx.currency} exceeds the approval "
            f"threshold of {cents(threshold, ctx.currency)} and has no approver; obtain approval or reverse it.",
            cents(r["total_debit"], ctx.currency),
            [ref(r)],
        )
        for r in rows
    ]
    metrics = {"threshold": cents(threshold, ctx.currency), "unapproved": len(rows),
               "unapproved_amount": cents(sum((r["total_debit"] for r in rows), ZERO), ctx.currency)}
    summary = (f"{len(rows)} manual entr{'y' if len(rows) == 1 else 'ies'} over "
               f"{cents(threshold, ctx.currency)} {ctx.currency} without an approver in {ctx.month}." if rows
               else f"Every manual entry over {cents(threshold, ctx.currency)} {ctx.currency} in {ctx.month} has an approver.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.manual_over_threshold",
    title="Unapproved manual entries over the approval threshold",
    description=(
        "Lists the month's manual journal entries (source manual) whose total debits exceed "
        "the approval threshold (default: materiality, in the entity's currency) and that "
        "name no approver on any line. The amount is the entry's total debits. Obtain the "
        "missing approval or reverse the entry before sign-off."
    ),
    needs=("journal_lines",),
    params={"threshold": Money(MATERIALITY, "manual entries with total debits above this need an approver")},
    run=run,
)
