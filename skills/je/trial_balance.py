"""Trial balance per entity: debits equal credits, for the month and cumulatively.

Every other check assumes the ledger balances. If it does not, the difference is the
first thing to chase, so the finding names the entries that do not balance within the
period (the usual cause) and the size of the gap.

Where the pack carries the balances the source system states (account_balances, e.g.
SAF-T's opening and closing balance per account), each one stated for the month is
compared with the journal's: a stated balance the journal does not roll forward to
means postings missing from the export, or a balance the system got wrong.
"""
from close.ledger import trial_balance, unbalanced_entry_refs
from close.money import ZERO, cents
from close.skill import Finding, Skill

TOTALS = """
SELECT
  COALESCE(SUM(CASE WHEN posting_date BETWEEN $month_start AND $month_end THEN debit END), 0) AS period_debit,
  COALESCE(SUM(CASE WHEN posting_date BETWEEN $month_start AND $month_end THEN credit END), 0) AS period_credit,
  COALESCE(SUM(debit), 0) AS cumulative_debit,
  COALESCE(SUM(credit), 0) AS cumulative_credit,
  COUNT(*) AS lines
FROM journal_lines
WHERE entity_id = $entity_id AND posting_date <= $month_end
"""

STATED = """
SELECT account_id, opening, closing
FROM account_balances
WHERE entity_id = $entity_id AND period = $period
ORDER BY account_id
"""

# What the per-account trial balance in metrics shows of each account.
ACCOUNT_KEYS = ("account_id", "name", "type", "opening", "debit", "credit", "closing")


def run(ctx):
    totals = ctx.rows(TOTALS)[0]
    period_diff = totals["period_debit"] - totals["period_credit"]
    cumulative_diff = totals["cumulative_debit"] - totals["cumulative_credit"]
    metrics = {
        "lines": totals["lines"],
        "period_debit": cents(totals["period_debit"], ctx.currency),
        "period_credit": cents(totals["period_credit"], ctx.currency),
        "cumulative_debit": cents(totals["cumulative_debit"], ctx.currency),
        "cumulative_credit": cents(totals["cumulative_credit"], ctx.currency),
        "period_difference": cents(period_diff, ctx.currency),
        "cumulative_difference": cents(cumulative_diff, ctx.currency),
        "accounts": [{k: row[k] for k in ACCOUNT_KEYS} for row in trial_balance(ctx)],
    }
    findings = []
    if ctx.has_table("account_balances"):
        checked, differing = stated_balances(ctx, metrics["accounts"], findings)
        metrics["stated_balances_checked"], metrics["stated_balances_differing"] = checked, differing
    if period_diff != ZERO or cumulative_diff != ZERO:
        refs = unbalanced_entry_refs(ctx)
        findings.append(Finding(
            "high",
            f"Trial balance does not balance: debits exceed credits by {cents(cumulative_diff, ctx.currency)} "
            f"cumulatively ({cents(period_diff, ctx.currency)} in {ctx.month}); correct the unbalanced entries.",
            cents(abs(cumulative_diff) if cumulative_diff != ZERO else abs(period_diff), ctx.currency),
            refs,
        ))
        summary = f"Out of balance by {cents(abs(cumulative_diff), ctx.currency)} {ctx.currency}."
    else:
        summary = f"Balanced: {cents(totals['cumulative_debit'], ctx.currency)} {ctx.currency} debits and credits to date."
    return ctx.result(findings, metrics, summary)


def stated_balances(ctx, accounts: list[dict], findings: list) -> tuple[int, int]:
    """The month's stated opening and closing balances against the journal's."""
    journal = {a["account_id"]: a for a in accounts}
    checked = differing = 0
    for row in ctx.rows(STATED):
        tb = journal.get(row["account_id"], {})
        for side, day in (("opening", ctx.month.first_day), ("closing", ctx.month.last_day)):
            stated = row[side]
            if stated is None:
                continue
            checked += 1
            booked = tb.get(side, ZERO)
            diff = booked - stated
            if diff == ZERO:
                continue
            differing += 1
            when = f"at the start of {ctx.month}" if side == "opening" else f"at {day}"
            findings.append(Finding(
                "medium",
                f"Account {row['account_id']}: the source system states a {side} balance of "
                f"{cents(stated, ctx.currency)} {when}, the journal gives {cents(booked, ctx.currency)} "
                f"(difference {cents(diff, ctx.currency)}); find the postings missing from the export, "
                f"or have the stated balance corrected.",
                cents(abs(diff), ctx.currency),
                [f"accounts:{row['account_id']}", f"account_balances:{ctx.entity.id}/{row['account_id']}/{ctx.month}"],
            ))
    return checked, differing


SKILL = Skill(
    id="je.trial_balance",
    title="Trial balance",
    description=(
        "Trial balance per entity: total debits equal total credits for the month and "
        "cumulatively to the month's end. Reports the difference and the journal entries "
        "that do not balance. Metrics hold the trial balance per account: balance brought "
        "forward, the month's debits and credits, and the balance at the month's end. "
        "Where the pack has account_balances (balances the source system states, such as "
        "SAF-T's), each opening or closing balance stated for the month is compared with "
        "the journal's, a finding per account that differs."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
