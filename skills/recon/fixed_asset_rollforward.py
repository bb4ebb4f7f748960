"""Fixed-asset rollforward: the register's movements for the month, tied to the GL.

Auditors test fixed assets through the rollforward: opening + additions - disposals =
closing, for cost and for accumulated depreciation, with the closing figures agreeing to
the GL. The register side comes from fixed_assets.csv alone (see depreciation.py for the
schedule rules); the GL side is the balance of each cost account (debit positive) and
accumulated-depreciation account (credit positive) named in the register.

Where an account does not tie, the difference is split: what was already off at the
start of the month (opening), and this month's movements per asset (the GL lines whose
doc_ref names the asset against the register's addition, disposal or depreciation),
plus lines on the account that name no asset of the register.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.depreciation import register

GL_LINES = """
SELECT j.account_id, j.je_id, j.line_no, j.posting_date, j.doc_ref,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT cost_account_id FROM fixed_assets WHERE entity_id = $entity_id
                       UNION SELECT accum_account_id FROM fixed_assets WHERE entity_id = $entity_id)
ORDER BY j.account_id, j.je_id, j.line_no
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


def expected_movements(assets, month) -> dict[tuple[str, str], tuple]:
    """(account, asset ref) -> (register movement this month in the account's direction, asset)."""
    start, end = month.first_day, month.last_day
    moves = {}
    for a in assets:
        cost_move = ZERO
        if start <= a.in_service_date <= end:
            cost_move += a.cost
        disposed = a.disposal_date is not None and start <= a.disposal_date <= end
        if disposed:
            cost_move -= a.cost
        accum_move = a.charge(month) - (a.accumulated(month.prev) if disposed else ZERO)
        for account, amount in ((a.cost_account_id, cost_move), (a.accum_account_id, accum_move)):
            key = (account, a.ref)
            prior = moves.get(key, (ZERO, a))[0]
            moves[key] = (prior + amount, a)
    return moves


def closing_by_account(assets, month) -> dict[str, object]:
    end = month.last_day
    closing = {}
    for a in assets:
        if a.in_books(end):
            closing[a.cost_account_id] = closing.get(a.cost_account_id, ZERO) + a.cost
            closing[a.accum_account_id] = closing.get(a.accum_account_id, ZERO) + a.accumulated(month)
    return closing


