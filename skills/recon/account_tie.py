"""A schedule's balance per GL account, and when it does not tie, why.

Loans, leases and accruals live on a few balance-sheet accounts whose history starts
with an opening entry that names no document, and whose monthly entries name their
schedule item either in `doc_ref` or only in the description ("Loan principal
LN-001-P23", "Reverse ACR-00219"). So the tie is made per account, where it is always
possible: GL balance at month end against the schedule's. When an account does not tie,
the difference is split exactly into

- what was already off at the previous month end (opening difference, on the account);
- per schedule item, this month's movement in the GL (lines naming the item by doc_ref
  or by its id as a word of the description) against the schedule's movement (refs: the
  month's entries naming it, or when there are none its earlier ones);
- this month's lines on the account that name no item.

Every amount is in the account's natural direction (`sign` turns debit-positive
amounts into it), so the parts add up to the closing difference to the cent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from close.money import ZERO, cents
from close.skill import Finding


@dataclass(frozen=True)
class Expected:
    ref: str           # "loans:LN-001": the finding's ref and the doc_ref that names it
    key: str           # "LN-001": how a description names it
    label: str         # "Loan LN-001", for messages
    account_id: str
    opening: Decimal   # schedule balance at the previous month end, natural direction
    closing: Decimal   # schedule balance at this month end


@dataclass
class AccountTie:
    account_id: str
    gl_opening: Decimal = ZERO
    gl_closing: Decimal = ZERO
    schedule_opening: Decimal = ZERO
    schedule_closing: Decimal = ZERO
    moves: dict = field(default_factory=dict)      # item ref -> GL movement this month
    entries: dict = field(default_factory=dict)    # item ref -> {journal_lines refs}
    stray: dict = field(default_factory=dict)      # journal_lines ref -> amount
    history: dict = field(default_factory=dict)    # item ref -> {journal_lines refs}, any date

    @property
    def difference(self) -> Decimal:
        return self.gl_closing - self.schedule_closing


class Namer:
    """Which schedule item a journal line names: doc_ref first, then a word of the text."""

    def __init__(self, items: list[Expected]):
        self.by_ref = {i.ref: i.ref for i in items}
        keys = sorted({i.key for i in items}, key=lambda k: (-len(k), k))
        self.by_key = {i.key: i.ref for i in items}
        self.pattern = (re.compile(r"(?<![A-Za-z0-9])(" + "|".join(re.escape(k) for k in keys) + r")(?![A-Za-z0-9])")
                        if keys else None)

    def __call__(self, doc_ref: str | None, description: str | None) -> str | None:
        if doc_ref and doc_ref in self.by_ref:
            return doc_ref
        if self.pattern and description:
            hit = self.pattern.search(description)
            if hit:
                return self.by_key[hit.group(1)]
        return None


def tie_accounts(ctx, items: list[Expected], lines: list[dict], sign: dict[str, int]) -> dict[str, AccountTie]:
    """lines: je_id, account_id, posting_date, doc_ref, description, debit_positive (to
    month end, on the accounts of `sign`). Returns the tie per account."""
    ties = {a: AccountTie(a) for a in sorted(sign)}
    for item in items:
        tie = ties[item.account_id]
        tie.schedule_opening += item.opening
        tie.schedule_closing += item.closing
    name = Namer(items)
    start = ctx.month.first_day
    for line in lines:
        tie = ties[line["account_id"]]
        amount = sign[line["account_id"]] * line["debit_positive"]
        tie.gl_closing += amount
        entry = f"journal_lines:{line['je_id']}"
        ref = name(line["doc_ref"], line["description"])
        if ref is not None:
            tie.history.setdefault(ref, set()).add(entry)
        if line["posting_date"] < start:
            tie.gl_opening += amount
            continue
        if ref is None or not any(i.ref == ref and i.account_id == tie.account_id for i in items):
            tie.stray[entry] = tie.stray.get(entry, ZERO) + amount
            continue
        tie.moves[ref] = tie.moves.get(ref, ZERO) + amount
        tie.entries.setdefault(ref, set()).add(entry)
    return ties


def entries_naming(ties: dict[str, AccountTie], ref: str) -> list[str]:
    """Every entry, any date, that names a schedule item on any of the accounts."""
    return sorted({e for t in ties.values() for e in t.history.get(ref, ())})


def findings_for(ctx, ties: dict[str, AccountTie], items: list[Expected], what: str,
                 threshold: Decimal) -> list[Finding]:
    """The parts of each account's difference, one finding each (none when it ties)."""
    out = []

    def severity(amount):
        return "high" if abs(amount) >= threshold else "medium"

    for account, tie in ties.items():
        if tie.difference == ZERO:
            continue
        opening = tie.gl_opening - tie.schedule_opening
        if opening != ZERO:
            out.append(Finding(
                severity(opening),
                f"{what.capitalize()} account {account} already differed from the schedule by "
                f"{cents(opening)} at {ctx.month.prev.last_day} (GL {cents(tie.gl_opening)}, "
                f"schedule {cents(tie.schedule_opening)}): find and correct that difference.",
                opening, [f"accounts:{account}"]))
        for item in items:
            if item.account_id != account:
                continue
            want = item.closing - item.opening
            got = tie.moves.get(item.ref, ZERO)
            if got == want:
                continue
            out.append(Finding(
                severity(got - want),
                f"{item.label}: account {account} moved {cents(got)} for it in {ctx.month}, the "
                f"schedule {cents(want)}; post the {cents(want - got)} difference.",
                got - want, [item.ref, *sorted(tie.entries.get(item.ref) or tie.history.get(item.ref, ()))]))
        for entry, amount in sorted(tie.stray.items()):
            if amount == ZERO:
                continue
            out.append(Finding(
                severity(amount),
                f"{entry} moves {what} account {account} by {cents(amount)} in {ctx.month} without "
                f"naming an item of the schedule: record the item or reverse the entry.",
                amount, [entry]))
    return out


def account_metrics(ties: dict[str, AccountTie]) -> list[dict]:
    return [{"account_id": a, "schedule_balance": cents(t.schedule_closing),
             "gl_balance": cents(t.gl_closing), "difference": cents(t.difference)}
            for a, t in ties.items()]
