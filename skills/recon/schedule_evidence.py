"""Which schedule item a month's postings on an account belong to, by the evidence there is.

LEDGER-PACK.md makes `doc_ref` optional: many systems post releases, depreciation and
reversals as one system entry that names no item. A line *names* an item when its
doc_ref is the item's ref (`prepaids:PP-1`) or its description holds the item's id as a
word ("Reverse ACR-00219"); nothing weaker places a line on an item.

Expected movements come in two directions, in (raising the account's natural balance)
and out, and a line counts in the direction of its sign. The month's difference is split
into parts that add up exactly to the GL movement minus the schedule's:

- per item that lines name: what they moved against what it should have (a charge
  booked to the wrong item shows on both);
- per direction where every line names its item: each expected movement no line names
  is its item's own part (nothing was booked for it) — unless that direction has no line
  at all and several items due, when the whole entry is missing: one part on the
  account, with the items as candidates;
- the lines naming no item (of every direction that has some), pooled, against the
  expected movements of those directions no line names, as one part on the account
  (an accrual and its reversal both unnamed in one month net out). Its candidates are
  the items whose movement is exactly the difference (or two whose movements add up to
  it), preferring those no line's amount accounts for (an equal amount is evidence, but
  too weak to place a line: a total release of two items may equal a third's), else the
  closest few. So a total release line that carries every item but one gives one part,
  naming that one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from close.money import ZERO
from close.periods import Month
from skills.lib.named_keys import KeyFinder

MAX_CANDIDATES = 5
MAX_PAIRED = 200  # pools up to this size are searched for two items adding up


@dataclass(frozen=True)
class Item:
    ref: str                                              # "prepaids:PP-1": refs and doc_ref
    key: str                                              # "PP-1": how a description names it
    label: str                                            # "Prepaid PP-1", for messages
    account_id: str                                       # the balance-sheet account it sits on
    balance: Callable[[Month], Decimal]                   # schedule balance at a month end
    moves: Callable[[Month], tuple[Decimal, Decimal]]     # (in >= 0, out <= 0) in a month
    # balance and moves are in the account's natural direction (debit positive for assets,
    # credit positive for liabilities and accumulated depreciation)


@dataclass
class Part:
    """One piece of an account's difference for a month: an item's, or the account's."""
    account_id: str
    amount: Decimal                      # GL minus schedule, natural direction
    item: Item | None = None             # None: a part on the account
    got: Decimal = ZERO                  # what the lines moved (item parts)
    want: Decimal = ZERO                 # what the schedule moves
    entries: tuple[str, ...] = ()        # journal_lines refs
    candidates: tuple[Item, ...] = ()    # account parts: items whose movement nothing evidenced
    loose: Decimal = ZERO                # account parts: what the lines naming no item moved


def _distinctive(key: str) -> bool:
    """An id safe to look for in free text: not a short number a date or amount could be."""
    has_digit = any(c.isdigit() for c in key)
    has_letter = any(c.isalpha() for c in key)
    return len(key) >= 4 and has_digit and (has_letter or len(key) >= 6)


class Namer:
    """The item a line names: doc_ref first, then the item id as a word of the description."""

    def __init__(self, items: list[Item]):
        self.by_ref = {i.ref: i for i in items}
        self.by_key = {i.key: i for i in items if _distinctive(i.key)}
        self.words = KeyFinder(self.by_key)

    def __call__(self, line: dict) -> Item | None:
        ref = line.get("doc_ref")
        if ref and ref in self.by_ref:
            return self.by_ref[ref]
        key = self.words.find(line.get("description"))
        return self.by_key[key] if key is not None else None


def entry(line: dict) -> str:
    return f"journal_lines:{line['je_id']}"


@dataclass
class _Evidence:
    booked: Decimal = ZERO
    want: Decimal = ZERO
    entries: set = field(default_factory=set)


