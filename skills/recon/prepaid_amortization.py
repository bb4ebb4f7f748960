"""Prepaid expenses: the month's amortisation and the prepaid balance, against the schedule.

A prepaid that is not amortised leaves expense out of the month and an asset on the
balance sheet that has been used up. The schedule comes from prepaids.csv alone
(straight_line.py: whole months from the start month through the end month, cents
rounded, the last month taking the rest). Two checks:

- per prepaid, the month's amortisation booked (expense-account lines whose doc_ref is
  `prepaids:<prepaid_id>`) equals the schedule's release;
- per prepaid account, the GL balance at month end equals the unamortised schedule
  balance (prepaids that started by the month end, less everything released through
  it). Whatever this month's amortisation differences do not explain is a finding on
  the account.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.straight_line import release, released_through

SCHEDULE = """
SELECT prepaid_id, vendor_id, account_id, expense_account_id, start_date, end_date, amount
FROM prepaids
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY prepaid_id
"""

BOOKED = """
SELECT j.je_id, j.doc_ref, CAST(j.debit - j.credit AS DECIMAL(18,2)) AS amount
FROM journal_lines j
JOIN prepaids p ON j.doc_ref = 'prepaids:' || p.prepaid_id AND j.account_id = p.expense_account_id
WHERE j.entity_id = $entity_id AND p.entity_id = $entity_id
  AND j.posting_date BETWEEN $month_start AND $month_end
ORDER BY j.je_id, j.line_no
"""

GL_BALANCES = """
SELECT j.account_id, CAST(SUM(j.debit - j.credit) AS DECIMAL(18,2)) AS balance
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT account_id FROM prepaids WHERE entity_id = $entity_id)
GROUP BY j.account_id
ORDER BY j.account_id
"""


def run(ctx):
    schedule = ctx.rows(SCHEDULE)
    if not schedule:
        return ctx.skip("the entity has no prepaids in prepaids.csv")
    booked, entries = {}, {}
    for line in ctx.rows(BOOKED):
        booked[line["doc_ref"]] = booked.get(line["doc_ref"], ZERO) + line["amount"]
        entries.setdefault(line["doc_ref"], set()).add(f"journal_lines:{line['je_id']}")
    gl = {r["account_id"]: r["balance"] for r in ctx.rows(GL_BALANCES)}
    threshold = ctx.param("threshold")
    findings = []
    expected_total = booked_total = ZERO
    balance_by_account: dict[str, object] = {}
    explained: dict[str, object] = {}
    for p in schedule:
        ref = f"prepaids:{p['prepaid_id']}"
        due = release(p["amount"], p["start_date"], p["end_date"], ctx.month)
        got = booked.get(ref, ZERO)
        expected_total += due
        booked_total += got
        remaining = p["amount"] - released_through(p["amount"], p["start_date"], p["end_date"], ctx.month)
        balance_by_account[p["account_id"]] = balance_by_account.get(p["account_id"], ZERO) + remaining
        if got != due:
            explained[p["account_id"]] = explained.get(p["account_id"], ZERO) + (due - got)
            findings.append(Finding(
                "high" if abs(due - got) >= threshold else "medium",
                f"Prepaid {p['prepaid_id']}: amortisation for {ctx.month} should be {cents(due)} "
                f"to {p['expense_account_id']}, {cents(got)} was booked: post "
                f"{cents(due - got)} (Dr {p['expense_account_id']}, Cr {p['account_id']}).",
                due - got, [ref, *sorted(entries.get(ref, ()))]))
    accounts = []
    for account in sorted(balance_by_account):
        difference = gl.get(account, ZERO) - balance_by_account[account]
        residual = difference - explained.get(account, ZERO)
        accounts.append({"account_id": account, "schedule_balance": cents(balance_by_account[account]),
                         "gl_balance": cents(gl.get(account, ZERO)), "difference": cents(difference)})
        if residual != ZERO:
            findings.append(Finding(
                "high" if abs(residual) >= threshold else "medium",
                f"Prepaid account {account} holds {cents(gl.get(account, ZERO))} at "
                f"{ctx.month.last_day}; the schedule leaves {cents(balance_by_account[account])} "
                f"unamortised: {cents(residual)} is not explained by this month's "
                f"amortisation. Find the entry or the missing prepaid.",
                residual, [f"accounts:{account}"]))
    schedule_balance = sum(balance_by_account.values(), ZERO)
    gl_balance = sum((gl.get(a, ZERO) for a in balance_by_account), ZERO)
    metrics = {"prepaids": len(schedule), "amortisation_expected": cents(expected_total),
               "amortisation_booked": cents(booked_total),
               "schedule_balance": cents(schedule_balance), "gl_balance": cents(gl_balance),
               "difference": cents(gl_balance - schedule_balance), "accounts": accounts}
    summary = (f"Prepaids: amortisation {metrics['amortisation_booked']} booked vs "
               f"{metrics['amortisation_expected']} scheduled; balance {metrics['gl_balance']} vs "
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
