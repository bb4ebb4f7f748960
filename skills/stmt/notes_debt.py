"""Debt note: what is owed, and when it falls due.

Lenders, auditors and the balance sheet's current / non-current split all need the
maturity of borrowings: principal due within one year, in one to two years, two to five,
and after five. Each loan's level-payment schedule is computed from its terms (the same
schedule recon.loans checks the GL against) in the entity's currency: every payment,
interest and principal figure is rounded to that currency's minor unit (whole yen for
JPY), so the buckets add up to the balance the books hold. Leases, when the pack has
them, are shown the same way.
"""

from close.money import ZERO, cents
from close.skill import Skill
from skills.recon.amortising import balance_at, lease_schedule, loan_schedule

LOANS = """
SELECT loan_id, account_id, principal, annual_rate, start_date, term_months
FROM loans
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY loan_id
"""

LEASES = """
SELECT lease_id, liability_account_id, start_date, term_months, monthly_payment, discount_rate
FROM leases
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY lease_id
"""

GL = """
SELECT CAST(COALESCE(SUM(j.credit - j.debit), 0) AS DECIMAL(18,2)) AS balance
FROM journal_lines j
JOIN accounts a ON a.account_id = j.account_id
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end AND a.subtype = $subtype
"""

BUCKETS = (("within_1_year", 1, 12), ("1_to_2_years", 13, 24), ("2_to_5_years", 25, 60),
           ("after_5_years", 61, 10**6))


def maturities(rows, month) -> dict:
    """Principal of the payments after `month`, by how many months ahead they fall."""
    out = {name: ZERO for name, _, _ in BUCKETS}
    for row in rows:
        ahead = (row.month.year - month.year) * 12 + (row.month.month - month.month)
        for name, lo, hi in BUCKETS:
            if lo <= ahead <= hi:
                out[name] += row.principal
    return out


def instrument(kind, ref, rows, opening, start, month, annual_rate, cur) -> dict:
    due = maturities(rows, month)
    return {"instrument": ref, "kind": kind, "annual_rate": annual_rate,
            "balance": cents(balance_at(rows, opening, start, month), cur),
            "final_payment": str(rows[-1].month) if rows else None}\
        | {k: cents(v, cur) for k, v in due.items()}


def run(ctx):
    cur = ctx.currency
    present = [t for t in ("loans", "leases") if ctx.has_table(t)]
    if not present:
        return ctx.skip("needs loans.csv or leases.csv: the pack has neither")
    items = []
    for loan in (ctx.rows(LOANS) if ctx.has_table("loans") else ()):
        _, rows = loan_schedule(loan, cur)
        items.append(instrument("loan", f"loans:{loan['loan_id']}", rows, loan["principal"],
                                loan["start_date"], ctx.month, loan["annual_rate"], cur))
    if ctx.has_table("leases"):
        for lease in ctx.rows(LEASES):
            opening, rows = lease_schedule(lease, cur)
            items.append(instrument("lease", f"leases:{lease['lease_id']}", rows, opening,
                                    lease["start_date"], ctx.month, lease["discount_rate"], cur))
    if not items:
        absent = [f"{t}.csv" for t in ("loans", "leases") if t not in present]
        return ctx.skip(f"the entity has no {' or '.join(present)}"
                        + (f" ({', '.join(absent)} absent from the pack)" if absent else ""))
    keys = ("balance",) + tuple(name for name, _, _ in BUCKETS)
    totals = {k: cents(sum((i[k] for i in items), ZERO), cur) for k in keys}
    gl_debt = ctx.rows(GL, subtype="debt")[0]["balance"]
    gl_lease = ctx.rows(GL, subtype="lease_liability")[0]["balance"]
    metrics = {"instruments": items, "totals": totals,
               "lines": [{"line": name.replace("_", " "), "amount": totals[name]}
                         for name, _, _ in BUCKETS],
               "current_portion": totals["within_1_year"],
               "non_current_portion": cents(totals["balance"] - totals["within_1_year"], cur),
               "gl_debt": cents(gl_debt, cur), "gl_lease_liabilities": cents(gl_lease, cur),
               "currency": cur}
    summary = (f"{len(items)} borrowings: {totals['balance']} {cur} outstanding, "
               f"{totals['within_1_year']} due within a year.")
    return ctx.result([], metrics, summary)


SKILL = Skill(
    id="stmt.notes_debt",
    title="Debt maturity note",
    description=(
        "The debt note from the loan schedules (and lease schedules when leases.csv is "
        "present), computed in the entity's currency to its minor unit: per instrument "
        "the balance after this month's payment and the principal falling due within one "
        "year, in one to two years, two to five years and after five, with totals, the current / non-current split and the GL balances of debt "
        "and lease-liability accounts beside them. Schedules as recon.loans and "
        "recon.leases compute them. Reports only."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
