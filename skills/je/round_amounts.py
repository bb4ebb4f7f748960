"""Large manual entries in round thousands.

Genuine transactions rarely come to exactly 50,000.00; estimates, plugs and fabricated
adjustments often do. Journal-entry testing standards (ISA 240, AS 2401) name round
amounts as a fraud-risk characteristic, so large round manual entries get a second look:
is there support for the figure, or is it a guess that should be trued up?
"""
from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.je._manual import describe, manual_entries_from, ref



def run(ctx):
    threshold = ctx.param("threshold")
    unit = ctx.param("round_unit")
    if unit <= ZERO:
        raise ValueError("round_unit must be positive")
    rows = manual_entries_from(ctx, threshold)
    hits = [r for r in rows if r["total_debit"] > ZERO and r["total_debit"] % unit == ZERO]
    findings = [
        Finding(
            "medium",
            f"{describe(r)} is a round {cents(r['total_debit'], ctx.currency)} {ctx.currency}; check the "
            f"support for the figure and true it up if it is an estimate.",
            cents(r["total_debit"], ctx.currency),
            [ref(r)],
        )
        for r in hits
    ]
    metrics = {"threshold": cents(threshold, ctx.currency), "round_unit": cents(unit, ctx.currency),
               "manual_entries_over_threshold": len(rows), "round": len(hits),
               "round_amount": cents(sum((r["total_debit"] for r in hits), ZERO), ctx.currency)}
    summary = (f"{len(hits)} manual entr{'y' if len(hits) == 1 else 'ies'} of round amounts from "
               f"{cents(threshold, ctx.currency)} {ctx.currency} in {ctx.month}." if hits
               else f"No round-amount manual entries from {cents(threshold, ctx.currency)} {ctx.currency} in {ctx.month}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="je.round_amounts",
    title="Round-amount manual entries",
    description=(
        "Lists the month's manual journal entries whose total debits are an exact multiple "
        "of round_unit (default 1,000) and at or above the threshold (default: "
        "materiality, in the entity's currency). The amount is the entry's total debits. "
        "Check the support for each figure; round estimates should be trued up to actuals."
    ),
    needs=("journal_lines",),
    params={
        "threshold": Money(MATERIALITY, "smallest entry total (debits) tested"),
        "round_unit": Money("1000", "an entry is round when its total debits are a multiple of this"),
    },
    run=run,
)
