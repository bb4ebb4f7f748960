"""Intercompany balances: each receivable against the counterparty's payable, at closing rate.

An intercompany receivable that the other entity does not owe cannot be eliminated and
leaves a hole in the consolidated balance sheet. Per pair, the provider's balance on
intercompany_receivable accounts with the recipient as counterparty is compared with the
recipient's balance on intercompany_payable accounts with the provider as counterparty,
both cumulative to the month end and translated to the reporting currency at the
month's closing rate (assets and liabilities, LEDGER-PACK.md). A difference above
`tolerance` is a finding on the provider, in the reporting currency, naming this month's
entries that have no mirror on the other side.
"""
from __future__ import annotations

from datetime import date

from close.skill import Money, Skill
from skills.recon.intercompany_pairs import Sides, compare_pairs, pairs

BEGINNING = date(1900, 1, 1)

BALANCES = Sides(provider="receivable", recipient="payable", provider_sign=1, recipient_sign=-1,
                 rate="closing", figures="balances")


def run(ctx):
    found = pairs(ctx, "intercompany_receivable", "intercompany_payable", BEGINNING)

    def disagreement(recipient, receivable, payable, diff):
        return (f"{ctx.entity.id} shows {receivable} {ctx.pack.reporting_currency} receivable "
                f"from {recipient}, which shows {payable} payable to {ctx.entity.id} (closing "
                f"rate, {ctx.month}): {diff} to agree and post before elimination.")

    findings, metrics = compare_pairs(ctx, found, BALANCES, disagreement)
    summary = (f"{metrics['pairs_checked']} intercompany pair(s) with {ctx.entity.id} as "
               f"provider; {len(findings)} not agreeing.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.intercompany",
    title="Intercompany balances",
    description=(
        "Per pair with this entity as provider: its intercompany_receivable balance against "
        "the recipient (counterparty) vs the recipient's intercompany_payable balance against "
        "it, both at month end, translated to the reporting currency at the closing rate. A "
        "difference above `tolerance` is a finding on the provider, in the reporting "
        "currency, naming the month's entries without a mirror on the other side; agree and "
        "post it before elimination."
    ),
    needs=("journal_lines", "accounts", "fx_rates"),
    params={"tolerance": Money("0.00", "accepted difference per pair, reporting currency")},
    run=run,
)
