"""Payroll register against the GL: expense, liabilities and what is still unremitted.

Payroll is most companies' largest cost and is posted from a summary, so the register
and the GL drift apart quietly (a department missed, a benefit posted twice), and
withholdings that are posted but never paid over are a personal liability for directors
in many countries. For the month:

- register arithmetic: each employee's net pay = gross pay - employee withholding;
- payroll expense (accounts of subtype payroll_expense, the month's activity) equals
  gross pay + employer taxes + benefits of the register;
- the month's payroll postings (the entries with payroll expense) credit the payroll
  liability accounts and cash together with employee withholding + employer taxes +
  benefits + net pay. Together, because systems differ: some pay the net at once from
  cash, others credit net wages payable (a payroll liability) and pay it in a separate
  entry; both are right. Where cash does take the net pay directly, it must be the
  register's net;
- the payroll liability balance at month end holds nothing older than this month's
  payroll: whatever exceeds the month's liabilities was not remitted.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill

REGISTER = """
SELECT employee_id, department, gross_pay, employer_taxes, benefits, employee_withholding, net_pay
FROM payroll
WHERE entity_id = $entity_id AND period = $period
ORDER BY employee_id
"""

GL = """
WITH postings AS (
  SELECT DISTINCT j.je_id
  FROM journal_lines j
  JOIN accounts a ON a.account_id = j.account_id
  WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
    AND a.subtype = 'payroll_expense'
)
SELECT
  CAST(COALESCE(SUM(CASE WHEN a.subtype = 'payroll_expense' AND j.posting_date >= $month_start
                         THEN j.debit - j.credit END), 0) AS DECIMAL(18,2)) AS expense,
  CAST(COALESCE(SUM(CASE WHEN a.subtype = 'payroll_liability' AND p.je_id IS NOT NULL
                         THEN j.credit - j.debit END), 0) AS DECIMAL(18,2)) AS accrued,
  CAST(COALESCE(SUM(CASE WHEN a.subtype = 'cash' AND p.je_id IS NOT NULL
                         THEN j.credit - j.debit END), 0) AS DECIMAL(18,2)) AS net_paid,
  CAST(COALESCE(SUM(CASE WHEN a.subtype = 'payroll_liability'
                         THEN j.credit - j.debit END), 0) AS DECIMAL(18,2)) AS liability
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
LEFT JOIN postings p ON p.je_id = j.je_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND a.subtype IN ('payroll_expense', 'payroll_liability', 'cash')
"""

ENTRIES = """
SELECT DISTINCT j.je_id
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date BETWEEN $month_start AND $month_end
  AND a.subtype = 'payroll_expense'
ORDER BY j.je_id
"""

LIABILITY_ACCOUNTS = """
SELECT account_id FROM accounts WHERE subtype = 'payroll_liability' ORDER BY account_id
"""


def liability_accounts(ctx) -> list[str]:
    return [r["account_id"] for r in ctx.rows(LIABILITY_ACCOUNTS)]


def run(ctx):
    rows = ctx.rows(REGISTER)
    gl = ctx.rows(GL)[0]
    if not rows and gl["expense"] == ZERO:
        return ctx.result([], {"employees": 0}, f"No payroll for {ctx.entity.id} in {ctx.month}.")
    threshold = ctx.param("threshold")
    cur = ctx.currency
    total = {k: sum((r[k] for r in rows), ZERO) for k in
             ("gross_pay", "employer_taxes", "benefits", "employee_withholding", "net_pay")}
    cost = total["gross_pay"] + total["employer_taxes"] + total["benefits"]
    owed = total["employee_withholding"] + total["employer_taxes"] + total["benefits"]
    entries = [f"journal_lines:{r['je_id']}" for r in ctx.rows(ENTRIES)]
    findings = []

    def severity(amount):
        return "high" if abs(amount) >= threshold else "medium"

    for r in rows:
        diff = r["net_pay"] - (r["gross_pay"] - r["employee_withholding"])
        if diff != ZERO:
            findings.append(Finding(
                severity(diff),
                f"Employee {r['employee_id']}, {ctx.month}: net pay {r['net_pay']} is not gross "
                f"{r['gross_pay']} less withholding {r['employee_withholding']} (off by "
                f"{cents(diff, cur)}): correct the payslip before the payment file goes out.",
                diff, [f"payroll:{ctx.month}/{r['employee_id']}"]))
    checks = (
        ("payroll expense", gl["expense"], cost,
         "gross pay + employer taxes + benefits of the register"),
        ("payroll liabilities accrued by the payroll entries", gl["accrued"], owed,
         "withholding + employer taxes + benefits of the register"),
        ("net pay paid by the payroll entries", gl["net_paid"], total["net_pay"],
         "net pay of the register"),
    )
    if gl["net_paid"] == ZERO:
        # Net pay credited to a payroll liability (net wages payable), paid separately.
        checks = (checks[0], ("payroll liabilities and cash credited by the payroll entries",
                              gl["accrued"], owed + total["net_pay"],
                              "withholding + employer taxes + benefits + net pay of the register"))
    for label, booked, expected, basis in checks:
        diff = booked - expected
        if diff != ZERO:
            findings.append(Finding(
                severity(diff),
                f"{label.capitalize()} for {ctx.month} is {cents(booked, cur)} in the GL, the register "
                f"gives {cents(expected, cur)} ({basis}): post the {cents(-diff, cur)} difference.",
                diff, entries))
    unremitted = gl["liability"] - gl["accrued"]
    if unremitted > ZERO:
        findings.append(Finding(
            severity(unremitted),
            f"Payroll liabilities at {ctx.month.last_day} are {cents(gl['liability'], cur)}, "
            f"{cents(unremitted, cur)} more than this month's payroll accrued: taxes, withholdings or "
            f"benefits of earlier months were not remitted. Pay them over and book the payment.",
            unremitted, [f"accounts:{a}" for a in liability_accounts(ctx)]))
    metrics = {"employees": len(rows), **{k: cents(v, cur) for k, v in total.items()},
               "register_cost": cents(cost, cur), "gl_expense": cents(gl["expense"], cur),
               "register_liabilities": cents(owed, cur), "gl_accrued": cents(gl["accrued"], cur),
               "gl_net_paid": cents(gl["net_paid"], cur), "gl_liability_balance": cents(gl["liability"], cur)}
    summary = (f"{len(rows)} employee(s): register cost {metrics['register_cost']} vs GL expense "
               f"{metrics['gl_expense']} {ctx.currency}; liabilities {metrics['gl_liability_balance']}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.payroll",
    title="Payroll register to GL",
    description=(
        "For the month: net = gross - withholding per employee; payroll expense (subtype "
        "payroll_expense) equals the register's gross + employer taxes + benefits; the payroll "
        "entries credit payroll liabilities with withholding + employer taxes + benefits and "
        "cash with the net pay (or a payroll liability with it, net wages paid separately); "
        "and the payroll liability balance holds nothing older than "
        "this month (unremitted taxes are a finding). Findings carry the difference to post "
        "and the month's payroll entries (or the employee, payroll:<period>/<employee_id>)."
    ),
    needs=("payroll", "journal_lines", "accounts"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