def run(ctx):
    assets = register(ctx)
    if not assets:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no fixed assets in fixed_assets.csv.")
    month = ctx.month
    cost, accum = rollforward(assets, month)
    cost_accounts = {a.cost_account_id for a in assets}
    accum_accounts = {a.accum_account_id for a in assets}
    sign = {acc: 1 for acc in cost_accounts}
    sign.update({acc: -1 for acc in accum_accounts})

    gl_closing, gl_opening = {}, {}
    gl_moves: dict[tuple[str, str], object] = {}
    entries: dict[tuple[str, str], set] = {}
    for line in ctx.rows(GL_LINES):
        account = line["account_id"]
        amount = sign[account] * line["debit_positive"]
        gl_closing[account] = gl_closing.get(account, ZERO) + amount
        if line["posting_date"] < month.first_day:
            gl_opening[account] = gl_opening.get(account, ZERO) + amount
            continue
        key = (account, line["doc_ref"] or f"journal_lines:{line['je_id']}")
        gl_moves[key] = gl_moves.get(key, ZERO) + amount
        entries.setdefault(key, set()).add(f"journal_lines:{line['je_id']}")

    expected = expected_movements(assets, month)
    register_closing = closing_by_account(assets, month)
    register_opening = closing_by_account(assets, month.prev)
    threshold = ctx.param("threshold")
    findings, accounts = [], []
    for account in sorted(sign):
        kind = "cost" if sign[account] == 1 else "accumulated depreciation"
        closing_diff = gl_closing.get(account, ZERO) - register_closing.get(account, ZERO)
        opening_diff = gl_opening.get(account, ZERO) - register_opening.get(account, ZERO)
        accounts.append({"account_id": account, "kind": kind,
                         "register_closing": cents(register_closing.get(account, ZERO)),
                         "gl_closing": cents(gl_closing.get(account, ZERO)),
                         "difference": cents(closing_diff)})
        if closing_diff == ZERO:
            continue
        if opening_diff != ZERO:
            findings.append(Finding(
                "high" if abs(opening_diff) >= threshold else "medium",
                f"{kind.capitalize()} account {account} already differed from the register by "
                f"{cents(opening_diff)} at {month.prev.last_day}: clear last month's difference.",
                opening_diff, [f"accounts:{account}"]))
        keys = {k for k in list(expected) + list(gl_moves) if k[0] == account}
        for key in sorted(keys, key=lambda k: k[1]):
            want, asset = expected.get(key, (ZERO, None))
            got = gl_moves.get(key, ZERO)
            if got == want:
                continue
            refs = sorted(entries.get(key, ()))
            if asset is not None:
                message = (f"{kind.capitalize()} of asset {asset.asset_id} moved {cents(got)} "
                           f"in GL {account} in {month}; the register says {cents(want)}: post "
                           f"the difference of {cents(got - want)}.")
                refs = [asset.ref, *refs]
            else:
                message = (f"{cents(got)} posted to {kind} account {account} in {month} names "
                           f"no asset of the register ({key[1]}): reclassify it or add the asset.")
            findings.append(Finding("high" if abs(got - want) >= threshold else "medium",
                                    message, got - want, refs))

    cost_gl = sum((gl_closing.get(a, ZERO) for a in cost_accounts), ZERO)
    accum_gl = sum((gl_closing.get(a, ZERO) for a in accum_accounts), ZERO)
    metrics = {
        "lines": [
            {"line": "Cost: opening", "amount": cents(cost["opening"])},
            {"line": "Cost: additions", "amount": cents(cost["additions"])},
            {"line": "Cost: disposals", "amount": cents(cost["disposals"])},
            {"line": "Cost: closing", "amount": cents(cost["closing"])},
            {"line": "Accumulated depreciation: opening", "amount": cents(accum["opening"])},
            {"line": "Accumulated depreciation: charge", "amount": cents(accum["depreciation"])},
            {"line": "Accumulated depreciation: disposals", "amount": cents(accum["disposals"])},
            {"line": "Accumulated depreciation: closing", "amount": cents(accum["closing"])},
        ],
        "cost_rollforward_difference": cents(
            cost["opening"] + cost["additions"] - cost["disposals"] - cost["closing"]),
        "accum_rollforward_difference": cents(
            accum["opening"] + accum["depreciation"] - accum["disposals"] - accum["closing"]),
        "cost_gl": cents(cost_gl),
        "accum_gl": cents(accum_gl),
        "cost_difference": cents(cost_gl - cost["closing"]),
        "accum_difference": cents(accum_gl - accum["closing"]),
        "net_book_value": cents(cost["closing"] - accum["closing"]),
        "accounts": accounts,
    }
    for key, label in (("cost_rollforward_difference", "cost"),
                       ("accum_rollforward_difference", "accumulated depreciation")):
        if metrics[key] != ZERO:
            findings.append(Finding("high", f"The register's {label} does not roll forward: "
                                    f"opening + movements - closing = {metrics[key]}; check "
                                    f"disposal and in-service dates.", metrics[key], []))
    summary = (f"Cost {metrics['lines'][3]['amount']} and accumulated depreciation "
               f"{metrics['lines'][7]['amount']} {ctx.currency}; GL differences "
               f"{metrics['cost_difference']} and {metrics['accum_difference']}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.fixed_asset_rollforward",
    title="Fixed-asset rollforward",
    description=(
        "Rolls the fixed-asset register forward for the month, for cost (opening + additions "
        "- disposals = closing) and accumulated depreciation (opening + charge - disposals = "
        "closing, straight-line from the month after in_service_date), and ties the closing "
        "figures to the GL balances of the register's cost and accumulated-depreciation "
        "accounts. An account that does not tie is explained by its opening difference and "
        "by this month's movements per asset (GL lines whose doc_ref is fixed_assets:<id> "
        "against the register) and lines that name no asset; post the differences."
    ),
    needs=("fixed_assets", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
