"""Intercompany revenue and expense: each pair's charges for the month agree.

Intercompany revenue must equal the counterparty's intercompany expense, or the
elimination leaves profit that no third party paid. Per pair, the provider's month on
intercompany_revenue accounts with the recipient as counterparty (credit positive) is
compared with the recipient's month on intercompany_expense accounts with the provider as
counterparty (debit positive), in the reporting currency at the month's average rate
(income and expense, LEDGER-PACK.md). When both sides carry the charge in one
transaction currency (amount_txn), they are compared in it and translated at one rate, so
booking-rate differences do not pass for disagreements. A difference above `tolerance` is a
finding on the provider, in the reporting currency, naming the month's entries with no
mirror on the other side.
"""
from __future__ import annotations

from close.money import ZERO
from close.skill import Money, Skill
from skills.recon.intercompany_pairs import Sides, compare_pairs, functional_amounts, pairs, translate

CHARGES = Sides(provider="revenue", recipient="expense", provider_sign=-1, recipient_sign=1,
                rate="average", figures="charges")


def side_amounts(ctx, pair):
    """Revenue and expense in the reporting currency, unrounded (None: a rate is missing).

    A charge invoiced in one currency is compared in that currency: when every line on
    both sides carries the same transaction currency, both are translated from it at one
    rate, so a recipient that booked the charge at the day's rate does not show a
    difference that is only translation. Otherwise each side's functional amount is
    translated at the month's average rate."""
    currencies = {r["currency"] for r in pair.provider_lines + pair.recipient_lines}
    if len(currencies) == 1:
        (currency,) = currencies
        revenue = -sum((r["amount_txn"] for r in pair.provider_lines), ZERO)
        expense = sum((r["amount_txn"] for r in pair.recipient_lines), ZERO)
        return (translate(ctx, revenue, currency, "average"),
                translate(ctx, expense, currency, "average"))
    return functional_amounts(ctx, pair, CHARGES)


def run(ctx):
    found = pairs(ctx, "intercompany_revenue", "intercompany_expense", ctx.month.first_day)

    def disagreement(recipient, revenue, expense, diff):
        return (f"{ctx.entity.id} booked {revenue} {ctx.pack.reporting_currency} of intercompany "
                f"revenue from {recipient} in {ctx.month}; {recipient} booked {expense} of expense "
                f"to {ctx.entity.id} (average rate): {diff} to agree before elimination.")

    findings, metrics = compare_pairs(ctx, found, CHARGES, disagreement, side_amounts)
    summary = (f"{metrics['pairs_checked']} intercompany pair(s) charged by {ctx.entity.id} in "
               f"{ctx.month}; {len(findings)} not agreeing.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.intercompany_pnl",
    title="Intercompany revenue and expense",
    description=(
        "Per pair with this entity as provider: its intercompany_revenue for the month "
        "against the recipient (counterparty) vs the recipient's intercompany_expense against "
        "it, each translated to the reporting currency at the month's average rate. A "
        "difference above `tolerance` is a finding on the provider, in the reporting "
        "currency, naming the month's entries without a mirror on the other side."
    ),
    needs=("journal_lines", "accounts", "fx_rates"),
    params={"tolerance": Money("0.00", "accepted difference per pair, reporting currency")},
    run=run,
)
