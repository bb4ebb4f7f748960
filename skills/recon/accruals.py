"""Accruals: the accrual schedule against the GL, and prior-period accruals left standing.

An accrual books an expense whose invoice has not arrived; it must be reversed when the
invoice comes (normally the next month), or the expense is counted twice. At month end
an accrual is open when it was made in or before the month and its reversed_period is
blank or later. Checks:

- per accrual, its postings on its accrual account (lines whose doc_ref is
  `accruals:<accrual_id>`, credit positive, cumulative to month end) equal the schedule:
  the amount while open, zero once reversed (an accrual marked reversed whose reversal
  was never posted, or one never booked, shows here);
- accruals made before this month and still not reversed at its end are findings: reverse
  them, or explain why the invoice is still missing;
- per accrual account, the GL balance equals the open accruals; lines on those accounts
  that name no accrual are findings.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import MATERIALITY, Finding, Money, Skill

SCHEDULE = """
SELECT accrual_id, vendor_id, account_id, period, amount, reversed_period
FROM accruals
WHERE entity_id = $entity_id AND period <= $period
ORDER BY accrual_id
"""

GL_LINES = """
SELECT j.je_id, j.account_id, j.doc_ref, CAST(j.credit - j.debit AS DECIMAL(18,2)) AS amount
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT account_id FROM accruals WHERE entity_id = $entity_id)
ORDER BY j.je_id, j.line_no
"""


def run(ctx):
    schedule = ctx.rows(SCHEDULE)
    if not schedule:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no accruals in accruals.csv.")
    period = str(ctx.month)
    posted, entries, stray = {}, {}, {}
    balances: dict[str, object] = {}
    accrual_refs = {f"accruals:{a['accrual_id']}" for a in schedule}
    for line in ctx.rows(GL_LINES):
        balances[line["account_id"]] = balances.get(line["account_id"], ZERO) + line["amount"]
        ref = line["doc_ref"]
        entry = f"journal_lines:{line['je_id']}"
        if ref in accrual_refs:
            posted[ref] = posted.get(ref, ZERO) + line["amount"]
            entries.setdefault(ref, set()).add(entry)
        else:
            stray[entry] = stray.get(entry, ZERO) + line["amount"]

    threshold = ctx.param("threshold")
    findings, open_total, open_by_account = [], ZERO, {}
    stale = 0
    for a in schedule:
        ref = f"accruals:{a['accrual_id']}"
        is_open = a["reversed_period"] is None or a["reversed_period"] > period
        want = a["amount"] if is_open else ZERO
        got = posted.get(ref, ZERO)
        if is_open:
            open_total += want
            open_by_account[a["account_id"]] = open_by_account.get(a["account_id"], ZERO) + want
        refs = [ref, *sorted(entries.get(ref, ()))]
        severity = "high" if abs(a["amount"]) >= threshold else "medium"
        if got != want:
            state = (f"open since {a['period']}" if is_open
                     else f"reversed in {a['reversed_period']}")
            findings.append(Finding(
                severity,
                f"Accrual {a['accrual_id']} ({a['vendor_id'] or 'no vendor'}, {state}) should "
                f"leave {cents(want)} on {a['account_id']} at {ctx.month.last_day}; the GL has "
                f"{cents(got)}: post the missing accrual or reversal of {cents(want - got)}.",
                want - got, refs))
        elif is_open and a["period"] < period:
            stale += 1
            findings.append(Finding(
                severity,
                f"Accrual {a['accrual_id']} ({a['vendor_id'] or 'no vendor'}) of "
                f"{cents(a['amount'])} made in {a['period']} is still not reversed at "
                f"{ctx.month.last_day}: reverse it against the invoice, or document why it stays.",
                a["amount"], refs))
    for entry, amount in sorted(stray.items()):
        if amount != ZERO:
            findings.append(Finding(
                "high" if abs(amount) >= threshold else "medium",
                f"{entry} puts {cents(amount)} on an accrual account without naming an accrual "
                f"of the schedule: add it to the schedule or reclassify it.",
                amount, [entry]))
    gl_total = sum(balances.values(), ZERO)
    metrics = {"accruals_open": sum(1 for a in schedule if a["reversed_period"] is None
                                    or a["reversed_period"] > period),
               "open_amount": cents(open_total), "gl_balance": cents(gl_total),
               "difference": cents(gl_total - open_total), "unreversed_prior_period": stale,
               "accrued_this_month": cents(sum((a["amount"] for a in schedule
                                                if a["period"] == period), ZERO))}
    summary = (f"Open accruals {metrics['open_amount']} vs GL {metrics['gl_balance']} "
               f"{ctx.currency}; {stale} prior-period accrual(s) not reversed.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.accruals",
    title="Accruals",
    description=(
        "Ties the accrual schedule (accruals.csv: open when made by the month end and not "
        "reversed by it) to the GL: per accrual, the lines on its account whose doc_ref is "
        "accruals:<id> must leave its amount while open and zero once reversed; accruals made "
        "before this month and still unreversed are findings (reverse them or document "
        "why); lines on accrual accounts naming no accrual are findings."
    ),
    needs=("accruals", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "amounts at or above this are high severity")},
    run=run,
)
