"""Fixed-asset rollforward: the register's movements for the month, tied to the GL.

Auditors test fixed assets through the rollforward: opening + additions - disposals =
closing, for cost and for accumulated depreciation, with the closing figures agreeing to
the GL. The register side comes from fixed_assets.csv alone (see depreciation.py for the
schedule rules); the GL side is the balance of each cost account (debit positive) and
accumulated-depreciation account (credit positive) named in the register.

Depreciation is often posted as one line per class and capex or disposals without
doc_ref, so each account is tied balance first (schedule_tie.py): the closing GL balance
against the register's, and the month's movement against the register's (additions and
depreciation in, disposals out). Both tie: pass. Otherwise the difference is itemised by
the evidence there is (doc_ref `fixed_assets:<id>`, the asset id in the description, an
amount equal to an asset's cost, charge or accumulated depreciation), and what was
already off at the start of the month is dated to the month it arose.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.depreciation import register
from skills.recon.schedule_evidence import Item
from skills.recon.schedule_tie import natural_lines, tie_accounts

GL_LINES = """
SELECT j.account_id, j.je_id, j.line_no, j.posting_date, j.doc_ref, j.description,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT cost_account_id FROM fixed_assets WHERE entity_id = $entity_id
                       UNION SELECT accum_account_id FROM fixed_assets WHERE entity_id = $entity_id)
ORDER BY j.posting_date, j.je_id, j.line_no
"""


def rollforward(assets, month):
    """Cost and accumulated depreciation: opening, additions, disposals, charge, closing."""
    start, end, prev = month.first_day, month.last_day, month.prev
    opening_day = prev.last_day
    cost = {"opening": ZERO, "additions": ZERO, "disposals": ZERO, "closing": ZERO}
    accum = {"opening": ZERO, "depreciation": ZERO, "disposals": ZERO, "closing": ZERO}
    for a in assets:
        if a.in_books(opening_day):
            cost["opening"] += a.cost
            accum["opening"] += a.accumulated(prev)
        if start <= a.in_service_date <= end:
            cost["additions"] += a.cost
        if a.disposal_date is not None and start <= a.disposal_date <= end:
            cost["disposals"] += a.cost
            accum["disposals"] += a.accumulated(prev)
        accum["depreciation"] += a.charge(month)
        if a.in_books(end):
            cost["closing"] += a.cost
            accum["closing"] += a.accumulated(month)
    return cost, accum


def items(assets) -> list[Item]:
    """Each asset twice: on its cost account (debit positive) and on its accumulated-
    depreciation account (credit positive), with the register's balances and movements."""
    out = []
    for a in assets:
        label = f"Asset {a.asset_id} ({a.asset_class})"
        out.append(Item(a.ref, a.asset_id, label, a.cost_account_id, a.cost_balance, a.cost_moves))
        out.append(Item(a.ref, a.asset_id, label, a.accum_account_id, a.accum_balance, a.accum_moves))
    return out


def run(ctx):
    assets = register(ctx)
    if not assets:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no fixed assets in fixed_assets.csv.")
    month, cur = ctx.month, ctx.currency
    cost, accum = rollforward(assets, month)
    cost_accounts = {a.cost_account_id for a in assets}
    accum_accounts = {a.accum_account_id for a in assets}
    sign = {acc: 1 for acc in cost_accounts}
    sign.update({acc: -1 for acc in accum_accounts})
    kinds = {acc: "cost account" if sign[acc] == 1 else "accumulated-depreciation account"
             for acc in sign}

    def advice(item, amount, money):
        """amount: what the account lacks for the asset, natural direction."""
        if sign[item.account_id] == 1:
            side = "debit" if amount > 0 else "credit"
            return f"{side} {item.account_id} with {money(abs(amount))} so it agrees with the register."
        if amount > 0:
            return f"post {money(amount)} (Dr depreciation expense, Cr {item.account_id})."
        return f"post {money(-amount)} (Dr {item.account_id}, Cr depreciation expense)."

    lines = natural_lines(ctx.rows(GL_LINES), sign)
    findings, accounts, ties = tie_accounts(ctx, items(assets), lines, kinds, advice,
                                            noun="asset", basis="register")
    for row in accounts:
        row["kind"] = "cost" if sign[row["account_id"]] == 1 else "accumulated depreciation"
    cost_gl = sum((t.gl_close for t in ties if t.account in cost_accounts), ZERO)
    accum_gl = sum((t.gl_close for t in ties if t.account in accum_accounts), ZERO)
    metrics = {
        "lines": [
            {"line": "Cost: opening", "amount": cents(cost["opening"], cur)},
            {"line": "Cost: additions", "amount": cents(cost["additions"], cur)},
            {"line": "Cost: disposals", "amount": cents(cost["disposals"], cur)},
            {"line": "Cost: closing", "amount": cents(cost["closing"], cur)},
            {"line": "Accumulated depreciation: opening", "amount": cents(accum["opening"], cur)},
            {"line": "Accumulated depreciation: charge", "amount": cents(accum["depreciation"], cur)},
            {"line": "Accumulated depreciation: disposals", "amount": cents(accum["disposals"], cur)},
            {"line": "Accumulated depreciation: closing", "amount": cents(accum["closing"], cur)},
        ],
        "cost_rollforward_difference": cents(
            cost["opening"] + cost["additions"] - cost["disposals"] - cost["closing"], cur),
        "accum_rollforward_difference": cents(
            accum["opening"] + accum["depreciation"] - accum["disposals"] - accum["closing"], cur),
        "cost_gl": cents(cost_gl, cur),
        "accum_gl": cents(accum_gl, cur),
        "cost_difference": cents(cost_gl - cost["closing"], cur),
        "accum_difference": cents(accum_gl - accum["closing"], cur),
        "net_book_value": cents(cost["closing"] - accum["closing"], cur),
        "accounts": accounts,
    }
    for key, label in (("cost_rollforward_difference", "cost"),
                       ("accum_rollforward_difference", "accumulated depreciation")):
        if metrics[key] != ZERO:
            findings.append(Finding("high", f"The register's {label} does not roll forward: "
                                    f"opening + movements - closing = {metrics[key]}; check "
                                    f"disposal and in-service dates.", metrics[key], []))
    summary = (f"Cost {metrics['lines'][3]['amount']} and accumulated depreciation "
               f"{metrics['lines'][7]['amount']} {cur}; GL differences "
               f"{metrics['cost_difference']} and {metrics['accum_difference']}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.fixed_asset_rollforward",
    title="Fixed-asset rollforward",
    description=(
        "Rolls the fixed-asset register forward for the month, for cost (opening + additions "
        "- disposals = closing) and accumulated depreciation (opening + charge - disposals = "
        "closing, straight-line from the month after in_service_date, rounded to the "
        "currency's minor unit), and ties each cost and accumulated-depreciation account: "
        "closing GL balance against the register's, and the month's movement against the "
        "register's; both tie: pass, with or without doc_ref. Otherwise one finding per asset "
        "the evidence names (doc_ref fixed_assets:<id>, the id in the description, an equal "
        "amount) and one per account for entries naming no asset (candidate assets named), "
        "plus a difference carried from earlier months with the month it arose."
    ),
    needs=("fixed_assets", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
