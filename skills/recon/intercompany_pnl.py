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

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill
from skills.recon.intercompany_pairs import pairs, translate, unmatched_entries


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
    return (translate(ctx, -pair.provider_functional, pair.provider_currency, "average"),
            translate(ctx, pair.recipient_functional, pair.recipient_currency, "average"))


def run(ctx):
    found = pairs(ctx, "intercompany_revenue", "intercompany_expense", ctx.month.first_day)
    tolerance = ctx.params["tolerance"]
    findings, rows = [], []
    for recipient, pair in found.items():
        revenue, expense = side_amounts(ctx, pair)
        if revenue is None or expense is None:
            missing = pair.provider_currency if revenue is None else pair.recipient_currency
            findings.append(Finding(
                "high", f"No average rate {missing}->{ctx.pack.reporting_currency} for "
                f"{ctx.month}: the {ctx.entity.id}/{recipient} charges cannot be compared; load "
                f"the rate.", None, [f"entities:{recipient}"]))
            continue
        revenue, expense = cents(revenue), cents(expense)
        diff = revenue - expense
        rows.append({"recipient": recipient, "revenue": revenue, "expense": expense,
                     "difference": diff, "revenue_functional": cents(-pair.provider_functional),
                     "expense_functional": cents(pair.recipient_functional)})
        if abs(diff) <= tolerance:
            continue
        refs = unmatched_entries(pair, -1, 1, ctx.month.first_day)
        findings.append(Finding(
            "high" if abs(diff) >= ctx.materiality else "medium",
            f"{ctx.entity.id} booked {revenue} {ctx.pack.reporting_currency} of intercompany "
            f"revenue from {recipient} in {ctx.month}; {recipient} booked {expense} of expense "
            f"to {ctx.entity.id} (average rate): {diff} to agree before elimination.",
            diff, refs or [f"entities:{recipient}"]))
    metrics = {"pairs": rows, "pairs_checked": len(rows),
               "total_difference": cents(sum((r["difference"] for r in rows), ZERO))}
    summary = (f"{len(rows)} intercompany pair(s) charged by {ctx.entity.id} in {ctx.month}; "
               f"{len(findings)} not agreeing.")
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
