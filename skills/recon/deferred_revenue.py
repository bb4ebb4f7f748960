"""Deferred revenue: revenue recognised per contract and the deferred balance, vs the GL.

Revenue recognised early or late is the misstatement auditors look for first. Each
contract of deferred_revenue.csv is recognised straight-line by whole months from its
start month through its end month (straight_line.py). Checks (schedule_tie.py):

- per contract, the month's revenue booked (revenue-account lines whose doc_ref is
  `deferred_revenue:<contract_id>`, credit positive) equals the schedule's release;
- per deferred-revenue account, the GL balance (credit positive) equals the unrecognised
  part of the contracts started by the month end; what this month's recognition
  differences do not explain is a finding on the account.

The rollforward (opening + new contracts - recognised = closing) is in the metrics.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Money, Skill
from skills.recon.schedule_tie import Item, booked_by_ref, gl_balances, nothing_to_reconcile, tie
from skills.recon.straight_line import released_through

CONTRACTS = """
SELECT contract_id, customer_id, account_id, start_date, end_date, amount
FROM deferred_revenue
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY contract_id
"""

RECOGNISED = """
SELECT j.je_id, j.line_no, j.doc_ref, CAST(j.credit - j.debit AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND a.type = 'revenue' AND j.doc_ref LIKE 'deferred_revenue:%'
  AND j.posting_date BETWEEN $month_start AND $month_end
ORDER BY j.je_id, j.line_no
"""


def run(ctx):
    rows = ctx.rows(CONTRACTS)
    if not rows:
        return nothing_to_reconcile(ctx, "contracts", "deferred_revenue")
    items = [Item(f"deferred_revenue:{r['contract_id']}",
                  f"Contract {r['contract_id']} ({r['customer_id']})", r["account_id"],
                  r["start_date"], r["end_date"], r["amount"]) for r in rows]
    gl = gl_balances(ctx, "deferred_revenue", "credit")

    def how_to_post(item, amount):
        return (f"recognise {cents(amount)} (Dr {item.account_id}, Cr revenue)."
                if amount > 0 else f"reverse {cents(-amount)} of revenue recognised early.")

    metrics, findings = tie(ctx, items, booked_by_ref(ctx.rows(RECOGNISED)), gl, how_to_post)
    opening = sum((i.amount - released_through(i.amount, i.start_date, i.end_date, ctx.month.prev)
                   for i in items if i.start_date < ctx.month.first_day), ZERO)
    metrics["lines"] = [
        {"line": "Opening deferred revenue", "amount": cents(opening)},
        {"line": "New contracts", "amount": metrics["new_this_month"]},
        {"line": "Recognised in the month", "amount": metrics["release_expected"]},
        {"line": "Closing deferred revenue", "amount": metrics["schedule_balance"]},
    ]
    summary = (f"Deferred revenue: {metrics['release_booked']} recognised vs "
               f"{metrics['release_expected']} scheduled; balance {metrics['gl_balance']} vs "
               f"{metrics['schedule_balance']} {ctx.currency}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.deferred_revenue",
    title="Deferred revenue",
    description=(
        "Rolls deferred revenue forward (opening + new contracts - recognised = closing) from "
        "deferred_revenue.csv, recognising each contract straight-line by whole months from "
        "its start month through its end month, and compares the revenue booked per contract "
        "(revenue lines whose doc_ref is deferred_revenue:<id>) and each deferred-revenue "
        "account's balance with the schedule. Findings per contract recognised wrongly "
        "(post the difference) and per account whose difference the month does not explain."
    ),
    needs=("deferred_revenue", "journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
