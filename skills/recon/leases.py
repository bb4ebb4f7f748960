"""Leases: right-of-use asset and lease liability per the lease schedule, against the GL.

Under IFRS 16 / ASC 842 a lease is on the balance sheet twice, as an asset and as a
liability, and both move every month by amounts only a schedule can give. Each lease's
schedule is computed from its terms (amortising.py): the liability starts at the present
value of the payments at discount_rate / 12 and accrues interest monthly, each payment
in arrears reducing it; the right-of-use asset starts at the same amount and is
depreciated straight-line over the term from the month after the start. Per lease, the
carrying amounts at month end must equal its lines (doc_ref `leases:<lease_id>`) on its
ROU account (debit positive) and liability account (credit positive). Lines on those
accounts that name no lease are findings too.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.amortising import balance_at, present_value, schedule, straight_line_carrying

LEASES = """
SELECT lease_id, rou_account_id, liability_account_id, start_date, term_months,
       monthly_payment, discount_rate
FROM leases
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY lease_id
"""

LINES = """
SELECT j.je_id, j.account_id, j.doc_ref, CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT rou_account_id FROM leases WHERE entity_id = $entity_id
                       UNION SELECT liability_account_id FROM leases WHERE entity_id = $entity_id)
ORDER BY j.je_id, j.line_no
"""


def carrying_amounts(lease: dict, month) -> tuple:
    """(initial liability, ROU carrying amount, liability) at the end of `month`."""
    initial = present_value(lease["monthly_payment"], lease["discount_rate"], lease["term_months"])
    rows = schedule(lease["start_date"], initial, lease["discount_rate"], lease["term_months"],
                    lease["monthly_payment"])
    liability = balance_at(rows, initial, lease["start_date"], month)
    rou = straight_line_carrying(initial, lease["start_date"], lease["term_months"], month)
    return initial, rou, liability


def run(ctx):
    leases = ctx.rows(LEASES)
    if not leases:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no leases in leases.csv.")
    rou_accounts = {l["rou_account_id"] for l in leases}
    refs = {f"leases:{l['lease_id']}" for l in leases}
    posted, entries, stray = {}, {}, {}
    for line in ctx.rows(LINES):
        ref, entry = line["doc_ref"], f"journal_lines:{line['je_id']}"
        side = "rou" if line["account_id"] in rou_accounts else "liability"
        amount = line["debit_positive"] if side == "rou" else -line["debit_positive"]
        if ref in refs:
            posted[(ref, side)] = posted.get((ref, side), ZERO) + amount
            entries.setdefault(ref, set()).add(entry)
        else:
            stray[entry] = stray.get(entry, ZERO) + amount

    threshold = ctx.param("threshold")
    findings, per_lease = [], []
    totals = {"rou_schedule": ZERO, "rou_gl": ZERO, "liability_schedule": ZERO, "liability_gl": ZERO}
    for lease in leases:
        ref = f"leases:{lease['lease_id']}"
        initial, rou, liability = carrying_amounts(lease, ctx.month)
        got_rou, got_liability = posted.get((ref, "rou"), ZERO), posted.get((ref, "liability"), ZERO)
        totals["rou_schedule"] += rou
        totals["rou_gl"] += got_rou
        totals["liability_schedule"] += liability
        totals["liability_gl"] += got_liability
        per_lease.append({"lease_id": lease["lease_id"], "initial_liability": initial,
                          "rou_schedule": cents(rou), "rou_gl": cents(got_rou),
                          "liability_schedule": cents(liability), "liability_gl": cents(got_liability)})
        for label, account, want, got in (
                ("right-of-use asset", lease["rou_account_id"], rou, got_rou),
                ("lease liability", lease["liability_account_id"], liability, got_liability)):
            if got == want:
                continue
            findings.append(Finding(
                "high" if abs(got - want) >= threshold else "medium",
                f"Lease {lease['lease_id']}: the {label} should be {cents(want)} at "
                f"{ctx.month.last_day}, account {account} holds {cents(got)} for it: post "
                f"{cents(want - got)} to bring it to the schedule.",
                got - want, [ref, *sorted(entries.get(ref, ()))]))
    for entry, amount in sorted(stray.items()):
        if amount != ZERO:
            findings.append(Finding(
                "high" if abs(amount) >= threshold else "medium",
                f"{entry} moves a lease account by {cents(amount)} without naming a lease of the "
                f"schedule: add the lease or reclassify the entry.", amount, [entry]))
    metrics = {k: cents(v) for k, v in totals.items()}
    metrics["rou_difference"] = cents(totals["rou_gl"] - totals["rou_schedule"])
    metrics["liability_difference"] = cents(totals["liability_gl"] - totals["liability_schedule"])
    metrics["leases"] = per_lease
    summary = (f"{len(leases)} lease(s): ROU {metrics['rou_gl']} vs {metrics['rou_schedule']}, "
               f"liability {metrics['liability_gl']} vs {metrics['liability_schedule']} {ctx.currency}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.leases",
    title="Leases",
    description=(
        "Computes each lease's schedule from leases.csv (liability at start = present value "
        "of the monthly payments at discount_rate/12, interest monthly on the liability, "
        "payments in arrears, the last clearing it; right-of-use asset depreciated "
        "straight-line over the term from the month after the start) and ties the month-end "
        "ROU asset and lease liability to each lease's lines (doc_ref leases:<id>) on its "
        "accounts. Findings per lease and account with the amount to post, and per entry on "
        "a lease account naming no lease."
    ),
    needs=("leases", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
