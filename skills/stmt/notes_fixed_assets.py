"""Fixed-asset note: cost and accumulated depreciation movements by asset class.

Statutory accounts carry a note that rolls each class of fixed assets from the start of
the fiscal year to the period end: opening cost, additions, disposals, closing cost, and
the same for accumulated depreciation, with net book value. It is computed from the
fixed-asset register with the depreciation schedule the recon skills use, and shown
beside the GL balances of the cost and accumulated-depreciation accounts.
"""
from datetime import timedelta

from close.money import ZERO, cents
from close.periods import month_of
from close.skill import Skill
from close.statements import fiscal_year_start
from skills.recon.depreciation import register

GL = """
SELECT j.account_id, CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS balance
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
GROUP BY j.account_id
ORDER BY j.account_id
"""

FIELDS = ("cost_opening", "additions", "disposals_cost", "cost_closing", "depreciation_opening",
          "depreciation_charge", "depreciation_disposals", "depreciation_closing",
          "nbv_opening", "nbv_closing")


def run(ctx):
    assets = register(ctx)
    if not assets:
        return ctx.skip("the entity has no assets in fixed_assets.csv")
    cur = ctx.currency
    fy = fiscal_year_start(ctx.month, ctx.pack.fiscal_year_start_month)
    open_day, close_day = fy - timedelta(days=1), ctx.month.last_day
    open_month = month_of(open_day)
    months = []
    m = month_of(fy)
    while m <= ctx.month:
        months.append(m)
        m = m.shift(1)
    classes: dict[str, dict] = {}
    for a in assets:
        c = classes.setdefault(a.asset_class, {k: ZERO for k in FIELDS} | {"assets": 0})
        if a.in_books(open_day):
            c["cost_opening"] += a.cost
            c["depreciation_opening"] += a.accumulated(open_month)
        if fy <= a.in_service_date <= close_day:
            c["additions"] += a.cost
        c["depreciation_charge"] += sum((a.charge(mm) for mm in months), ZERO)
        if a.disposal_date is not None and fy <= a.disposal_date <= close_day and a.in_service_date <= a.disposal_date:
            c["disposals_cost"] += a.cost
            c["depreciation_disposals"] += a.accumulated(month_of(a.disposal_date))
        if a.in_books(close_day):
            c["cost_closing"] += a.cost
            c["depreciation_closing"] += a.accumulated(ctx.month)
            c["assets"] += 1
    rows = []
    for name in sorted(classes):
        c = classes[name]
        c["nbv_opening"] = c["cost_opening"] - c["depreciation_opening"]
        c["nbv_closing"] = c["cost_closing"] - c["depreciation_closing"]
        rows.append({"asset_class": name, "assets_in_service": c["assets"]}
                    | {k: cents(c[k], cur) for k in FIELDS})
    totals = {k: sum((r[k] for r in rows), ZERO) for k in FIELDS}
    gl = {r["account_id"]: r["balance"] for r in ctx.rows(GL)}
    gl_cost = sum((gl.get(acc, ZERO) for acc in sorted({a.cost_account_id for a in assets})), ZERO)
    gl_accum = -sum((gl.get(acc, ZERO) for acc in sorted({a.accum_account_id for a in assets})), ZERO)
    metrics = {"from": fy, "to": close_day, "classes": rows, "totals": totals,
               "lines": [{"line": r["asset_class"], "amount": r["nbv_closing"],
                          "prior": r["nbv_opening"]} for r in rows],
               "gl_cost": cents(gl_cost, cur), "gl_accumulated_depreciation": cents(gl_accum, cur),
               "gl_cost_difference": cents(gl_cost - totals["cost_closing"], cur),
               "gl_depreciation_difference": cents(gl_accum - totals["depreciation_closing"], cur),
               "currency": cur}
    summary = (f"{len(rows)} asset classes: cost {totals['cost_opening']} + additions "
               f"{totals['additions']} - disposals {totals['disposals_cost']} = "
               f"{totals['cost_closing']} {cur}; net book value {totals['nbv_closing']}.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="stmt.notes_fixed_assets",
    title="Fixed-asset note",
    description=(
        "The fixed-asset note for the fiscal year to date, by asset class, from the "
        "fixed-asset register: opening cost, additions, disposals, closing cost; opening "
        "accumulated depreciation, the charge (straight-line from the month after in "
        "service), disposals, closing; net book value at both dates. Shown beside the GL "
        "balances of the cost and accumulated-depreciation accounts (differences are "
        "recon.fixed_asset_rollforward's findings). Reports only."
    ),
    needs=("fixed_assets", "journal_lines"),
    run=run,
)
