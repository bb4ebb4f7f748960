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

How it runs. In passes 1 and 2 the bank lines take their pick in statement order (booking
date, then txn_id): each takes its best candidate that no earlier line took. At a million
lines that loop is too slow in Python, so both passes run in DuckDB, on two scratch tables
of the cash book (`bank_match_bank`, `bank_match_book`, numbered in statement and posting
order; recon.bank fills them, see match_loaded). The in-order picking is reproduced
exactly, set-based, in rounds: the candidate pairs are ranked once by preference; in a
round, a bank line whose best remaining candidate no earlier remaining line has among its
candidates at all takes it (nothing earlier can take it first, so the loop gives it the
same); those pairs leave the candidates and the next round runs on the rest. The earliest
remaining line always qualifies, so every round makes progress, and on real statements
almost every line settles in the first round. Chains (one amount on many nearby days,
each line contending with the next) settle only a link per round, so once a round settles
less than half of what is left, or few candidate pairs remain, those pairs alone are
picked in order in Python. Pass 3 searches subsets, which SQL does badly, over what
passes 1 and 2 left, so it stays in Python: the window's lines found by bisection, the
search pruned (a partial sum past the bank amount stops), same subset as trying every
combination in turn. Matched pairs stay in the database: Python sees counts, contested
pairs and leftovers.

`match` does the same on two lists of items (tests; tests/skills/recon holds the plain
loop it must agree with).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from heapq import nsmallest
from itertools import combinations

import duckdb

MAX_CANDIDATES = 12
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./:-]*[A-Za-z0-9]|[A-Za-z0-9]")
# What str.strip() removes (every character whose isspace() is true), for SQL's trim():
# a reference is compared stripped. Written out: computing it costs a tenth of a second
# at every import.
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
              "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# Fewer candidate pairs than this left: pick them in order in Python, cheaper than a round.
RESIDUE_PAIRS = 1000
# A round that settles fewer than 1/RESIDUE_SHARE of the bank lines left means chains,
# which the rounds undo one link at a time: pick the rest in order in Python.
RESIDUE_SHARE = 2

BANK_TABLE, BOOK_TABLE = "bank_match_bank", "bank_match_book"
BANK_COLUMNS = ("bank_ord BIGINT, txn_id VARCHAR, booking_date DATE, amount DECIMAL(38,10), "
                "reference VARCHAR, description VARCHAR")
BOOK_COLUMNS = ("book_ord BIGINT, je_id VARCHAR, line_no INTEGER, posting_date DATE, "
                "amount DECIMAL(38,10), description VARCHAR, doc_ref VARCHAR, counterparty VARCHAR")


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
        """Every string a bank reference may carry for this line (PASS1_CANDIDATES builds
        the same keys in SQL)."""
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
    """Counts by method and what is left. `matches` holds pass 3's groups, and the pairs
    of passes 1 and 2 only when asked for (a reconciliation needs their count, not them)."""

    counts: dict[str, int] = field(default_factory=dict)
    matches: list[Match] = field(default_factory=list)
    unmatched_bank: list[BankItem] = field(default_factory=list)
    unmatched_book: list[BookItem] = field(default_factory=list)

    def count(self, method: str) -> int:
        return self.counts.get(method, 0)


# --- passes 1 and 2, set-based ----------------------------------------------------------

PAIRS_TABLE = """
CREATE OR REPLACE TEMP TABLE bank_match_pairs (bank_ord BIGINT, book_ord BIGINT, method VARCHAR)
"""

