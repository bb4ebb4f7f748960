"""Deferred revenue: the deferred balance and the month's recognition, vs the contracts.

Revenue recognised early or late is the misstatement auditors look for first. Each
contract of deferred_revenue.csv is recognised straight-line by whole months from its
start month through its end month, rounded to the entity currency's minor unit
(straight_line.py). Many systems post the month's recognition as one system entry that
names no contract, so the check is per deferred-revenue account, balance first
(schedule_tie.py): the closing GL balance (credit positive) against the unrecognised
part of the contracts, and the month's movement on the account against the schedule's
(new contracts in, recognition out). Both tie: pass. Otherwise the difference is
itemised by the evidence there is (doc_ref `deferred_revenue:<id>`, the contract id in
the description, the exact amount), with the month an older difference arose.

The rollforward (opening + new contracts - recognised = closing) is in the metrics.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Money, Skill
from skills.recon.schedule_tie import booked_items, natural_lines, nothing_to_reconcile, tie_accounts
from skills.recon.straight_line import straight_line_item

CONTRACTS = """
SELECT contract_id, customer_id, account_id, start_date, end_date, amount
FROM deferred_revenue
WHERE entity_id = $entity_id
ORDER BY contract_id
"""

LINES = """
SELECT j.je_id, j.line_no, j.account_id, j.posting_date, j.doc_ref, j.description,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT account_id FROM deferred_revenue WHERE entity_id = $entity_id)
ORDER BY j.posting_date, j.je_id, j.line_no
"""


def item(ctx, r, booked_from=None):
    return straight_line_item(f"deferred_revenue:{r['contract_id']}", r["contract_id"],
                              f"Contract {r['contract_id']} ({r['customer_id']})", r["account_id"],
                              r["start_date"], r["end_date"], r["amount"], ctx.currency, booked_from)


def advice(item, amount, money):
    """amount: what the account lacks for the contract, credit positive."""
    if amount < 0:
        return f"recognise {money(-amount)} (Dr {item.account_id}, Cr revenue)."
    return (f"credit {item.account_id} with {money(amount)} (revenue recognised early, or the "
            f"contract's invoice not booked to deferred revenue).")


def run(ctx):
    rows = ctx.rows(CONTRACTS)
    if not any(r["start_date"] <= ctx.month.last_day for r in rows):
        return nothing_to_reconcile(ctx, "contracts", "deferred_revenue")
    sign = {r["account_id"]: -1 for r in rows}
    lines = natural_lines(ctx.rows(LINES), sign)
    contracts = booked_items(rows, lines, lambda r, booked_from: item(ctx, r, booked_from))
    findings, accounts, ties = tie_accounts(
        ctx, contracts, lines, {a: "deferred-revenue account" for a in sign}, advice, noun="contract")
    cur, month = ctx.currency, ctx.month
    recognised = sum((-c.moves(month)[1] for c in contracts), ZERO)   # each one's release
    new = sum((c.moves(month)[0] for c in contracts), ZERO)
    opening = sum((t.s_open for t in ties), ZERO)
    closing = sum((t.s_close for t in ties), ZERO)
    gl = sum((t.gl_close for t in ties), ZERO)
    gl_move = sum((t.gl_close - t.gl_open for t in ties), ZERO)
    metrics = {"items": sum(1 for r in rows if r["start_date"] <= month.last_day),
               "new_this_month": cents(new, cur), "release_expected": cents(recognised, cur),
               "movement_gl": cents(gl_move, cur), "movement_schedule": cents(closing - opening, cur),
               "schedule_balance": cents(closing, cur), "gl_balance": cents(gl, cur),
               "difference": cents(gl - closing, cur), "accounts": accounts,
               "lines": [
                   {"line": "Opening deferred revenue", "amount": cents(opening, cur)},
                   {"line": "New contracts", "amount": cents(new, cur)},
                   {"line": "Recognised in the month", "amount": cents(recognised, cur)},
                   {"line": "Closing deferred revenue", "amount": cents(closing, cur)}]}
    summary = (f"Deferred revenue: balance {metrics['gl_balance']} vs {metrics['schedule_balance']} "
               f"{cur} scheduled; the month moved it {metrics['movement_gl']} vs "
               f"{metrics['movement_schedule']} ({metrics['release_expected']} to recognise).")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.deferred_revenue",
    title="Deferred revenue",
    description=(
        "Rolls deferred revenue forward (opening + new contracts - recognised = closing) from "
        "deferred_revenue.csv, recognising each contract straight-line by whole months from "
        "its start month through its end month (rounded to the currency's minor unit, the "
        "last month taking the rest). Per deferred-revenue account it ties the closing GL "
        "balance to the unrecognised schedule balance and the month's movement to the "
        "schedule's; both tie: pass, with or without doc_ref. Otherwise one finding per "
        "contract the evidence names (doc_ref deferred_revenue:<id>, the id in the "
        "description, the exact amount) and one per account for what entries naming no "
        "contract leave unexplained (candidate contracts named), plus a difference carried "
        "from earlier months with the month it arose."
    ),
    needs=("deferred_revenue", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
