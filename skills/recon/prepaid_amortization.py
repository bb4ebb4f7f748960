"""Prepaid expenses: the prepaid balance and the month's amortisation, against the schedule.

A prepaid that is not amortised leaves expense out of the month and an asset on the
balance sheet that has been used up. The schedule comes from prepaids.csv alone
(straight_line.py: whole months from the start month through the end month, rounded to
the entity currency's minor unit, the last month taking the rest). Amortisation is
often one system entry for all prepaids, naming none, and several prepaids share an
expense account with ordinary spend, so the check is on each prepaid (balance-sheet)
account, balance first (schedule_tie.py): the closing GL balance against the
unamortised schedule, and the month's movement against the schedule's (new prepaids in,
amortisation out). Both tie: pass. Otherwise the difference is itemised by the evidence
there is (doc_ref `prepaids:<id>`, the id in the description, the exact amount), with
the month an older difference arose.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Money, Skill
from skills.recon.schedule_tie import booked_items, natural_lines, nothing_to_reconcile, tie_accounts
from skills.recon.straight_line import straight_line_item

SCHEDULE = """
SELECT prepaid_id, account_id, expense_account_id, start_date, end_date, amount
FROM prepaids
WHERE entity_id = $entity_id
ORDER BY prepaid_id
"""

LINES = """
SELECT j.je_id, j.line_no, j.account_id, j.posting_date, j.doc_ref, j.description,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT account_id FROM prepaids WHERE entity_id = $entity_id)
ORDER BY j.posting_date, j.je_id, j.line_no
"""


def item(ctx, r, booked_from=None):
    return straight_line_item(f"prepaids:{r['prepaid_id']}", r["prepaid_id"],
                              f"Prepaid {r['prepaid_id']}", r["account_id"], r["start_date"],
                              r["end_date"], r["amount"], ctx.currency, booked_from)


def run(ctx):
    rows = ctx.rows(SCHEDULE)
    if not any(r["start_date"] <= ctx.month.last_day for r in rows):
        return nothing_to_reconcile(ctx, "prepaids", "prepaids")
    expense = {f"prepaids:{r['prepaid_id']}": r["expense_account_id"] for r in rows}

    def advice(item, amount, money):
        """amount: what the prepaid account lacks for the item, debit positive."""
        if amount < 0:
            return f"post {money(-amount)} (Dr {expense[item.ref]}, Cr {item.account_id})."
        return (f"post {money(amount)} (Dr {item.account_id}, Cr {expense[item.ref]}): "
                f"amortised beyond the schedule, or the prepaid not booked to {item.account_id}.")

    sign = {r["account_id"]: 1 for r in rows}
    lines = natural_lines(ctx.rows(LINES), sign)
    prepaids = booked_items(rows, lines, lambda r, booked_from: item(ctx, r, booked_from))
    findings, accounts, ties = tie_accounts(ctx, prepaids, lines,
                                            {a: "prepaid account" for a in sign}, advice, noun="prepaid")
    cur, month = ctx.currency, ctx.month
    due = sum((-p.moves(month)[1] for p in prepaids), ZERO)   # each one's release
    opening = sum((t.s_open for t in ties), ZERO)
    closing = sum((t.s_close for t in ties), ZERO)
    gl = sum((t.gl_close for t in ties), ZERO)
    metrics = {"items": sum(1 for r in rows if r["start_date"] <= month.last_day),
               "new_this_month": cents(sum((p.moves(month)[0] for p in prepaids), ZERO), cur),
               "release_expected": cents(due, cur),
               "movement_gl": cents(sum((t.gl_close - t.gl_open for t in ties), ZERO), cur),
               "movement_schedule": cents(closing - opening, cur),
               "schedule_balance": cents(closing, cur), "gl_balance": cents(gl, cur),
               "difference": cents(gl - closing, cur), "accounts": accounts}
    summary = (f"Prepaids: balance {metrics['gl_balance']} vs {metrics['schedule_balance']} "
               f"{cur} scheduled; the month moved it {metrics['movement_gl']} vs "
               f"{metrics['movement_schedule']} ({metrics['release_expected']} to amortise).")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.prepaid_amortization",
    title="Prepaid amortisation",
    description=(
        "Recomputes each prepaid's amortisation (straight-line by whole months from the start "
        "month through the end month, rounded to the currency's minor unit, the last month "
        "taking the rest) and ties each prepaid account: closing GL balance against the "
        "unamortised schedule balance, and the month's movement against the schedule's; both "
        "tie: pass, with or without doc_ref. Otherwise one finding per prepaid the evidence "
        "names (doc_ref prepaids:<id>, the id in the description, the exact amount; post the "
        "difference) and one per account for what entries naming no prepaid leave "
        "unexplained (candidate prepaids named), plus a difference carried from earlier "
        "months with the month it arose."
    ),
    needs=("prepaids", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