# Pass 1: bank lines with a reference x book lines carrying it as a key (the words are
# _WORD's matches, the same pattern), equal amounts; pref ranks each bank line's candidates
# by date gap, then posting order. Pairs are found two ways, each amount by one of them:
# an amount few bank references carry (almost all) joins its bank and book lines on the
# amount alone and tests each pair (the reference is the document, its key, or a word of
# the description: contains() first, the words only when it holds), which reads a
# description only where a reference could be in it; an amount many references carry (a
# rent, a standard fee) would pair every line with every other that way, so its book lines'
# keys are listed and joined on (key, amount). The reference is trimmed as str.strip()
# does, and only when it starts or ends with whitespace (trim with a list of characters
# costs a microsecond a line).
_WHITESPACE_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in WHITESPACE) + "]"
_WORD_SQL = "'[A-Za-z0-9][A-Za-z0-9_./:-]*[A-Za-z0-9]|[A-Za-z0-9]'"
# An amount carried by more bank references than this takes the keys' join: the direct
# test then makes at most this many pairs for a book line.
FEW_REFERENCES = 32
PASS1_CANDIDATES = f"""
CREATE OR REPLACE TEMP TABLE bank_match_candidates AS
WITH bank_refs AS (
    SELECT bank_ord, booking_date, amount,
           CASE WHEN regexp_matches(reference, '^{_WHITESPACE_CLASS}|{_WHITESPACE_CLASS}$')
                THEN trim(reference, $whitespace) ELSE reference END AS ref_key
    FROM bank_match_bank
    WHERE reference IS NOT NULL AND reference <> ''
), common AS (
    SELECT amount FROM bank_refs GROUP BY amount HAVING COUNT(*) > $few_references
), by_amount AS (
    SELECT r.bank_ord, k.book_ord, r.booking_date, k.posting_date
    FROM bank_refs r
    JOIN bank_match_book k ON k.amount = r.amount
    WHERE r.amount NOT IN (SELECT amount FROM common)
      AND ((k.doc_ref <> '' AND k.doc_ref = r.ref_key)
           OR (strpos(k.doc_ref, ':') > 0 AND substr(k.doc_ref, strpos(k.doc_ref, ':') + 1) = r.ref_key)
           OR (contains(k.description, r.ref_key)
               AND list_contains(regexp_extract_all(k.description, {_WORD_SQL}), r.ref_key)))
), common_book AS (
    SELECT book_ord, amount, posting_date, description, doc_ref
    FROM bank_match_book
    WHERE amount IN (SELECT amount FROM common)
), words AS (
    SELECT book_ord, amount, posting_date,
           unnest(regexp_extract_all(description, {_WORD_SQL})) AS ref_key
    FROM common_book
), documents AS (
    SELECT book_ord, amount, posting_date, doc_ref AS ref_key
    FROM common_book
    WHERE doc_ref IS NOT NULL AND doc_ref <> ''
    UNION ALL
    SELECT book_ord, amount, posting_date, substr(doc_ref, strpos(doc_ref, ':') + 1) AS ref_key
    FROM common_book
    WHERE strpos(doc_ref, ':') > 0
), book_keys AS (
    SELECT book_ord, amount, posting_date, ref_key FROM words
    UNION ALL
    SELECT book_ord, amount, posting_date, ref_key FROM documents
), by_key AS (
    SELECT DISTINCT r.bank_ord, k.book_ord, r.booking_date, k.posting_date
    FROM bank_refs r
    JOIN book_keys k ON k.ref_key = r.ref_key AND k.amount = r.amount
), pairs AS (
    SELECT bank_ord, book_ord, abs(date_diff('day', posting_date, booking_date)) AS gap FROM by_amount
    UNION ALL
    SELECT bank_ord, book_ord, abs(date_diff('day', posting_date, booking_date)) AS gap FROM by_key
)
SELECT bank_ord, book_ord,
       row_number() OVER (PARTITION BY bank_ord ORDER BY gap, book_ord) AS pref
FROM pairs
"""

