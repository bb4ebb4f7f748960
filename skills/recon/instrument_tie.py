"""Balance-first tie of amortising schedules (loans, leases) to their GL accounts.

Many systems post loan instalments, lease payments and right-of-use depreciation as
system entries that carry no doc_ref and may not name the instrument at all, so the
tie that is always possible comes first: each account's month-end balance against the
sum of the schedule balances of the instruments booked to it. Names are used only to
itemise: when every line ever posted to an account names one of its instruments
(doc_ref `loans:<id>` / `leases:<id>`, or the id as a word of the description), each
instrument is tied on its own; otherwise the account is tied as a whole.

When a balance does not tie, the month-end balances are walked back to the first month
of the current run of differences, so a finding says when the difference arose (and
which entries that month posted), not only that the closing balance is off. A
difference that was corrected later is not reported: the books are right at month end.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from close.ledger import first_posting_month
from close.money import ZERO, cents
from close.periods import Month, month_of
from skills.recon.schedule_names import Namer


@dataclass(frozen=True)
class Instrument:
    ref: str                               # "loans:LN-001": refs and the doc_ref naming it
    key: str                               # "LN-001": how a description names it
    account_id: str
    balance: Callable[[Month], Decimal]    # schedule balance at a month end, natural sign


@dataclass(frozen=True)
class Difference:
    """A scope (one instrument, or an account's instruments together) that does not tie."""
    account_id: str
    sign: int                 # natural direction: 1 debit-positive (assets), -1 credit-positive
    items: tuple[Instrument, ...]
    itemised: bool            # True: the GL side is the lines naming the one instrument
    gl: Decimal               # closing balances, natural direction
    schedule: Decimal
    arose: Month              # first month-end of the run of differences that ends now
    from_first_month: bool    # the books' first month already differed
    arose_gl_move: Decimal    # the GL's and the schedule's movement in that month
    arose_schedule_move: Decimal
    entries: tuple[str, ...]  # journal_lines refs of that month in the scope

    @property
    def amount(self) -> Decimal:
        """GL minus schedule, natural direction (debt: positive = more owed than scheduled)."""
        return self.gl - self.schedule

    @property
    def refs(self) -> list[str]:
        return unique(sorted({i.ref for i in self.items}), [f"accounts:{self.account_id}"], self.entries)


def unique(*groups) -> list[str]:
    """Refs in order of first appearance, each once."""
    return list(dict.fromkeys(r for group in groups for r in group))


def months(first: Month, last: Month) -> list[Month]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = m.shift(1)
    return out


def _difference(ctx, first, account, items, itemised, lines, sign) -> Difference | None:
    """lines: the scope's lines through month end (debit_positive, posting_date, je_id)."""
    span = months(min(first, ctx.month), ctx.month)
    moves = {m: ZERO for m in span}
    entries = {m: set() for m in span}
    for line in lines:
        m = max(month_of(line["posting_date"]), span[0])
        moves[m] += sign * line["debit_positive"]
        entries[m].add(f"journal_lines:{line['je_id']}")
    gl, running = {}, ZERO
    for m in span:
        running += moves[m]
        gl[m] = running
    sched = {m: sum((i.balance(m) for i in items), ZERO) for m in span}
    if gl[ctx.month] == sched[ctx.month]:
        return None
    arose = ctx.month
    while arose > span[0] and gl[arose.prev] != sched[arose.prev]:
        arose = arose.prev
    before = sum((i.balance(arose.prev) for i in items), ZERO) if arose == span[0] else sched[arose.prev]
    before_gl = ZERO if arose == span[0] else gl[arose.prev]
    return Difference(account, sign, tuple(items), itemised, gl[ctx.month], sched[ctx.month], arose,
                      arose == span[0], gl[arose] - before_gl, sched[arose] - before,
                      tuple(sorted(entries[arose])))


def tie(ctx, instruments: list[Instrument], lines: list[dict], sign: dict[str, int]):
    """(differences, per-account metrics). lines: je_id, account_id, posting_date, doc_ref,
    description, debit_positive, on the accounts of `sign`, through month end."""
    first = first_posting_month(ctx)
    name = Namer(instruments)
    by_account = {a: [i for i in instruments if i.account_id == a] for a in sorted(sign)}
    named = {a: {} for a in by_account}
    unnamed = {a: [] for a in by_account}
    for line in lines:
        account = line["account_id"]
        ref = name(line["doc_ref"], line["description"])
        if ref in {i.ref for i in by_account[account]}:
            named[account].setdefault(ref, []).append(line)
        else:
            unnamed[account].append(line)
    differences, metrics = [], []
    for account, items in by_account.items():
        account_lines = [l for l in lines if l["account_id"] == account]
        gl = sum((sign[account] * l["debit_positive"] for l in account_lines), ZERO)
        schedule = sum((i.balance(ctx.month) for i in items), ZERO)
        metrics.append({"account_id": account, "schedule_balance": schedule, "gl_balance": gl,
                        "difference": gl - schedule})
        if gl == schedule:
            continue
        if unnamed[account] or len(items) == 1:
            differences.append(_difference(ctx, first, account, items, not unnamed[account],
                                           account_lines, sign[account]))
            continue
        for item in items:
            diff = _difference(ctx, first, account, [item], True, named[account].get(item.ref, []),
                               sign[account])
            if diff is not None:
                differences.append(diff)
    return differences, metrics


def describe(ctx, diff: Difference, label: str, account_kind: str) -> str:
    """What a controller needs: how far off, since when, by which month's entries, and
    which side of the account the correction goes to."""
    cur = ctx.currency

    def amount(x):
        return f"{cents(x, cur)} {cur}"

    side = "above" if diff.amount > 0 else "below"
    post = "credit" if diff.sign * diff.amount > 0 else "debit"
    text = (f"{account_kind[0].upper()}{account_kind[1:]} {diff.account_id} is {amount(abs(diff.amount))} "
            f"{side} the schedule at {ctx.month.last_day} (GL {amount(diff.gl)}, schedule "
            f"{amount(diff.schedule)}). ")
    if label:
        text = f"{label}: {text[0].lower()}{text[1:]}"
    if diff.from_first_month:
        text += (f"It already differed at the end of the books' first month, {diff.arose} "
                 f"(the opening balance or that month's entries). ")
    else:
        text += (f"It arose in {diff.arose}: that month's entries moved the account by "
                 f"{amount(diff.arose_gl_move)}, the schedule by {amount(diff.arose_schedule_move)}"
                 + ("" if diff.arose == ctx.month else ", and it has not been corrected since") + ". ")
    return text + f"Find the entry and {post} {diff.account_id} with {amount(abs(diff.amount))}."
