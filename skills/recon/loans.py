"""Loans: principal and interest per the amortisation schedule, against the GL.

Debt is confirmed by the lender, so a GL balance that drifts from the schedule is found
at the audit, and misbooked interest misstates profit. Each loan's level-payment
schedule is computed from its terms (amortising.py). Per loan:

- the balance left after this month's payment equals the loan's lines on its debt
  account (doc_ref `loans:<loan_id>`, credit positive, cumulative to month end);
- the month's interest equals its lines on the interest account (doc_ref
  `loans:<loan_id>`, debit positive).

Lines on a debt account that name no loan of the schedule are findings too.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.amortising import balance_at, level_payment, period_of, schedule

LOANS = """
SELECT loan_id, account_id, interest_account_id, principal, annual_rate, start_date, term_months
FROM loans
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY loan_id
"""

LINES = """
SELECT j.je_id, j.account_id, j.doc_ref, j.posting_date,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND (j.account_id IN (SELECT account_id FROM loans WHERE entity_id = $entity_id)
       OR (j.account_id IN (SELECT interest_account_id FROM loans WHERE entity_id = $entity_id)
           AND j.doc_ref LIKE 'loans:%'))
ORDER BY j.je_id, j.line_no
"""


def run(ctx):
    loans = ctx.rows(LOANS)
    if not loans:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no loans in loans.csv.")
    debt_accounts = {l["account_id"] for l in loans}
    interest_accounts = {l["interest_account_id"] for l in loans}
    refs = {f"loans:{l['loan_id']}" for l in loans}
    balance, interest, entries, stray = {}, {}, {}, {}
    for line in ctx.rows(LINES):
        ref, entry = line["doc_ref"], f"journal_lines:{line['je_id']}"
        if line["account_id"] in debt_accounts:
            if ref in refs:
                balance[ref] = balance.get(ref, ZERO) - line["debit_positive"]
                entries.setdefault(ref, set()).add(entry)
            else:
                stray[entry] = stray.get(entry, ZERO) - line["debit_positive"]
        if (line["account_id"] in interest_accounts and ref in refs
                and line["posting_date"] >= ctx.month.first_day):
            interest[ref] = interest.get(ref, ZERO) + line["debit_positive"]
            entries.setdefault(ref, set()).add(entry)

    threshold = ctx.param("threshold")
    findings, rows_out = [], []
    totals = {"schedule_balance": ZERO, "gl_balance": ZERO, "interest_expected": ZERO,
              "interest_booked": ZERO, "principal_repaid": ZERO}
    for loan in loans:
        ref = f"loans:{loan['loan_id']}"
        payment = level_payment(loan["principal"], loan["annual_rate"], loan["term_months"])
        rows = schedule(loan["start_date"], loan["principal"], loan["annual_rate"],
                        loan["term_months"], payment)
        want_balance = balance_at(rows, loan["principal"], loan["start_date"], ctx.month)
        this = period_of(rows, ctx.month)
        want_interest = this.interest if this else ZERO
        got_balance, got_interest = balance.get(ref, ZERO), interest.get(ref, ZERO)
        totals["schedule_balance"] += want_balance
        totals["gl_balance"] += got_balance
        totals["interest_expected"] += want_interest
        totals["interest_booked"] += got_interest
        totals["principal_repaid"] += this.principal if this else ZERO
        rows_out.append({"loan_id": loan["loan_id"], "payment": payment,
                         "schedule_balance": cents(want_balance), "gl_balance": cents(got_balance),
                         "interest_expected": cents(want_interest), "interest_booked": cents(got_interest)})
        loan_refs = [ref, *sorted(entries.get(ref, ()))]
        if got_balance != want_balance:
            diff = got_balance - want_balance
            findings.append(Finding(
                "high" if abs(diff) >= threshold else "medium",
                f"Loan {loan['loan_id']}: the schedule leaves {cents(want_balance)} owed after "
                f"{ctx.month}'s payment, account {loan['account_id']} holds {cents(got_balance)} "
                f"for it: post the {cents(abs(diff))} of principal that is "
                f"{'missing' if diff > 0 else 'over-booked'}.",
                diff, loan_refs))
        if got_interest != want_interest:
            diff = got_interest - want_interest
            findings.append(Finding(
                "high" if abs(diff) >= threshold else "medium",
                f"Loan {loan['loan_id']}: interest for {ctx.month} is {cents(want_interest)} "
                f"({loan['annual_rate'].normalize():f} a year on {cents(this.opening if this else ZERO)}), "
                f"{cents(got_interest)} was booked to {loan['interest_account_id']}: correct it by "
                f"{cents(-diff)}.",
                diff, loan_refs))
    for entry, amount in sorted(stray.items()):
        if amount != ZERO:
            findings.append(Finding(
                "high" if abs(amount) >= threshold else "medium",
                f"{entry} moves a loan account by {cents(amount)} without naming a loan of the "
                f"schedule: add the loan or reclassify the entry.", amount, [entry]))
    metrics = {k: cents(v) for k, v in totals.items()}
    metrics["difference"] = cents(totals["gl_balance"] - totals["schedule_balance"])
    metrics["loans"] = rows_out
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
        "last payment clearing the balance, first payment in the month after the start) and "
        "ties the balance after this month's payment to the loan's lines on its debt account "
        "and the month's interest to its lines on the interest account (doc_ref loans:<id>). "
        "Findings per loan with the difference to post, and per debt-account entry naming no "
        "loan."
    ),
    needs=("loans", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