# Pass 2: what pass 1 left, equal amounts within the window, ranked the same way. Lines
# are put in buckets of window_days + 1 days, so two within the window are in the same or
# neighbouring buckets: joining on (amount, bucket) keeps a much-repeated amount (rent,
# fees) from pairing every line with every other before the window is applied.
PASS2_CANDIDATES = """
CREATE OR REPLACE TEMP TABLE bank_match_candidates AS
WITH bank_left AS (
    SELECT t.bank_ord, t.booking_date, t.amount,
           CAST(floor(date_diff('day', DATE '2000-01-01', t.booking_date)
                      / (greatest($window_days, 0) + 1)) AS BIGINT) AS bucket
    FROM bank_match_bank t
    WHERE NOT EXISTS (SELECT 1 FROM bank_match_pairs p WHERE p.bank_ord = t.bank_ord)
), book_left AS (
    SELECT b.book_ord, b.posting_date, b.amount,
           CAST(floor(date_diff('day', DATE '2000-01-01', b.posting_date)
                      / (greatest($window_days, 0) + 1)) AS BIGINT) AS bucket
    FROM bank_match_book b
    WHERE NOT EXISTS (SELECT 1 FROM bank_match_pairs p WHERE p.book_ord = b.book_ord)
), bank_near AS (
    SELECT r.bank_ord, r.booking_date, r.amount, r.bucket + s.shift AS bucket
    FROM bank_left r
    CROSS JOIN (VALUES (-1), (0), (1)) AS s(shift)
), pairs AS (
    SELECT r.bank_ord, b.book_ord, abs(date_diff('day', b.posting_date, r.booking_date)) AS gap
    FROM bank_near r
    JOIN book_left b ON b.amount = r.amount AND b.bucket = r.bucket
    WHERE date_diff('day', b.posting_date, r.booking_date) BETWEEN -$window_days AND $window_days
)
SELECT bank_ord, book_ord,
       row_number() OVER (PARTITION BY bank_ord ORDER BY gap, book_ord) AS pref
FROM pairs
"""

# One round: a bank line's best remaining candidate is its own when no earlier remaining
# bank line has that book line among its candidates.
SETTLED = """
CREATE OR REPLACE TEMP TABLE bank_match_settled AS
WITH best AS (
    SELECT bank_ord, MIN(pref) AS pref FROM bank_match_candidates GROUP BY bank_ord
), first_claim AS (
    SELECT book_ord, MIN(bank_ord) AS bank_ord FROM bank_match_candidates GROUP BY book_ord
)
SELECT c.bank_ord, c.book_ord
FROM bank_match_candidates c
JOIN best ON best.bank_ord = c.bank_ord AND best.pref = c.pref
JOIN first_claim f ON f.book_ord = c.book_ord AND f.bank_ord = c.bank_ord
"""
TAKE_SETTLED = "INSERT INTO bank_match_pairs SELECT bank_ord, book_ord, $method FROM bank_match_settled"
DROP_SETTLED = """
DELETE FROM bank_match_candidates
WHERE bank_ord IN (SELECT bank_ord FROM bank_match_settled)
   OR book_ord IN (SELECT book_ord FROM bank_match_settled)
"""
LEFT_COUNTS = """
SELECT COUNT(*) AS pairs, COUNT(DISTINCT bank_ord) AS bank_lines FROM bank_match_candidates
"""
RESIDUE = "SELECT bank_ord, book_ord FROM bank_match_candidates ORDER BY bank_ord, pref"
# One list of (bank_ord, book_ord) rows, not two lists unnested side by side: zipping two
# unnests in one SELECT is DuckDB's alone (PORTABLE-SQL.md).
TAKE_PICKED = """
INSERT INTO bank_match_pairs
SELECT m.bank_ord, m.book_ord, $method AS method
FROM (SELECT unnest($picked) AS m) AS listed
"""
METHOD_COUNTS = """
SELECT method, COUNT(*) AS n FROM bank_match_pairs GROUP BY method ORDER BY method
"""

