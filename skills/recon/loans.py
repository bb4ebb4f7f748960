"""Loans: principal and interest per the amortisation schedule, against the GL.

Debt is confirmed by the lender, so a GL balance that drifts from the schedule is found
at the audit, and misbooked interest misstates profit. Each loan's level-payment
schedule is computed from its terms (amortising.py). Two ties:

- each debt account's balance at month end equals what the schedule leaves owed on the
  loans booked to it; when it does not, the difference is split (account_tie.py) into
  the opening difference, each loan's movement this month against its schedule, and
  entries that name no loan;
- each loan's interest for the month equals the lines on its interest account that name
  it (doc_ref `loans:<loan_id>`, or the loan id in the description).
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.account_tie import Expected, Namer, account_metrics, findings_for, tie_accounts
from skills.recon.amortising import balance_at, level_payment, period_of, schedule

LOANS = """
SELECT loan_id, account_id, interest_account_id, principal, annual_rate, start_date, term_months
FROM loans
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY loan_id
"""

DEBT_LINES = """
SELECT j.je_id, j.account_id, j.posting_date, j.doc_ref, j.description,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT account_id FROM loans WHERE entity_id = $entity_id)
ORDER BY j.je_id, j.line_no
"""

INTEREST_LINES = """
SELECT j.je_id, j.account_id, j.doc_ref, j.description,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND j.account_id IN (SELECT interest_account_id FROM loans WHERE entity_id = $entity_id)
ORDER BY j.je_id, j.line_no
"""


def run(ctx):
    loans = ctx.rows(LOANS)
    if not loans:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no loans in loans.csv.")
    items, periods = [], {}
    for loan in loans:
        payment = level_payment(loan["principal"], loan["annual_rate"], loan["term_months"])
        rows = schedule(loan["start_date"], loan["principal"], loan["annual_rate"],
                        loan["term_months"], payment)
        ref = f"loans:{loan['loan_id']}"
        items.append(Expected(
            ref, loan["loan_id"], f"Loan {loan['loan_id']}", loan["account_id"],
            balance_at(rows, loan["principal"], loan["start_date"], ctx.month.prev),
            balance_at(rows, loan["principal"], loan["start_date"], ctx.month)))
        periods[ref] = (loan, payment, period_of(rows, ctx.month))
    sign = {loan["account_id"]: -1 for loan in loans}
    ties = tie_accounts(ctx, items, ctx.rows(DEBT_LINES), sign)
    threshold = ctx.param("threshold")
    findings = findings_for(ctx, ties, items, "loan", threshold)

    name = Namer(items)
    interest, entries = {}, {}
    for line in ctx.rows(INTEREST_LINES):
        ref = name(line["doc_ref"], line["description"])
        if ref is None or periods[ref][0]["interest_account_id"] != line["account_id"]:
            continue
        interest[ref] = interest.get(ref, ZERO) + line["debit_positive"]
        entries.setdefault(ref, set()).add(f"journal_lines:{line['je_id']}")
    per_loan = []
    interest_expected = interest_booked = ZERO
    for item in items:
        loan, payment, this = periods[item.ref]
        want = this.interest if this else ZERO
        got = interest.get(item.ref, ZERO)
        interest_expected += want
        interest_booked += got
        per_loan.append({"loan_id": loan["loan_id"], "payment": payment,
                         "schedule_balance": cents(item.closing),
                         "interest_expected": cents(want), "interest_booked": cents(got)})
        if got != want:
            findings.append(Finding(
                "high" if abs(got - want) >= threshold else "medium",
                f"Loan {loan['loan_id']}: interest for {ctx.month} is {cents(want)} "
                f"({loan['annual_rate'].normalize():f} a year on {cents(this.opening if this else ZERO)}), "
                f"{cents(got)} was booked to {loan['interest_account_id']}: correct it by "
                f"{cents(want - got)}.",
                got - want, [item.ref, *sorted(entries.get(item.ref, ()))]))
    schedule_total = sum((i.closing for i in items), ZERO)
    gl_total = sum((t.gl_closing for t in ties.values()), ZERO)
    metrics = {"schedule_balance": cents(schedule_total), "gl_balance": cents(gl_total),
               "difference": cents(gl_total - schedule_total),
               "interest_expected": cents(interest_expected), "interest_booked": cents(interest_booked),
               "loans": per_loan, "accounts": account_metrics(ties)}
    summary = (f"{len(loans)} loan(s): balance {metrics['gl_balance']} vs schedule "
               f"{metrics['schedule_balance']}, interest {metrics['interest_booked']} vs "
               f"{metrics['interest_expected']} {ctx.currency}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.loans",
    title="Loans",
    description=(
        "Computes each loan's level-payment schedule from loans.csv (monthly rate = annual / "
        "12, payment P·r/(1-(1+r)^-n), interest on the balance, each rounded to the cent, the "
        "last payment clearing the balance, payment k in the k-th month after the start) and "
        "ties each debt account's balance to what the schedule leaves owed, splitting any "
        "difference into the opening difference, each loan's movement this month and "
        "entries naming no loan; and each loan's interest for the month to the interest-"
        "account lines naming it (doc_ref loans:<id> or the id in the description)."
    ),
    needs=("loans", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
