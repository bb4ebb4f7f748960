"""Loans: principal and interest per the amortisation schedule, against the GL.

Debt is confirmed by the lender, so a GL balance that drifts from the schedule is found
at the audit, and misbooked interest misstates profit. Each loan's level-payment
schedule is computed from its terms in the entity's currency (amortising.py).

The balance sheet is the primary evidence and needs no doc_ref (instrument_tie.py): each
debt account's month-end balance against what the schedule leaves owed on the loans
booked to it (per loan where every line on the account names its loan) and, when it
does not tie, the month the difference arose.

Interest is checked where it can be told apart: per loan from the lines naming it on its
interest account; for loans whose interest lines name nothing, the account's month
against their schedule interest, reported on its own only when in every earlier month
the account held exactly the loans' interest (an account shared with other charges
proves nothing by itself). An instalment split wrongly between interest and principal
shows on both sides with the same amount: it is one finding, not two.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from close.ledger import first_posting_month
from close.money import ZERO, cents
from close.periods import month_of
from close.skill import MATERIALITY, Finding, Money, Skill
from skills.recon.instrument_tie import Instrument, describe, months, tie, unique
from skills.recon.schedule_names import Namer
from skills.recon.amortising import balance_at, loan_schedule, period_of

LOANS = """
SELECT loan_id, account_id, interest_account_id, principal, annual_rate, start_date, term_months
FROM loans
WHERE entity_id = $entity_id AND start_date <= $month_end
ORDER BY loan_id
"""

DEBT_LINES = """
SELECT j.je_id, j.line_no, j.account_id, j.posting_date, j.doc_ref, j.description,
       j.debit - j.credit AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT account_id FROM loans WHERE entity_id = $entity_id)
ORDER BY j.je_id, j.line_no
"""

INTEREST_LINES = """
SELECT j.je_id, j.line_no, j.account_id, j.posting_date, j.doc_ref, j.description,
       j.debit - j.credit AS debit_positive
FROM journal_lines j
WHERE j.entity_id = $entity_id AND j.posting_date <= $month_end
  AND j.account_id IN (SELECT interest_account_id FROM loans WHERE entity_id = $entity_id)