UNMATCHED_BANK = """
SELECT t.bank_ord, t.txn_id, t.booking_date, t.amount, t.reference, t.description
FROM bank_match_bank t
WHERE NOT EXISTS (SELECT 1 FROM bank_match_pairs p WHERE p.bank_ord = t.bank_ord)
ORDER BY t.bank_ord
"""
UNMATCHED_BOOK = """
SELECT b.book_ord, b.je_id, b.line_no, b.posting_date, b.amount, b.description, b.doc_ref,
       b.counterparty
FROM bank_match_book b
WHERE NOT EXISTS (SELECT 1 FROM bank_match_pairs p WHERE p.book_ord = b.book_ord)
ORDER BY b.book_ord
"""
ALL_PAIRS = "SELECT bank_ord, book_ord, method FROM bank_match_pairs ORDER BY bank_ord"

SCRATCH = (BANK_TABLE, BOOK_TABLE, "bank_match_pairs", "bank_match_candidates", "bank_match_settled")

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def execute(con, sql: str, **params):
    """Run SQL binding only the `$names` it uses (DuckDB refuses unused ones)."""
    return con.execute(sql, {name: params[name] for name in dict.fromkeys(_PARAM.findall(sql))})


def drop_scratch(con) -> None:
    for name in SCRATCH:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _settle(con, method: str) -> None:
    """Give each bank line its pick of the candidates, in statement order (see the module
    docstring): rounds in SQL while they settle many lines, the rest in order here."""
    pairs, lines = execute(con, LEFT_COUNTS).fetchone()
    while pairs > RESIDUE_PAIRS:
        execute(con, SETTLED)
        settled = execute(con, TAKE_SETTLED, method=method).fetchone()[0]  # rows inserted
        execute(con, DROP_SETTLED)
        pairs, left = execute(con, LEFT_COUNTS).fetchone()
        if settled * RESIDUE_SHARE < lines:
            break
        lines = left
    if not pairs:
        return
    taken: dict[int, int] = {}  # book_ord -> bank_ord
    current = None
    for bank_ord, book_ord in execute(con, RESIDUE).fetchall():
        if bank_ord == current or book_ord in taken:
            continue
        current = bank_ord
        taken[book_ord] = bank_ord
    if taken:
        execute(con, TAKE_PICKED, method=method,
                picked=[{"bank_ord": bank, "book_ord": book} for book, bank in taken.items()])


def match_loaded(con, window_days: int = 5, max_group: int = 5, *,
                 pairs: bool = False) -> Matching:
    """Match the cash book in bank_match_bank / bank_match_book (temporary tables on
    `con`, rows numbered in statement and posting order). Leaves bank_match_pairs for
    the caller; drop_scratch cleans up."""
    execute(con, PAIRS_TABLE)
    execute(con, PASS1_CANDIDATES, whitespace=WHITESPACE, few_references=FEW_REFERENCES)
    _settle(con, "reference")
    execute(con, PASS2_CANDIDATES, window_days=window_days)
    _settle(con, "amount_date")
    result = Matching(counts={m: n for m, n in execute(con, METHOD_COUNTS).fetchall()})

    bank_left = [BankItem(r[1], r[2], r[3], r[4], r[5] or "")
                 for r in execute(con, UNMATCHED_BANK).fetchall()]
    book_left = [BookItem(r[1], r[2], r[3], r[4], r[5] or "", r[6], r[7])
                 for r in execute(con, UNMATCHED_BOOK).fetchall()]
    if pairs:
        result.matches = _pairs(con)

    # Pass 3: one bank line for several book lines of its sign (deposit or payment run).
    groups, result.unmatched_bank, result.unmatched_book = _groups(bank_left, book_left, window_days, max_group)
    result.matches.extend(groups)
    result.counts["one_to_many"] = len(groups)
    return result