def parts_of_month(account_id: str, items: list[Item], lines: list[dict], month: Month,
                   namer: Namer | None = None) -> list[Part]:
    """The month's difference on one account, in parts (see the module docstring).
    lines: the month's lines on the account (je_id, line_no, doc_ref, description, amount
    in the natural direction); items: the schedule items on the account."""
    namer = namer or Namer(items)
    by_ref = {i.ref: i for i in items}
    expected = {(i.ref, d): amount for i in items
                for d, amount in zip((1, -1), i.moves(month)) if amount != ZERO}
    named: dict[tuple[str, int], _Evidence] = {}
    unnamed = []
    for line in sorted(lines, key=lambda l: (l["posting_date"], l["je_id"], l["line_no"])):
        if line["amount"] == ZERO:
            continue
        item = namer(line)
        if item is not None and item.ref in by_ref:
            key = (item.ref, _sign(line["amount"]))
            ev = named.setdefault(key, _Evidence(want=expected.get(key, ZERO)))
            ev.booked += line["amount"]
            ev.entries.add(entry(line))
        else:
            unnamed.append(line)

    diffs: dict[str, Part] = {}
    for (ref, _), ev in sorted(named.items()):
        part = diffs.setdefault(ref, Part(account_id, ZERO, by_ref[ref]))
        part.got += ev.booked
        part.want += ev.want
        part.entries = tuple(sorted({*part.entries, *ev.entries}))
    pooled_lines, pooled_missing = [], []
    for d in (1, -1):
        missing = [(ref, amount) for (ref, dd), amount in sorted(expected.items())
                   if dd == d and (ref, dd) not in named]
        stray = [l for l in unnamed if _sign(l["amount"]) == d]
        silent = len(missing) > 1 and not any(k[1] == d for k in named)
        if stray or silent:  # silent: no line at all this way, the whole entry is missing
            pooled_lines += stray
            pooled_missing += missing
            continue
        # every line this way names its item: what no line names was not booked
        for ref, amount in missing:
            part = diffs.setdefault(ref, Part(account_id, ZERO, by_ref[ref]))
            part.want += amount
    parts = []
    for part in diffs.values():
        part.amount = part.got - part.want
        if part.amount != ZERO:
            parts.append(part)
    # Lines naming no item, of either direction, carry the movements no line names: what
    # they do not carry is one part on the account (a net posting of both ties).
    moved = sum((l["amount"] for l in pooled_lines), ZERO)
    rest = moved - sum((a for _, a in pooled_missing), ZERO)
    if rest != ZERO:
        parts.append(Part(account_id, rest, entries=tuple(sorted({entry(l) for l in pooled_lines})),
                          candidates=_candidates(pooled_missing, pooled_lines, rest, by_ref),
                          loose=moved))
    return parts


def _sign(amount: Decimal) -> int:
    return 1 if amount > 0 else -1


def _candidates(missing, stray, rest: Decimal, by_ref) -> tuple[Item, ...]:
    """Items whose movement could be the difference, among those no line names: the ones
    whose movement is exactly the shortfall, preferring those no unnamed line's amount
    accounts for; else the closest few. None when no missing movement has the sign of
    the shortfall (the lines moved more than expected)."""
    short = -rest  # the movement the books lack
    missing = [(ref, amount) for ref, amount in missing if _sign(amount) == _sign(short)]
    if not missing:
        return ()
    if not stray:  # nothing was posted: every item is a candidate, the largest first
        largest = sorted(missing, key=lambda m: (-abs(m[1]), m[0]))
        return tuple(by_ref[r] for r, _ in largest[:MAX_CANDIDATES])
    amounts = [l["amount"] for l in stray]
    unmatched = []
    for ref, amount in missing:
        if amount in amounts:
            amounts.remove(amount)  # a line of exactly this amount: likely this item's
        else:
            unmatched.append((ref, amount))
    for pool in (unmatched, missing):
        exact = [ref for ref, amount in pool if amount == short]
        if exact:
            return tuple(by_ref[r] for r in exact[:MAX_CANDIDATES])
    for pool in (unmatched, missing):
        if len(pool) <= MAX_PAIRED:
            pair = next(((a, b) for i, a in enumerate(pool) for b in pool[i + 1:]
                         if a[1] + b[1] == short), None)
            if pair:
                return (by_ref[pair[0][0]], by_ref[pair[1][0]])
    pool = unmatched or missing
    closest = sorted(pool, key=lambda m: (abs(abs(m[1]) - abs(short)), m[0]))
    return tuple(by_ref[r] for r, _ in closest[:MAX_CANDIDATES])
