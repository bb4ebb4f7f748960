"""Leases: right-of-use asset and lease liability per the lease schedule, against the GL.

Under IFRS 16 / ASC 842 a lease is on the balance sheet twice, as an asset and as a
liability, and both move every month by amounts only a schedule can give. Each lease's
schedule is computed from its terms in the entity's currency (amortising.py): the
liability starts at the present value of the payments at discount_rate / 12 (rounded
once to the currency's minor unit) and accrues interest monthly on its balance, each
payment in arrears reducing it, the last month clearing it to zero (whether the last
payment or the last interest absorbs the rounding, the balances are the same); the
right-of-use asset starts at the same amount and is depreciated straight-line over the
term from the month after the start.

The tie is by balance and needs no doc_ref (instrument_tie.py): each ROU account (debit
positive) and liability account (credit positive) against the schedule balances of the
leases on it, per lease where every line on the account names its lease, and when it
does not tie, the month the difference arose. Interest is not checked here: leases.csv
names no interest account, and the liability's movement already shows a wrong split.
"""
from __future__ import annotations

from functools import partial

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.instrument_tie import Instrument, describe, tie
from skills.recon.amortising import balance_at, lease_schedule, straight_line_carrying

LEASES = """
SELECT lease_id, rou_account_id, liability_account_id, start_date, term_months,
       monthly_payment, discount_rate
FROM leases
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY lease_id
"""

LINES = """
SELECT j.je_id, j.line_no, j.account_id, j.posting_date, j.doc_ref, j.description,
       j.debit - j.credit AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT rou_account_id FROM leases WHERE entity_id = $entity_id
                       UNION SELECT liability_account_id FROM leases WHERE entity_id = $entity_id)
ORDER BY j.je_id, j.line_no
"""


def carrying_amounts(lease: dict, month, currency: str) -> tuple:
    """(initial liability, ROU carrying amount, liability) at the end of `month`."""
    initial, rows = lease_schedule(lease, currency)
    liability = balance_at(rows, initial, lease["start_date"], month)
    rou = straight_line_carrying(initial, lease["start_date"], lease["term_months"], month, currency=currency)
    return initial, rou, liability


def run(ctx):
    leases = ctx.rows(LEASES)
    if not leases:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no leases in leases.csv.")
    cur = ctx.currency
    instruments, sign, labels, per_lease = [], {}, {}, []
    for lease in leases:
        ref, key = f"leases:{lease['lease_id']}", lease["lease_id"]
        initial, rows = lease_schedule(lease, cur)
        rou = partial(straight_line_carrying, initial, lease["start_date"], lease["term_months"], currency=cur)
        liability = partial(balance_at, rows, initial, lease["start_date"])
        instruments.append(Instrument(ref, key, lease["rou_account_id"], rou))
        instruments.append(Instrument(ref, key, lease["liability_account_id"], liability))
        sign[lease["rou_account_id"]] = 1
        sign[lease["liability_account_id"]] = -1
        per_lease.append({"lease_id": key, "initial_liability": initial,
                          "rou_schedule": cents(rou(ctx.month), cur),
                          "liability_schedule": cents(liability(ctx.month), cur)})
    differences, accounts = tie(ctx, instruments, ctx.rows(LINES), sign)
    threshold = ctx.param("threshold")
    findings = []
    for diff in differences:
        kind = "right-of-use account" if sign[diff.account_id] == 1 else "lease liability account"
        label = ("Lease" + ("s " if len(diff.items) > 1 else " ")
                 + ", ".join(i.key for i in diff.items))
        findings.append(Finding("high" if abs(diff.amount) >= threshold else "medium",
                                describe(ctx, diff, label, kind), diff.amount, diff.refs))

    def total(key, rou):
        return cents(sum((a[key] for a in accounts if (sign[a["account_id"]] == 1) == rou), ZERO), cur)

    metrics = {"rou_schedule": total("schedule_balance", True), "rou_gl": total("gl_balance", True),
               "liability_schedule": total("schedule_balance", False),
               "liability_gl": total("gl_balance", False), "leases": per_lease,
               "accounts": [{"account_id": a["account_id"], "schedule_balance": cents(a["schedule_balance"], cur),
                             "gl_balance": cents(a["gl_balance"], cur), "difference": cents(a["difference"], cur)}
                            for a in accounts]}
    metrics["rou_difference"] = metrics["rou_gl"] - metrics["rou_schedule"]
    metrics["liability_difference"] = metrics["liability_gl"] - metrics["liability_schedule"]
    summary = (f"{len(leases)} lease(s): ROU {metrics['rou_gl']} vs {metrics['rou_schedule']}, "
               f"liability {metrics['liability_gl']} vs {metrics['liability_schedule']} {cur}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.leases",
    title="Leases",
    description=(
        "Computes each lease's schedule from leases.csv in the entity's currency (liability "
        "at start = present value of the monthly payments at discount_rate/12, rounded once to "
        "the currency's minor unit; interest monthly on the liability; payments in arrears; "
        "right-of-use asset depreciated straight-line over the term from the month after the "
        "start) and ties each ROU and lease-liability account's month-end balance to the "
        "schedule (per lease where every line on the account names it by doc_ref leases:<id> "
        "or the id in the description; no doc_ref needed), naming the month a difference arose."
    ),
    needs=("leases", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