def _pairs(con) -> list[Match]:
    """Passes 1 and 2's pairs as Match values (small books only: tests, checks)."""
    bank = {r[0]: BankItem(r[1], r[2], r[3], r[4], r[5] or "")
            for r in con.execute(f"SELECT * FROM {BANK_TABLE}").fetchall()}
    book = {r[0]: BookItem(r[1], r[2], r[3], r[4], r[5] or "", r[6], r[7])
            for r in con.execute(f"SELECT * FROM {BOOK_TABLE}").fetchall()}
    return [Match(method, bank[b], (book[k],)) for b, k, method in execute(con, ALL_PAIRS).fetchall()]


def match(bank: list[BankItem], book: list[BookItem], window_days: int = 5,
          max_group: int = 5) -> Matching:
    """Pair bank lines with book lines, pass by pass; every item used at most once. The
    same matching as recon.bank's, on lists: they are loaded into an in-memory DuckDB, and
    the matches name the items given (amounts up to 10 decimal places)."""
    bank_sorted = sorted(bank, key=lambda b: b.sort_key)
    book_sorted = sorted(book, key=lambda b: b.sort_key)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"CREATE TEMP TABLE {BANK_TABLE} ({BANK_COLUMNS})")
        con.execute(f"CREATE TEMP TABLE {BOOK_TABLE} ({BOOK_COLUMNS})")
        con.executemany(f"INSERT INTO {BANK_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
                        [(i, b.txn_id, b.booking_date, b.amount, b.reference, b.description)
                         for i, b in enumerate(bank_sorted, 1)])
        con.executemany(f"INSERT INTO {BOOK_TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [(i, b.je_id, b.line_no, b.posting_date, b.amount, b.description,
                          b.doc_ref, b.counterparty) for i, b in enumerate(book_sorted, 1)])
        found = match_loaded(con, window_days, max_group, pairs=True)
    finally:
        con.close()
    # Hand back the caller's own items (amounts as given, not as stored).
    banks = {b.txn_id: b for b in bank_sorted}
    books = {(b.je_id, b.line_no): b for b in book_sorted}
    found.matches = [Match(m.method, banks[m.bank.txn_id],
                           tuple(books[(b.je_id, b.line_no)] for b in m.book))
                     for m in found.matches]
    found.unmatched_bank = [banks[b.txn_id] for b in found.unmatched_bank]
    found.unmatched_book = [books[(b.je_id, b.line_no)] for b in found.unmatched_book]
    return found


def _groups(bank: list[BankItem], book: list[BookItem], window_days: int, max_group: int):
    """Pass 3 over what passes 1 and 2 left (bank lines in statement order, book lines in
    posting order): (matches, unmatched bank lines, unmatched book lines)."""
    left = [True] * len(book)
    # Amounts as whole numbers of the smallest unit any of them uses: exact, and the
    # subset search adds integers, not Decimals.
    scale = max([0] + [-x.amount.as_tuple().exponent for x in (*bank, *book) if x.amount.is_finite()])
    sides = {sign: _Side([i for i, b in enumerate(book) if sign * b.amount > 0], book, scale)
             for sign in (1, -1)}
    matches, remaining = [], []
    for txn in bank:
        group = None
        if txn.amount != 0 and max_group >= 2:
            side = sides[1 if txn.amount > 0 else -1]
            group = _find_group(txn, side, left, window_days, max_group)
        if group is None:
            remaining.append(txn)
            continue
        for i in group:
            left[i] = False
        matches.append(Match("one_to_many", txn, tuple(book[i] for i in group)))
    return matches, remaining, [b for b, unused in zip(book, left) if unused]


class _Side:
    """The leftover book lines of one sign, in posting order, with their posting days,
    counterparties and amounts made positive integers (in 10**-scale), so a bank line
    finds those in its window by bisection."""

    def __init__(self, positions: list[int], book: list[BookItem], scale: int):
        self.positions = positions
        self.scale = scale
        self.days = [book[i].posting_date.toordinal() for i in positions]
        self.parties = [book[i].counterparty for i in positions]
        self.sizes = [self.size(book[i].amount) for i in positions]

    def size(self, amount: Decimal) -> int:
        return int(abs(amount).scaleb(self.scale))


