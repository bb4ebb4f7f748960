"""The bank matching as it was written first: a plain loop over the bank lines in statement
order, each taking its best book line not yet taken, and pass 3 trying every combination in
turn. skills.recon.bank_matching runs passes 1 and 2 set-based in DuckDB and prunes pass 3's
search, for speed; this is the definition they must agree with, pair for pair
(test_recon_bank_matching_equivalence, benchmarks/bank_matching.py --check)."""
from __future__ import annotations

from decimal import Decimal
from itertools import combinations

from skills.recon.bank_matching import MAX_CANDIDATES, BankItem, BookItem, Match, Matching


def reference_match(bank: list[BankItem], book: list[BookItem], window_days: int = 5,
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
    result.counts = {m: sum(1 for x in result.matches if x.method == m)
                     for m in ("reference", "amount_date", "one_to_many")}
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
