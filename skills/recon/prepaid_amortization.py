"""Prepaid expenses: the month's amortisation and the prepaid balance, against the schedule.

A prepaid that is not amortised leaves expense out of the month and an asset on the
balance sheet that has been used up. The schedule comes from prepaids.csv alone
(straight_line.py: whole months from the start month through the end month, cents
rounded, the last month taking the rest). Two checks (schedule_tie.py):

- per prepaid, the month's amortisation booked (expense-account lines whose doc_ref is
  `prepaids:<prepaid_id>`) equals the schedule's release;
- per prepaid account, the GL balance at month end equals the unamortised schedule
  balance (prepaids started by the month end, less everything released through it);
  whatever this month's amortisation differences do not explain is a finding on the
  account.
"""
from __future__ import annotations

from close.money import cents
from close.skill import MATERIALITY, Money, Skill
from skills.recon.schedule_tie import Item, booked_by_ref, gl_balances, nothing_to_reconcile, tie

SCHEDULE = """
SELECT prepaid_id, account_id, expense_account_id, start_date, end_date, amount
FROM prepaids
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY prepaid_id
"""

BOOKED = """
SELECT j.je_id, j.line_no, j.doc_ref, CAST(j.debit - j.credit AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN prepaids p ON j.doc_ref = 'prepaids:' || p.prepaid_id AND j.account_id = p.expense_account_id
WHERE j.entity_id = $entity_id AND p.entity_id = $entity_id
  AND j.posting_date BETWEEN $month_start AND $month_end
ORDER BY j.je_id, j.line_no
"""


def run(ctx):
    rows = ctx.rows(SCHEDULE)
    if not rows:
        return nothing_to_reconcile(ctx, "prepaids", "prepaids")
    expense = {f"prepaids:{r['prepaid_id']}": r["expense_account_id"] for r in rows}
    items = [Item(f"prepaids:{r['prepaid_id']}", f"Prepaid {r['prepaid_id']}", r["account_id"],
                  r["start_date"], r["end_date"], r["amount"]) for r in rows]
    gl = gl_balances(ctx, "prepaids", "debit")

    def how_to_post(item, amount):
        return (f"post {cents(amount)} (Dr {expense[item.ref]}, Cr {item.account_id}).")

    metrics, findings = tie(ctx, items, booked_by_ref(ctx.rows(BOOKED)), gl, how_to_post)
    summary = (f"Prepaids: amortisation {metrics['release_booked']} booked vs "
               f"{metrics['release_expected']} scheduled; balance {metrics['gl_balance']} vs "
               f"{metrics['schedule_balance']} {ctx.currency}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.prepaid_amortization",
    title="Prepaid amortisation",
    description=(
        "Recomputes each prepaid's amortisation for the month (straight-line by whole months "
        "from the start month through the end month, the last month taking the rest) and "
        "compares it with the expense-account lines whose doc_ref is prepaids:<id>; ties "
        "each prepaid account's GL balance to the unamortised schedule balance. Findings per "
        "prepaid with wrong or missing amortisation (post the difference) and per account "
        "whose balance difference the month's amortisation does not explain."
    ),
    needs=("prepaids", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
