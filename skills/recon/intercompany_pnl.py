"""Intercompany revenue and expense: each pair's charges for the month agree.

Intercompany revenue must equal the counterparty's intercompany expense, or the
elimination leaves profit that no third party paid. Per pair, the provider's month on
intercompany_revenue accounts with the recipient as counterparty (credit positive) is
compared with the recipient's month on intercompany_expense accounts with the provider as
counterparty (debit positive), each side's functional amounts translated to the
reporting currency at the month's average rate, exactly as the consolidation eliminates
them (intercompany_pairs). Agreeing in the transaction currency is not enough: a charge
the two sides booked at different rates leaves a difference in the group's profit. A
difference above `tolerance` is a finding on the provider, in the reporting currency, the
amount the consolidation reports for the pair, naming the month's entries with no mirror
on the other side (or, where each has one, the pair's entries of the month).
"""
from __future__ import annotations

from close.skill import Money, Skill
from skills.recon.intercompany_pairs import Sides, compare_pairs

CHARGES = Sides(provider="revenue", recipient="expense",
                provider_subtype="intercompany_revenue",
                recipient_subtype="intercompany_expense",
                provider_figure="revenue_mtd", recipient_figure="expense_mtd",
                provider_sign=-1, recipient_sign=1, rate="average", figures="charges",
                balances=False)


def run(ctx):
    def disagreement(recipient, revenue, expense, diff):
        return (f"{ctx.entity.id} booked {revenue} {ctx.pack.reporting_currency} of intercompany "
                f"revenue from {recipient} in {ctx.month}; {recipient} booked {expense} of expense "
                f"to {ctx.entity.id} (functional amounts at the average rate): {diff} to agree "
                f"before elimination.")

    findings, metrics = compare_pairs(ctx, CHARGES, disagreement)
    summary = (f"{metrics['pairs_checked']} intercompany pair(s) charged by {ctx.entity.id} in "
               f"{ctx.month}; {len(findings)} not agreeing.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.intercompany_pnl",
    title="Intercompany revenue and expense",
    description=(
        "Per pair with this entity as provider (pairs found in the journal by account "
        "subtype and counterparty entity id): its intercompany_revenue for the month "
        "against the recipient vs the recipient's intercompany_expense against it, each "
        "side's functional amounts translated to the reporting currency at the month's "
        "average rate as the consolidation eliminates them (agreeing in the transaction "
        "currency is not enough); the difference is rounded once. A difference above "
        "`tolerance` is a finding on the provider, in the reporting currency, naming the "
        "month's entries without a mirror on the other side."
    ),
    needs=("journal_lines", "accounts", "fx_rates"),
    params={"tolerance": Money("0.00", "accepted difference per pair, reporting currency")},
    run=run,
)
