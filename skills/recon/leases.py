"""Leases: right-of-use asset and lease liability per the lease schedule, against the GL.

Under IFRS 16 / ASC 842 a lease is on the balance sheet twice, as an asset and as a
liability, and both move every month by amounts only a schedule can give. Each lease's
schedule is computed from its terms (amortising.py): the liability starts at the present
value of the payments at discount_rate / 12 (rounded once) and accrues interest monthly
on its balance, each payment in arrears reducing it, the last month clearing it to zero
(whether the last payment or the last interest absorbs the rounding, the balances are the
same); the right-of-use asset starts at the same amount and is depreciated straight-line
over the term from the month after the start. Each ROU account (debit positive) and
liability account (credit positive) must hold the schedule's balances of the leases on
it; a difference is split (account_tie.py) into the opening difference, each lease's
movement this month (lines naming it by doc_ref `leases:<lease_id>` or in the
description) and entries that name no lease.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Money, Skill
from skills.recon.account_tie import Expected, account_metrics, findings_for, tie_accounts
from skills.recon.amortising import balance_at, present_value, schedule, straight_line_carrying

LEASES = """
SELECT lease_id, rou_account_id, liability_account_id, start_date, term_months,
       monthly_payment, discount_rate
FROM leases
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY lease_id
"""

LINES = """
SELECT j.je_id, j.account_id, j.posting_date, j.doc_ref, j.description,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
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
    items, sign, per_lease = [], {}, []
    for lease in leases:
        ref, key = f"leases:{lease['lease_id']}", lease["lease_id"]
        initial, rou_open, liability_open = carrying_amounts(lease, ctx.month.prev)
        _, rou, liability = carrying_amounts(lease, ctx.month)
        items.append(Expected(ref, key, f"Lease {key} right-of-use asset", lease["rou_account_id"],
                              rou_open, rou))
        items.append(Expected(ref, key, f"Lease {key} liability", lease["liability_account_id"],
                              liability_open, liability))
        sign[lease["rou_account_id"]] = 1
        sign[lease["liability_account_id"]] = -1
        per_lease.append({"lease_id": key, "initial_liability": initial,
                          "rou_schedule": cents(rou), "liability_schedule": cents(liability)})
    ties = tie_accounts(ctx, items, ctx.rows(LINES), sign)
    findings = findings_for(ctx, ties, items, "lease", ctx.param("threshold"))
    rou_accounts = {l["rou_account_id"] for l in leases}

    def total(attr, rou):
        return cents(sum((getattr(t, attr) for a, t in ties.items() if (a in rou_accounts) == rou), ZERO))

    metrics = {"rou_schedule": total("schedule_closing", True), "rou_gl": total("gl_closing", True),
               "liability_schedule": total("schedule_closing", False),
               "liability_gl": total("gl_closing", False), "leases": per_lease,
               "accounts": account_metrics(ties)}
    metrics["rou_difference"] = metrics["rou_gl"] - metrics["rou_schedule"]
    metrics["liability_difference"] = metrics["liability_gl"] - metrics["liability_schedule"]
    summary = (f"{len(leases)} lease(s): ROU {metrics['rou_gl']} vs {metrics['rou_schedule']}, "
               f"liability {metrics['liability_gl']} vs {metrics['liability_schedule']} {ctx.currency}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.leases",
    title="Leases",
    description=(
        "Computes each lease's schedule from leases.csv (liability at start = present value "
        "of the monthly payments at discount_rate/12, interest monthly on the liability, "
        "payments in arrears; right-of-use asset depreciated straight-line over the term "
        "from the month after the start) and ties each ROU and lease-liability account to "
        "the schedule's month-end balances, splitting any difference into the opening "
        "difference, each lease's movement this month (doc_ref leases:<id> or the id in the "
        "description) and entries naming no lease."
    ),
    needs=("leases", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
