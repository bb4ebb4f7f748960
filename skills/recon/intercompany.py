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

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill
from skills.recon.intercompany_pairs import pairs, translate, unmatched_entries

BEGINNING = date(1900, 1, 1)


def run(ctx):
    found = pairs(ctx, "intercompany_receivable", "intercompany_payable", BEGINNING)
    tolerance = ctx.params["tolerance"]
    findings, rows = [], []
    for recipient, pair in found.items():
        receivable = translate(ctx, pair.provider_functional, pair.provider_currency, "closing")
        payable = translate(ctx, -pair.recipient_functional, pair.recipient_currency, "closing")
        if receivable is None or payable is None:
            missing = pair.provider_currency if receivable is None else pair.recipient_currency
            findings.append(Finding(
                "high", f"No closing rate {missing}->{ctx.pack.reporting_currency} for "
                f"{ctx.month}: the {ctx.entity.id}/{recipient} balances cannot be compared; load "
                f"the rate.", None, [f"entities:{recipient}"]))
            continue
        receivable, payable = cents(receivable), cents(payable)
        diff = receivable - payable
        rows.append({"recipient": recipient, "receivable": receivable, "payable": payable,
                     "difference": diff, "receivable_functional": cents(pair.provider_functional),
                     "payable_functional": cents(-pair.recipient_functional)})
        if abs(diff) <= tolerance:
            continue
        refs = unmatched_entries(pair, 1, -1, ctx.month.first_day)
        findings.append(Finding(
            "high" if abs(diff) >= ctx.materiality else "medium",
            f"{ctx.entity.id} shows {receivable} {ctx.pack.reporting_currency} receivable from "
            f"{recipient}, which shows {payable} payable to {ctx.entity.id} (closing rate, "
            f"{ctx.month}): {diff} to agree and post before elimination.",
            diff, refs or [f"entities:{recipient}"]))
    metrics = {"pairs": rows, "pairs_checked": len(rows),
               "total_difference": cents(sum((r["difference"] for r in rows), ZERO))}
    summary = (f"{len(rows)} intercompany pair(s) with {ctx.entity.id} as provider; "
               f"{len(findings)} not agreeing.")
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