ORDER BY j.je_id, j.line_no
"""


@dataclass(frozen=True)
class InterestGap:
    account_id: str
    refs: tuple[str, ...]     # the loans it is about
    booked: Decimal
    expected: Decimal
    entries: tuple[str, ...]
    conclusive: bool          # named lines, or an account that has only ever held loan interest

    @property
    def amount(self) -> Decimal:
        return self.booked - self.expected


def interest_of(rows, month) -> Decimal:
    row = period_of(rows, month)
    return row.interest if row else ZERO


def interest_gaps(ctx, loans, schedules, first) -> tuple[list[InterestGap], Decimal]:
    """The month's interest per loan (named lines) or per account (the rest) that does not
    agree with the schedule, and the total booked on the interest accounts this month."""
    name = Namer([Instrument(f"loans:{l['loan_id']}", l["loan_id"], l["account_id"], None) for l in loans])
    on_account = defaultdict(list)
    for loan in loans:
        if loan["interest_account_id"]:
            on_account[loan["interest_account_id"]].append(loan)
    history = defaultdict(lambda: ZERO)                   # (account, month) -> movement
    named, unnamed, entries = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), defaultdict(set)
    for line in ctx.rows(INTEREST_LINES):
        account, m = line["account_id"], month_of(line["posting_date"])
        history[account, m] += line["debit_positive"]
        if m != ctx.month:
            continue
        ref = name(line["doc_ref"], line["description"])
        key = ref if ref in {f"loans:{l['loan_id']}" for l in on_account[account]} else account
        (named if key == ref else unnamed)[key] += line["debit_positive"]
        entries[key].add(f"journal_lines:{line['je_id']}")
    gaps = []
    for account, group in sorted(on_account.items()):
        rest = []
        for loan in group:
            ref, want = f"loans:{loan['loan_id']}", interest_of(schedules[loan["loan_id"]], ctx.month)
            if ref not in entries:
                rest.append(loan)
            elif named[ref] != want:
                gaps.append(InterestGap(account, (ref,), named[ref], want, tuple(sorted(entries[ref])), True))
        want = sum((interest_of(schedules[l["loan_id"]], ctx.month) for l in rest), ZERO)
        if rest and unnamed[account] != want:
            gaps.append(InterestGap(account, tuple(f"loans:{l['loan_id']}" for l in rest), unnamed[account],
                                    want, tuple(sorted(entries[account])),
                                    _dedicated(ctx, account, group, schedules, history, first)))
    booked = sum((history[a, ctx.month] for a in on_account), ZERO)
    return gaps, booked


def _dedicated(ctx, account, group, schedules, history, first) -> bool:
    """True when every earlier month with loan interest held exactly that interest."""
    def expected(m):
        return sum((interest_of(schedules[l["loan_id"]], m) for l in group), ZERO)
    earlier = [m for m in months(first, ctx.month.prev) if expected(m)]
    return bool(earlier) and all(history[account, m] == expected(m) for m in earlier)


def _names(refs) -> str:
    return "Loan" + ("s " if len(refs) > 1 else " ") + ", ".join(r.split(":", 1)[1] for r in refs)


def run(ctx):
    loans = ctx.rows(LOANS)
    if not loans:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no loans in loans.csv.")
    cur, threshold = ctx.currency, ctx.param("threshold")
    schedules, instruments, per_loan = {}, [], []
    for loan in loans:
        payment, rows = loan_schedule(loan, cur)
        schedules[loan["loan_id"]] = rows
        balance = partial(balance_at, rows, loan["principal"], loan["start_date"])
        instruments.append(Instrument(f"loans:{loan['loan_id']}", loan["loan_id"], loan["account_id"], balance))
        per_loan.append({"loan_id": loan["loan_id"], "payment": payment,
                         "schedule_balance": balance(ctx.month),
                         "interest_expected": interest_of(rows, ctx.month)})
    differences, accounts = tie(ctx, instruments, ctx.rows(DEBT_LINES), {l["account_id"]: -1 for l in loans})
    gaps, booked = interest_gaps(ctx, loans, schedules, first_posting_month(ctx))

    def severity(amount):
        return "high" if abs(amount) >= threshold else "medium"

    findings, used = [], set()
    for diff in differences:
        split = next((g for g in gaps if g not in used and set(g.refs) <= {i.ref for i in diff.items}
                      and diff.arose == ctx.month and g.amount == diff.amount), None)
        text = describe(ctx, diff, _names([i.ref for i in diff.items]), "debt account")
        refs = diff.refs
        if split is not None:
            used.add(split)
            text = (f"{_names(split.refs)}: the {ctx.month} instalment is split wrongly between interest "
                    f"and principal: {cents(split.booked, cur)} {cur} interest was booked to "
                    f"{split.account_id} against {cents(split.expected, cur)} per the schedule, and "
                    + describe(ctx, diff, "", "debt account")[0].lower()
                    + describe(ctx, diff, "", "debt account")[1:])
            refs = unique(refs, [f"accounts:{split.account_id}"], split.entries)
        findings.append(Finding(severity(diff.amount), f"{text}", cents(diff.amount, cur), refs))
    for gap in gaps:
        if gap in used or not gap.conclusive:
            continue
        findings.append(Finding(
            severity(gap.amount),
            f"{_names(gap.refs)}: interest for {ctx.month} per the schedule is {cents(gap.expected, cur)}, "
            f"{cents(gap.booked, cur)} was booked to {gap.account_id}: correct it by "
            f"{cents(gap.expected - gap.booked, cur)}.",
            gap.amount, unique(gap.refs, [f"accounts:{gap.account_id}"], gap.entries)))

    schedule_total = sum((a["schedule_balance"] for a in accounts), ZERO)
    gl_total = sum((a["gl_balance"] for a in accounts), ZERO)
    metrics = {"schedule_balance": cents(schedule_total, cur), "gl_balance": cents(gl_total, cur),
               "difference": cents(gl_total - schedule_total, cur),
               "interest_expected": cents(sum((p["interest_expected"] for p in per_loan), ZERO), cur),
               "interest_booked": cents(booked, cur),
               "loans": [{"loan_id": p["loan_id"], "payment": cents(p["payment"], cur),
                          "schedule_balance": cents(p["schedule_balance"], cur),
                          "interest_expected": cents(p["interest_expected"], cur)} for p in per_loan],
               "accounts": [{"account_id": a["account_id"], "schedule_balance": cents(a["schedule_balance"], cur),
                             "gl_balance": cents(a["gl_balance"], cur), "difference": cents(a["difference"], cur)}
                            for a in accounts]}
    summary = (f"{len(loans)} loan(s): balance {metrics['gl_balance']} vs schedule "
               f"{metrics['schedule_balance']}, interest booked {metrics['interest_booked']} vs schedule "
               f"{metrics['interest_expected']} {cur}.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.loans",
    title="Loans",
    description=(
        "Computes each loan's level-payment schedule from loans.csv in the entity's currency "
        "(monthly rate = annual / 12, payment P·r/(1-(1+r)^-n), interest on the balance, each "
        "rounded to the currency's minor unit, the last payment clearing the balance, payment k "
        "in the k-th month after the start). Ties each debt account's month-end balance to what "
        "the schedule leaves owed on its loans (per loan where every line on the account names "
        "it by doc_ref loans:<id> or the id in the description; no doc_ref needed), naming the "
        "month a difference arose. Checks the month's interest per loan from lines naming it, or "
        "on an interest account that has held only the loans' interest; a wrong interest / "
        "principal split is one finding."
    ),
    needs=("loans", "journal_lines"),
    params={"threshold": Money(MATERIALITY, "differences at or above this are high severity")},
    run=run,
)
