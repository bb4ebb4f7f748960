"""Depreciation recalculation: each asset's charge for the month, recomputed and compared.

A wrong useful life, a missed asset or a charge that runs past the end of an asset's life
misstates profit quietly, month after month. The charge is recomputed from the register
alone (depreciation.py: straight-line (cost - salvage) / life from the month after
in_service_date, cents rounded half away from zero, the last month taking the remainder,
nothing from the disposal month on) and compared with what was booked: the month's
depreciation-expense lines whose doc_ref is `fixed_assets:<asset_id>`. Depreciation
expense lines that name no document, or an asset the register lacks, are listed too: they
cannot be checked. (Lines naming another schedule, such as a lease's right-of-use
depreciation, `leases:<id>`, belong to that schedule's reconciliation.)
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill
from skills.recon.depreciation import register

BOOKED = """
SELECT j.je_id, j.line_no, j.doc_ref, CAST(j.debit - j.credit AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.subtype = 'depreciation_expense'
  AND j.posting_date BETWEEN $month_start AND $month_end
ORDER BY j.je_id, j.line_no
"""


def run(ctx):
    assets = register(ctx)
    if not assets:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no fixed assets in fixed_assets.csv.")
    by_ref = {a.ref: a for a in assets}
    booked, entries, unattributed = {}, {}, {}
    for line in ctx.rows(BOOKED):
        ref = line["doc_ref"]
        entry = f"journal_lines:{line['je_id']}"
        if ref in by_ref:
            booked[ref] = booked.get(ref, ZERO) + line["amount"]
            entries.setdefault(ref, set()).add(entry)
        elif ref is None or ref.startswith("fixed_assets:"):
            unattributed[entry] = unattributed.get(entry, ZERO) + line["amount"]

    tolerance = ctx.params["tolerance"]
    findings, expected_total, booked_total = [], ZERO, ZERO
    for asset in assets:
        expected = asset.charge(ctx.month)
        got = booked.get(asset.ref, ZERO)
        expected_total += expected
        booked_total += got
        if abs(got - expected) <= tolerance:
            continue
        if got == ZERO:
            what = "no depreciation was booked"
        elif expected == ZERO:
            what = "none is due (before its first month, past its life or disposed)"
        else:
            what = f"{cents(got)} was booked"
        findings.append(Finding(
            "medium",
            f"Asset {asset.asset_id} ({asset.asset_class}): depreciation for {ctx.month} "
            f"should be {cents(expected)} but {what}; post the difference of "
            f"{cents(expected - got)}.",
            expected - got, [asset.ref, *sorted(entries.get(asset.ref, ()))]))
    for entry, amount in sorted(unattributed.items()):
        if amount == ZERO:
            continue
        booked_total += amount
        findings.append(Finding(
            "medium",
            f"{cents(amount)} of depreciation expense in {ctx.month} names no asset of the "
            f"register: give it the asset's doc_ref or reverse it.",
            amount, [entry]))
    metrics = {
        "assets": len(assets),
        "assets_depreciating": sum(1 for a in assets if a.charge(ctx.month) != ZERO),
        "expected": cents(expected_total),
        "booked": cents(booked_total),
        "difference": cents(booked_total - expected_total),
        "assets_with_difference": sum(1 for f in findings if f.refs[0].startswith("fixed_assets:")),
    }
    summary = (f"Depreciation for {ctx.month}: recomputed {metrics['expected']}, booked "
               f"{metrics['booked']} {ctx.currency}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.depreciation_recalc",
    title="Depreciation recalculation",
    description=(
        "Recomputes each asset's depreciation for the month from the register (straight-line "
        "(cost - salvage) / useful_life_months from the month after in_service_date, rounded "
        "to the cent, the last month taking the remainder, none from the disposal month) and "
        "compares it with the month's depreciation-expense lines whose doc_ref is "
        "fixed_assets:<asset_id>. A finding per asset whose booked charge differs (refs: the "
        "asset and its entries), and per entry of depreciation expense naming no document or "
        "an unknown asset (lines naming another schedule, e.g. leases:<id>, are left to it)."
    ),
    needs=("fixed_assets", "journal_lines", "accounts"),
    params={"tolerance": Money("0.00", "differences up to this amount per asset are accepted")},
    run=run,
)
