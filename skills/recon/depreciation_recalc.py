"""Depreciation recalculation: the month's charge recomputed from the register, vs booked.

A wrong useful life, a missed asset or a charge that runs past the end of an asset's life
misstates profit quietly, month after month. The charge is recomputed from the register
alone (depreciation.py: straight-line (cost - salvage) / life from the month after
in_service_date, rounded to the entity currency's minor unit, the last month taking the
remainder, nothing from the disposal month on).

What was booked is read where every system books it: the month's lines on the
register's accumulated-depreciation accounts (credit positive), leaving out entries that
also post to a cost account (disposals, reclassifications) and lines whose doc_ref names
another schedule (a lease's right-of-use depreciation, `leases:<id>`). Many systems post
one line per asset class with no doc_ref, so the comparison is per accumulated-
depreciation account, itemised by the evidence there is (schedule_evidence.py: doc_ref
`fixed_assets:<id>`, the asset id in the description, an amount equal to one asset's
charge). Where lines name assets, each asset is compared on its own, so a charge booked
to the wrong asset is found even when the account's total is right; where they do not,
an account whose total differs is one finding naming the candidate assets.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import Finding, Money, Skill
from skills.recon.depreciation import register
from skills.recon.schedule_evidence import Item, parts_of_month

BOOKED = """
SELECT j.je_id, j.line_no, j.account_id, j.posting_date, j.doc_ref, j.description,
       CAST(j.credit - j.debit AS DECIMAL(18,2)) AS amount
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND j.account_id IN (SELECT accum_account_id FROM fixed_assets WHERE entity_id = $entity_id)
  AND (j.doc_ref IS NULL OR j.doc_ref LIKE 'fixed_assets:%')
  AND j.je_id NOT IN (
      SELECT c.je_id FROM journal_lines c
      WHERE c.entity_id = $entity_id AND c.posting_date BETWEEN $month_start AND $month_end
        AND c.account_id IN (SELECT cost_account_id FROM fixed_assets WHERE entity_id = $entity_id))
ORDER BY j.posting_date, j.je_id, j.line_no
"""


def _none(month):
    return ZERO


def run(ctx):
    assets = register(ctx)
    if not assets:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no fixed assets in fixed_assets.csv.")
    month, cur = ctx.month, ctx.currency
    items = [Item(a.ref, a.asset_id, f"Asset {a.asset_id} ({a.asset_class})", a.accum_account_id,
                  _none, lambda m, a=a: (a.charge(m), ZERO)) for a in assets]
    lines = ctx.rows(BOOKED)
    tolerance = ctx.params["tolerance"]
    findings, accounts = [], []
    for account in sorted({a.accum_account_id for a in assets}):
        mine = [i for i in items if i.account_id == account]
        booked = sum((l["amount"] for l in lines if l["account_id"] == account), ZERO)
        expected = sum((i.moves(month)[0] for i in mine), ZERO)
        accounts.append({"account_id": account, "expected": cents(expected, cur),
                         "booked": cents(booked, cur), "difference": cents(booked - expected, cur)})
        parts = parts_of_month(account, mine, [l for l in lines if l["account_id"] == account], month)
        for part in parts:
            if abs(part.amount) <= tolerance:
                continue
            findings.append(_finding(ctx, part, booked, expected))
    expected_total = sum((r["expected"] for r in accounts), ZERO)
    booked_total = sum((r["booked"] for r in accounts), ZERO)
    metrics = {
        "assets": len(assets),
        "assets_depreciating": sum(1 for a in assets if a.charge(month) != ZERO),
        "expected": cents(expected_total, cur),
        "booked": cents(booked_total, cur),
        "difference": cents(booked_total - expected_total, cur),
        "assets_with_difference": sum(1 for f in findings if f.refs[0].startswith("fixed_assets:")),
        "accounts": accounts,
    }
    summary = (f"Depreciation for {month}: recomputed {metrics['expected']}, booked "
               f"{metrics['booked']} {cur}.")
    return ctx.result(findings, metrics, summary)


def _finding(ctx, part, booked, expected) -> Finding:
    month, cur = ctx.month, ctx.currency

    def money(x):
        return f"{cents(x, cur)} {cur}"

    if part.item is not None:
        asset = part.item
        if part.got == ZERO:
            what = "no depreciation was booked for it"
        elif part.want == ZERO:
            what = (f"{money(part.got)} was booked, where none is due (before its first month, "
                    f"past its life or disposed)")
        else:
            what = f"{money(part.got)} was booked"
        return Finding("medium",
                       f"{asset.label}: depreciation for {month} should be {money(part.want)} but "
                       f"{what}; post the difference of {money(part.want - part.got)} "
                       f"(accumulated depreciation {asset.account_id}).",
                       cents(part.amount, cur), [asset.ref, f"accounts:{asset.account_id}", *part.entries])
    text = (f"Depreciation booked to {part.account_id} in {month} is {money(booked)}, the register's "
            f"charge for its assets {money(expected)}: the lines that name no asset hold "
            f"{money(abs(part.loose))}, {money(abs(part.amount))} {'more' if part.amount > 0 else 'less'} "
            f"than the charges of the assets no line names.")
    if part.candidates:
        likely = ", ".join(f"{c.key} ({money(c.moves(month)[0])})" for c in part.candidates)
        text += f" Likely: {likely}."
    text += " Post the missing charge or reverse the excess."
    return Finding("medium", text, cents(part.amount, cur),
                   [f"accounts:{part.account_id}", *(c.ref for c in part.candidates), *part.entries])


SKILL = Skill(
    id="recon.depreciation_recalc",
    title="Depreciation recalculation",
    description=(
        "Recomputes each asset's depreciation for the month from the register (straight-line "
        "(cost - salvage) / useful_life_months from the month after in_service_date, rounded "
        "to the currency's minor unit, the last month taking the remainder, none from the "
        "disposal month) and compares it, per accumulated-depreciation account, with the "
        "month's depreciation credited there (entries that also post to a cost account, i.e. "
        "disposals, and lines naming another schedule, e.g. leases:<id>, are left out). Lines "
        "that name an asset (doc_ref fixed_assets:<id>, the id in the description, or one "
        "asset's exact charge) are compared per asset: a finding per asset whose charge "
        "differs. Lines naming no asset (one line per class, no doc_ref) are compared in "
        "total: one finding per account that differs, naming the candidate assets."
    ),
    needs=("fixed_assets", "journal_lines"),
    params={"tolerance": Money("0.00", "differences up to this amount are accepted")},
    run=run,
)
