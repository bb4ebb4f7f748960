"""Matching a bank statement to the books' cash lines, in three passes.

A bank reconciliation is only as good as its matching: every pair it makes removes an
item from the list a controller must explain. The passes go from certain to plausible,
and each item is used at most once:

1. Reference: the bank line's reference is the key of the book line's source document
   (`ap_payments:PAY-0107` -> `PAY-0107`, what banks echo back from a payment file), the
   whole `doc_ref`, or a word of the book line's description (a cheque number, a
   settlement reference typed by the bookkeeper); the amounts must also be equal (a
   reference with another amount is not the same payment, it stays for the reviewer).
2. Amount and date: equal amount, booking date within `window_days` of the posting
   date. Ties go to the smallest date gap, then the earliest posting, then je_id and
   line_no, so the result never depends on input order.
3. One bank line for several book lines of the same sign: a deposit equal to the sum of
   two to `max_group` unmatched book receipts within the window (a customer paying several
   invoices at once, a batch of cheques banked together), or a withdrawal equal to the sum
   of as many book payments (a payment run the bank executes as one debit, which is how
   many systems pay suppliers). Lines of one counterparty are tried first, then the lines
   nearest in time, at most `MAX_CANDIDATES` of them, so the search is bounded. The first
   subset found in a fixed order wins.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations

MAX_CANDIDATES = 12
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./:-]*[A-Za-z0-9]|[A-Za-z0-9]")


@dataclass(frozen=True)
class BookItem:
    je_id: str
    line_no: int
    posting_date: date
    amount: Decimal  # debit positive: receipts positive, payments negative
    description: str = ""
    doc_ref: str | None = None
    counterparty: str | None = None

    @property
    def ref(self) -> str:
        return f"journal_lines:{self.je_id}"

    @property
    def sort_key(self):
        return (self.posting_date, self.je_id, self.line_no)

    def reference_keys(self) -> set[str]:
        """Every string a bank reference may carry for this line."""
        keys = set()
        if self.doc_ref:
            keys.add(self.doc_ref)
            keys.add(self.doc_ref.split(":", 1)[-1])
        keys.update(_WORD.findall(self.description or ""))
        return keys


@dataclass(frozen=True)
class BankItem:
    txn_id: str
    booking_date: date
    amount: Decimal  # deposits positive
    reference: str | None = None
    description: str = ""

    @property
    def ref(self) -> str:
        return f"bank_transactions:{self.txn_id}"

    @property
    def sort_key(self):
        return (self.booking_date, self.txn_id)


@dataclass(frozen=True)
class Match:
    method: str  # "reference", "amount_date" or "one_to_many"
    bank: BankItem
    book: tuple[BookItem, ...]


@dataclass
class Matching:
    matches: list[Match] = field(default_factory=list)
    unmatched_bank: list[BankItem] = field(default_factory=list)
    unmatched_book: list[BookItem] = field(default_factory=list)

    def count(self, method: str) -> int:
        return sum(1 for m in self.matches if m.method == method)


def match(bank: list[BankItem], book: list[BookItem], window_days: int = 5,
          max_group: int = 5) -> Matching:
    """Pair bank lines with book lines, pass by pass; every item used at most once."""
    bank_left = sorted(bank, key=lambda b: b.sort_key)
    book_left = {(b.je_id, b.line_no): b for b in sorted(book, key=lambda b: b.sort_key)}
    result = Matching()

    # Pass 1: reference (and equal amount).
    by_key: dict[str, list[BookItem]] = {}
    for item in book_left.values():
        for key in item.reference_keys():
            by_key.setdefault(key, []).append(item)
    remaining = []
    for txn in bank_left:
        hit = None
        if txn.reference:
            candidates = [b for b in by_key.get(txn.reference.strip(), ())
                          if (b.je_id, b.line_no) in book_left and b.amount == txn.amount]
            if candidates:
                hit = min(candidates, key=lambda b: _closeness(txn, b))
        if hit is None:
            remaining.append(txn)
            continue
        del book_left[(hit.je_id, hit.line_no)]
        result.matches.append(Match("reference", txn, (hit,)))
    bank_left = remaining

    # Pass 2: equal amount within the date window.
    by_amount: dict[Decimal, list[BookItem]] = {}
    for item in book_left.values():
        by_amount.setdefault(item.amount, []).append(item)
    remaining = []
    for txn in bank_left:
        candidates = [b for b in by_amount.get(txn.amount, ())
                      if (b.je_id, b.line_no) in book_left
                      and abs((txn.booking_date - b.posting_date).days) <= window_days]
        if not candidates:
            remaining.append(txn)
            continue
        hit = min(candidates, key=lambda b: _closeness(txn, b))
        del book_left[(hit.je_id, hit.line_no)]
        result.matches.append(Match("amount_date", txn, (hit,)))
    bank_left = remaining

    # Pass 3: one bank line for several book lines of its sign (deposit or payment run).
    remaining = []
    for txn in bank_left:
        group = None
        if txn.amount != 0 and max_group >= 2:
            group = _find_group(txn, list(book_left.values()), window_days, max_group)
        if group is None:
            remaining.append(txn)
            continue
        for item in group:
            del book_left[(item.je_id, item.line_no)]
        result.matches.append(Match("one_to_many", txn, group))

    result.unmatched_bank = remaining
    result.unmatched_book = sorted(book_left.values(), key=lambda b: b.sort_key)
    return result


def _closeness(txn: BankItem, item: BookItem):
    return (abs((txn.booking_date - item.posting_date).days), item.sort_key)


def _find_group(txn: BankItem, book: list[BookItem], window_days: int,
                max_group: int) -> tuple[BookItem, ...] | None:
    sign = 1 if txn.amount > 0 else -1
    receipts = [b for b in book if 0 < sign * b.amount < sign * txn.amount
                and abs((txn.booking_date - b.posting_date).days) <= window_days]
    if len(receipts) < 2:
        return None
    by_party: dict[str, list[BookItem]] = {}
    for item in receipts:
        if item.counterparty:
            by_party.setdefault(item.counterparty, []).append(item)
    pools = [sorted(items, key=lambda b: _closeness(txn, b))[:MAX_CANDIDATES]
             for _, items in sorted(by_party.items())]
    pools.append(sorted(receipts, key=lambda b: _closeness(txn, b))[:MAX_CANDIDATES])
    for pool in pools:
        pool = sorted(pool, key=lambda b: b.sort_key)
        for size in range(2, min(max_group, len(pool)) + 1):
            for combo in combinations(pool, size):
                if sum((b.amount for b in combo), Decimal(0)) == txn.amount:
                    return combo
    return None
