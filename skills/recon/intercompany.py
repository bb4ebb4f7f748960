"""Intercompany balances: each receivable against the counterparty's payable, at closing rate.

An intercompany receivable that the other entity does not owe cannot be eliminated and
leaves a hole in the consolidated balance sheet. Per pair, the provider's balance on
intercompany_receivable accounts with the recipient as counterparty is compared with the
recipient's balance on intercompany_payable accounts with the provider as counterparty,
both cumulative to the month end and translated to the reporting currency at the
month's closing rate exactly as the consolidation translates them (intercompany_pairs).
A difference above `tolerance` is a finding on the provider, in the reporting currency:
the amount stmt.consolidation keeps on its unreconciled-differences line for the pair,
naming this month's entries that have no mirror on the other side.
"""
from __future__ import annotations

from close.skill import Money, Skill
from skills.recon.intercompany_pairs import Sides, compare_pairs

BALANCES = Sides(provider="receivable", recipient="payable",
                 provider_subtype="intercompany_receivable",
                 recipient_subtype="intercompany_payable",
                 provider_figure="receivable", recipient_figure="payable",
                 provider_sign=1, recipient_sign=-1, rate="closing", figures="balances",
                 balances=True)


def run(ctx):
    def disagreement(recipient, receivable, payable, diff):
        return (f"{ctx.entity.id} shows {receivable} {ctx.pack.reporting_currency} receivable "
                f"from {recipient}, which shows {payable} payable to {ctx.entity.id} (closing "
                f"rate, {ctx.month}): {diff} to agree and post before elimination.")

    findings, metrics = compare_pairs(ctx, BALANCES, disagreement)
    summary = (f"{metrics['pairs_checked']} intercompany pair(s) with {ctx.entity.id} as "
               f"provider; {len(findings)} not agreeing.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.intercompany",
    title="Intercompany balances",
    description=(
        "Per pair with this entity as provider (pairs found in the journal by account "
        "subtype and counterparty entity id): its intercompany_receivable balance against "
        "the recipient vs the recipient's intercompany_payable balance against it, both at "
        "month end in functional currency, translated to the reporting currency at the "
        "closing rate as the consolidation translates them; the difference is rounded once. "
        "A difference above `tolerance` is a finding on the provider, in the reporting "
        "currency (the amount the consolidation leaves unreconciled), naming the month's "
        "entries without a mirror on the other side; agree and post it before elimination."
    ),
    needs=("journal_lines", "accounts", "fx_rates"),
    params={"tolerance": Money("0.00", "accepted difference per pair, reporting currency")},
    run=run,
)
