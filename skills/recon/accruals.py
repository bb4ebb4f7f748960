"""Accruals: the accrual schedule against the GL, and prior-period accruals left standing.

An accrual books an expense whose invoice has not arrived; it must be reversed when the
invoice comes (normally the next month), or the expense is counted twice. An accrual is
open at a month end when it was made in or before that month and its reversed_period is
blank or later. Accruals and their reversals are often manual or system entries with no
doc_ref, so each accrual account is tied balance first (schedule_tie.py): the closing GL
balance (credit positive) against the accruals open at month end, and the month's
movement against the schedule's (accruals made in, reversals out). Both tie: pass.
Otherwise the difference is itemised by the evidence there is (doc_ref
`accruals:<accrual_id>`, the id in the description, the exact amount: a reversal is
recognised as an equal debit in its reversal month), with the month an older difference
arose. So an accrual whose reversal was never posted is found by the balance, named by
the evidence.

Separately, accruals made before this month that accruals.csv still shows unreversed at
its end are findings (reverse them against the invoice, or document why they stay),
unless the GL shows a reversal naming them, which the tie then reports.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.periods import Month, parse_month
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.schedule_evidence import Item, Namer, entry
from skills.recon.schedule_tie import natural_lines, tie_accounts

SCHEDULE = """
SELECT accrual_id, vendor_id, account_id, period, amount, reversed_period
FROM accruals
WHERE entity_id = $entity_id AND period <= $period
ORDER BY accrual_id
"""

LINES = """
SELECT j.je_id, j.line_no, j.account_id, j.posting_date, j.doc_ref, j.description,
       CAST(j.debit - j.credit AS DECIMAL(18,2)) AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT account_id FROM accruals WHERE entity_id = $entity_id)
ORDER BY j.posting_date, j.je_id, j.line_no
"""


def is_open(accrual: dict, period: str) -> bool:
    return accrual["period"] <= period and (accrual["reversed_period"] is None
                                            or accrual["reversed_period"] > period)


def item(a: dict) -> Item:
    """The accrual as a schedule item on its account, credit positive."""
    made = parse_month(a["period"])
    undone = parse_month(a["reversed_period"]) if a["reversed_period"] else None
    if undone is not None and undone < made:
        undone = None  # a reversal before the accrual is not one: the tie shows the difference

    def balance(m: Month):
        return a["amount"] if is_open(a, str(m)) else ZERO

    def moves(m: Month):
        return (a["amount"] if m == made else ZERO, -a["amount"] if m == undone else ZERO)

    return Item(f"accruals:{a['accrual_id']}", a["accrual_id"],
                f"Accrual {a['accrual_id']} ({a['vendor_id'] or 'no vendor'}, {a['period']})",
                a["account_id"], balance, moves)


def advice(it, amount, money):
    """amount: what the accrual account lacks for the accrual, credit positive."""
    if amount < 0:
        return f"reverse {money(-amount)} (Dr {it.account_id}, Cr the expense)."
    return f"accrue {money(amount)} (Dr the expense, Cr {it.account_id})."


def run(ctx):
    schedule = ctx.rows(SCHEDULE)
    if not schedule:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no accruals in accruals.csv.")
    period, cur = str(ctx.month), ctx.currency
    items = [item(a) for a in schedule]
    sign = {a["account_id"]: -1 for a in schedule}
    lines = natural_lines(ctx.rows(LINES), sign)
    findings, accounts, ties = tie_accounts(ctx, items, lines,
                                            {a: "accrual account" for a in sign}, advice, noun="accrual")
    named: dict[str, list] = {}
    name = Namer(items)
    for line in lines:
        it = name(line)
        if it is not None and it.account_id == line["account_id"]:
            named.setdefault(it.ref, []).append(line)
    threshold = ctx.param("threshold")
    stale = [a for a in schedule if a["period"] < period and is_open(a, period)]
    for a in stale:
        ref = f"accruals:{a['accrual_id']}"
        if any(l["amount"] < 0 and str(l["posting_date"])[:7] > a["period"] for l in named.get(ref, ())):
            continue  # the GL reversed it: accruals.csv is out of date, and the tie says so
        findings.append(Finding(
            "high" if abs(a["amount"]) >= threshold else "medium",
            f"Accrual {a['accrual_id']} ({a['vendor_id'] or 'no vendor'}) of {cents(a['amount'], cur)} "
            f"{cur} made in {a['period']} is still not reversed at {ctx.month.last_day}: reverse it "
            f"against the invoice, or document why it stays.",
            cents(a["amount"], cur), [ref, *sorted({entry(l) for l in named.get(ref, ())})]))
    open_total = sum((t.s_close for t in ties), ZERO)
    gl_total = sum((t.gl_close for t in ties), ZERO)
    metrics = {"accruals_open": sum(1 for a in schedule if is_open(a, period)),
               "open_amount": cents(open_total, cur), "gl_balance": cents(gl_total, cur),
               "difference": cents(gl_total - open_total, cur), "unreversed_prior_period": len(stale),
               "accrued_this_month": cents(sum((a["amount"] for a in schedule
                                                if a["period"] == period), ZERO), cur),
               "accounts": accounts}
    summary = (f"Open accruals {metrics['open_amount']} vs GL {metrics['gl_balance']} "
               f"{cur}; {len(stale)} prior-period accrual(s) not reversed.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.accruals",
    title="Accruals",
    description=(
        "Ties each accrual account to accruals.csv, balance first: the closing GL balance "
        "against the accruals open at month end (made by then, reversed_period blank or "
        "later) and the month's movement against the accruals made and reversed in it; both "
        "tie: pass, with or without doc_ref. Otherwise one finding per accrual the evidence "
        "names (doc_ref accruals:<id>, the id in the description, or an equal amount in its "
        "reversal month) and one per account for entries naming no accrual (candidates "
        "named), plus a difference carried from earlier months with the month it arose. "
        "Accruals made before this month that the schedule still shows unreversed are "
        "findings (reverse them or document why)."
    ),
    needs=("accruals", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "amounts at or above this are high severity")},
    run=run,
)
