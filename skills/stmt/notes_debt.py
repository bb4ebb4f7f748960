"""Debt note: what is owed, and when it falls due; and the lease note.

Lenders, auditors and the balance sheet's current / non-current split all need the
maturity of borrowings: principal due within one year, in one to two years, two to five,
and after five. Each loan's level-payment schedule is computed from its terms (the same
schedule recon.loans checks the GL against) in the entity's currency: every payment,
interest and principal figure is rounded to that currency's minor unit (whole yen for
JPY), so the buckets add up to the balance the books hold. Leases, when the pack has
them, are shown the same way, and in a lease note of their own: per lease the
right-of-use asset (at the start, depreciated straight-line as recon.leases computes it)
and the liability with its interest and payments for the year to date.

`due_within_a_year` is the within-one-year principal per liability account: what
stmt.balance_sheet and the group's balance sheet show as the current portion.
"""

from decimal import Decimal

from close.money import ZERO, cents
from close.periods import month_of
from close.skill import Skill
from close.statements import fiscal_year_start
from skills.lib.aging import bucket_of
from skills.recon.amortising import balance_at, lease_schedule, loan_schedule, straight_line_carrying

LOANS = """
SELECT loan_id, account_id, principal, annual_rate, start_date, term_months
FROM loans
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY loan_id
"""

LEASES = """
SELECT lease_id, rou_account_id, liability_account_id, start_date, term_months,
       monthly_payment, discount_rate
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

# (name, first month ahead, last month ahead), None open-ended: skills.lib.aging's shape.
BUCKETS = (("within_1_year", 1, 12), ("1_to_2_years", 13, 24), ("2_to_5_years", 25, 60),
           ("after_5_years", 61, None))
LEASE_FIELDS = ("rou_opening", "rou_additions", "rou_depreciation", "rou_closing",
                "liability", "within_1_year", "after_1_year", "interest_ytd", "payments_ytd")


def maturities(rows, month) -> dict:
    """Principal of the payments after `month`, by how many months ahead they fall."""
    out = {name: ZERO for name, _, _ in BUCKETS}
    for row in rows:
        ahead = (row.month.year - month.year) * 12 + (row.month.month - month.month)
        if ahead >= 1:
            out[bucket_of(ahead, BUCKETS)] += row.principal
    return out


def schedules(ctx, month, entity_id: str | None = None, currency: str | None = None) -> list:
    """(kind, terms, opening amount, schedule) of each loan and lease started by `month`'s
    end, in the entity's currency: the context's entity, or `entity_id` (a group skill)."""
    cur = currency or ctx.currency
    params = {"month_end": month.last_day}
    if entity_id is not None:
        params["entity_id"] = entity_id
    out = []
    if ctx.has_table("loans"):
        for loan in ctx.shared_rows(LOANS, **params):
            out.append(("loan", loan, loan["principal"], loan_schedule(loan, cur)[1]))
    if ctx.has_table("leases"):
        for lease in ctx.shared_rows(LEASES, **params):
            opening, rows = lease_schedule(lease, cur)
            out.append(("lease", lease, opening, rows))
    return out


def due_within_a_year(ctx, month, entity_id: str | None = None,
                      currency: str | None = None) -> dict[str, Decimal]:
    """Liability account id -> principal of its loans and leases falling due in the twelve
    months after `month`: the current portion the balance sheet shows."""
    out: dict[str, Decimal] = {}
    for kind, terms, _, rows in schedules(ctx, month, entity_id, currency):
        account = terms["account_id"] if kind == "loan" else terms["liability_account_id"]
        out[account] = out.get(account, ZERO) + maturities(rows, month)["within_1_year"]
    return out


def instrument(kind, ref, rows, opening, start, month, annual_rate, cur) -> dict:
    due = maturities(rows, month)
    return {"instrument": ref, "kind": kind, "annual_rate": annual_rate,
            "balance": cents(balance_at(rows, opening, start, month), cur),
            "final_payment": str(rows[-1].month) if rows else None}\
        | {k: cents(v, cur) for k, v in due.items()}


def lease_note(ctx, lease: dict, opening, rows, cur) -> dict:
    """One lease for the lease note: the right-of-use asset from the start of the fiscal
    year to the month end, the liability and its split, interest and payments this year."""
    fy = fiscal_year_start(ctx.month, ctx.pack.fiscal_year_start_month)
    year_open = month_of(fy).prev
    start, term = lease["start_date"], lease["term_months"]
    rou_open = straight_line_carrying(opening, start, term, year_open, currency=cur)
    rou_close = straight_line_carrying(opening, start, term, ctx.month, currency=cur)
    added = opening if fy <= start <= ctx.month.last_day else ZERO
    liability = balance_at(rows, opening, start, ctx.month)
    within = maturities(rows, ctx.month)["within_1_year"]
    this_year = [r for r in rows if year_open < r.month <= ctx.month]
    figures = {"rou_opening": rou_open, "rou_additions": added,
               "rou_depreciation": rou_open + added - rou_close, "rou_closing": rou_close,
               "liability": liability, "within_1_year": within, "after_1_year": liability - within,
               "interest_ytd": sum((r.interest for r in this_year), ZERO),
               "payments_ytd": sum((r.payment for r in this_year), ZERO)}
    return {"lease": f"leases:{lease['lease_id']}", "start_date": start, "term_months": term,
            "monthly_payment": cents(lease["monthly_payment"], cur),
            "discount_rate": lease["discount_rate"]} | {k: cents(v, cur) for k, v in figures.items()}


def run(ctx):
    cur = ctx.currency
    present = [t for t in ("loans", "leases") if ctx.has_table(t)]
    if not present:
        return ctx.skip("needs loans.csv or leases.csv: the pack has neither")
    items, leases = [], []
    for kind, terms, opening, rows in schedules(ctx, ctx.month):
        key = "loan_id" if kind == "loan" else "lease_id"
        rate = terms["annual_rate"] if kind == "loan" else terms["discount_rate"]
        items.append(instrument(kind, f"{kind}s:{terms[key]}", rows, opening, terms["start_date"],
                                ctx.month, rate, cur))
        if kind == "lease":
            leases.append(lease_note(ctx, terms, opening, rows, cur))
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
    if leases:
        gl_rou = -ctx.rows(GL, subtype="rou_asset")[0]["balance"]
        metrics["leases"] = {
            "from": fiscal_year_start(ctx.month, ctx.pack.fiscal_year_start_month),
            "to": ctx.month.last_day, "leases": leases,
            "totals": {k: cents(sum((ls[k] for ls in leases), ZERO), cur) for k in LEASE_FIELDS},
            "gl_rou_assets": cents(gl_rou, cur)}
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
        "year, in one to two years, two to five years and after five, with totals, the "
        "current / non-current split and the GL balances of debt and lease-liability "
        "accounts beside them. With leases, metrics.leases is the lease note: per lease "
        "the right-of-use asset for the fiscal year to date (opening, additions, "
        "depreciation, closing), the liability due within and after one year, interest "
        "and payments, with the GL right-of-use balance. Schedules as recon.loans and "
        "recon.leases compute them. Reports only."
    ),
    needs=("journal_lines", "accounts"),
    run=run,
)
