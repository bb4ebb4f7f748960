"""Unmatched bank and book items by age: what has been waiting too long to be explained.

A reconciling item that is a week old is timing; one that is three months old is an
error, a lost deposit or a cheque that will never be cashed. The items are what
recon.bank's matching left (bank accounts sharing a GL account together, book lines dated
before the statement's first line brought forward, foreign-currency accounts in their own
currency and stated in the functional currency at the closing rate): every item still
unmatched at month end (deposits in transit and outstanding checks on the book side,
unrecorded items on the bank side) is put in a bucket by its age in days at the month end:
0-30, 31-60, 61-90, over 90. Items older than `max_age_days` are findings, the oldest
first in the controller's eye by amount.

The skill depends on recon.bank and reads its leftovers from the run (Result.shared)
instead of matching again: the matching is the expensive part of both, and one matching
means the two reports can never disagree about what is unmatched (the matching's
`window_days` and `max_group` are recon.bank's parameters). When recon.bank errors or is
skipped, this skill is skipped and says so.
"""
from __future__ import annotations

from close.money import ZERO, cents
from close.skill import Finding, Int, Skill
from skills.recon.bank import to_functional

BUCKETS = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("over_90", 91, None))


def bucket_of(age: int) -> str:
    for name, low, high in BUCKETS:
        if age >= low and (high is None or age <= high):
            return name
    return "0-30"  # dated after the month end cannot happen: items are cut at month end


def run(ctx):
    books = ctx.deps["recon.bank"].shared["cash_books"]
    if not books:
        return ctx.result([], {}, "Nothing to reconcile: the entity has no bank accounts in bank_accounts.csv.")
    end = ctx.month.last_day
    limit = ctx.params["max_age_days"]
    counts = {name: 0 for name, _, _ in BUCKETS}
    amounts = {name: ZERO for name, _, _ in BUCKETS}
    findings = []
    for left in books:
        cash_book = left.book
        items = ([("bank", t.txn_id, t.booking_date, t.amount, t.ref) for t in left.unmatched_bank]
                 + [("book", b.je_id, b.posting_date, b.amount, b.ref) for b in left.unmatched_book])
        for side, key, day, amount, ref in items:
            age = (end - day).days
            name = bucket_of(age)
            counts[name] += 1
            amount = to_functional(ctx, cash_book, amount)
            amounts[name] += abs(amount)
            if age <= limit:
                continue
            if side == "bank":
                what = "bank item not in the books"
                todo = "post it or have the bank reverse it"
            elif amount > 0:
                what = "deposit in transit"
                todo = "find the deposit or reverse the receipt"
            else:
                what = "outstanding check"
                todo = "confirm it with the payee, or void and re-issue it"
            findings.append(Finding(
                "high" if age > 90 else "medium",
                f"{cash_book['label']}: {what} {key} of {cents(amount, ctx.currency)} {ctx.currency} dated {day} "
                f"is {age} days old at {end} (bucket {name}): {todo}.",
                cents(amount, ctx.currency), [ref]))
    metrics = {"buckets": [{"bucket": name, "count": counts[name], "amount": cents(amounts[name], ctx.currency)}
                           for name, _, _ in BUCKETS],
               "unmatched": sum(counts.values()),
               "older_than_limit": len(findings)}
    summary = (f"{metrics['unmatched']} unmatched item(s) at {end}, {len(findings)} older than "
               f"{limit} days.")
    return ctx.result(findings, metrics, summary)


SKILL = Skill(
    id="recon.bank_unmatched_aging",
    title="Unmatched bank items by age",
    description=(
        "Takes what recon.bank's matching left (reference, amount within its `window_days`, one "
        "bank line for several book lines; shared GL accounts together, book lines before the "
        "statement's first line brought forward) and ages every item still unmatched at month "
        "end, on the bank side "
        "(unrecorded bank items) and the book side (deposits in transit, outstanding checks), "
        "in buckets 0-30, 31-60, 61-90 and over 90 days. Items older than `max_age_days` are "
        "findings (high when over 90 days): chase, post or void them."
    ),
    needs=("bank_accounts", "bank_transactions", "journal_lines"),
    params={
        "max_age_days": Int(30, "items older than this many days at month end are findings"),
    },
    depends=("recon.bank",),
    run=run,
)