def _find_group(txn: BankItem, side: _Side, left: list[bool], window_days: int,
                max_group: int) -> tuple[int, ...] | None:
    """Positions in the leftover book lines (posting order) of those `txn` combines, or None.

    The candidates are the unused lines of the bank line's sign, each smaller than it,
    posted within the window. Pools: each counterparty's, then all of them, each of the
    MAX_CANDIDATES nearest in time (ties to the earlier posting), searched in posting
    order; the first pool with a subset adding up to the bank line wins. A pool of one
    line cannot make a group, so it is not searched."""
    day, target = txn.booking_date.toordinal(), side.size(txn.amount)
    positions, days, sizes, parties = side.positions, side.days, side.sizes, side.parties
    candidates = [k for k in range(bisect_left(days, day - window_days),
                                   bisect_right(days, day + window_days))
                  if sizes[k] < target and left[positions[k]]]
    if len(candidates) < 2:
        return None

    def nearest(found: list[int]) -> list[int]:
        """The MAX_CANDIDATES of `found` (in posting order) nearest the bank line by
        (days apart, posting order), in posting order. Only the MAX_CANDIDATES either side
        of the bank line's day, and the rest of their posting days, can be among them."""
        if len(found) <= MAX_CANDIDATES:
            return found
        split = bisect_left(found, day, key=lambda k: days[k])
        low, high = max(0, split - MAX_CANDIDATES), min(len(found), split + MAX_CANDIDATES)
        while low > 0 and days[found[low - 1]] == days[found[low]]:
            low -= 1
        while high < len(found) and days[found[high]] == days[found[high - 1]]:
            high += 1
        near = nsmallest(MAX_CANDIDATES, found[low:high], key=lambda k: (abs(days[k] - day), k))
        return sorted(near)

    by_party: dict[str, list[int]] = {}
    for k in candidates:
        party = parties[k]
        if party:
            by_party.setdefault(party, []).append(k)
    pools = [found if len(found) <= MAX_CANDIDATES else nearest(found)
             for _, found in sorted(by_party.items()) if len(found) >= 2]
    pools.append(nearest(candidates))
    for pool in pools:
        if len(pool) == 2:  # most counterparties' pools: one sum to try
            if sizes[pool[0]] + sizes[pool[1]] == target:
                return positions[pool[0]], positions[pool[1]]
            continue
        found = _first_subset([sizes[k] for k in pool], target, max_group)
        if found is not None:
            return tuple(positions[pool[j]] for j in found)
    return None


def _first_subset(values: list, target, max_size: int) -> tuple[int, ...] | None:
    """Positions of the first 2..max_size values adding up to `target`: the smallest size
    first, and within a size the first in itertools.combinations order, i.e. what trying
    every combination in turn finds. Small pools are tried that way; larger ones by a
    search in the same order that skips what cannot add up: all values are above zero and
    below target, so a partial sum that reaches target cannot be completed, and the last
    value is looked up, not searched."""
    if len(values) <= 4:
        for size in range(2, min(max_size, len(values)) + 1):
            for combo in combinations(range(len(values)), size):
                if sum(map(values.__getitem__, combo)) == target:
                    return combo
        return None
    at: dict = {}
    for i, value in enumerate(values):
        at.setdefault(value, []).append(i)

    def first(size: int, start: int, partial) -> tuple[int, ...] | None:
        if size == 1:
            places = at.get(target - partial, ())
            j = bisect_left(places, start)
            return (places[j],) if j < len(places) else None
        for i in range(start, len(values) - size + 1):
            total = partial + values[i]
            if total >= target:
                continue
            rest = first(size - 1, i + 1, total)
            if rest is not None:
                return (i, *rest)
        return None

    for size in range(2, min(max_size, len(values)) + 1):
        found = first(size, 0, 0)
        if found is not None:
            return found
    return None
