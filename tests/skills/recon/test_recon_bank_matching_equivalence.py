"""The matching as it runs (passes 1 and 2 set-based in DuckDB, settled in rounds; pass 3's
pruned subset search) makes exactly the matches of the plain in-order loop it replaced
(bank_matching_reference), on books built to make bank lines contend: few amounts, few
days, shared references, chains of equal amounts on nearby days, references padded with
whitespace, descriptions full of punctuation, deposits that are sums of receipts. Passes 1
and 2 run with the rounds alone, with the in-order residue alone, and with the mix used in
production."""
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

import skills.recon.bank_matching as bm
from tests.skills.recon.bank_matching_reference import reference_match
from skills.recon.bank_matching import BankItem, BookItem, match

START = date(2026, 4, 20)
WORDS = ["Receipt", "Payment", "INV-1", "INV-2", "PAY-7", "CHK-1001", "a_.b:c..", "_x_", "é9é",
         "--", "RCT-3.", ".PAY-7", "ap_payments:PAY-7", "x", "INV-1,INV-2", "  ", "\tINV-2\u3000",
         "-CHK-1001-", "x:y:z", "ÄINV-1", "INV-1ß", "9/9"]
REFS = ["INV-1", "INV-2", "PAY-7", " PAY-7 ", "CHK-1001", "a_.b:c", "x", "\u3000INV-1\t", "RCT-3",
        "ap_payments:PAY-7", "", "nothing", "9", "x:y:z", "y:z", "9/9", "  "]
DOCS = [None, "ap_payments:PAY-7", "ar_receipts:RCT-3", "INV-1", "weird:", "CHK-1001", "a:b:c", "x:y:z", ":"]
PARTIES = [None, "C1", "C2"]


def _books(rng: random.Random, n_bank: int, n_book: int, amounts: list[str], days: int):
    def amount():
        return Decimal(rng.choice(amounts)) * rng.choice((1, -1))

    bank = [BankItem(f"BT-{i:03d}", START + timedelta(rng.randrange(days)), amount(),
                     rng.choice(REFS + [None] * 4), rng.choice(["", "fee", "deposit"]))
            for i in range(n_bank)]
    book = [BookItem(f"JE-{rng.randrange(n_book):03d}", i, START + timedelta(rng.randrange(days)),
                     amount(), " ".join(rng.sample(WORDS, rng.randrange(4))),
                     rng.choice(DOCS), rng.choice(PARTIES))
            for i in range(n_book)]
    return bank, book


def _key(result):
    pairs = sorted((m.method, m.bank.txn_id, tuple((b.je_id, b.line_no) for b in m.book))
                   for m in result.matches)
    return (pairs, [b.txn_id for b in result.unmatched_bank],
            [(b.je_id, b.line_no) for b in result.unmatched_book],
            {m: result.count(m) for m in ("reference", "amount_date", "one_to_many")})


def _assert_same_as_the_loop(seed: int) -> None:
    """Books drawn from `seed` (few amounts, few days, shared references) and a window and
    group size drawn alike: the matching and the in-order loop make the same pairs."""
    rng = random.Random(seed)
    amounts = rng.choice([["100.00"], ["100.00", "40.00", "60.00"],
                          [f"{rng.randrange(1, 30)}.{rng.randrange(100):02d}" for _ in range(8)]])
    bank, book = _books(rng, rng.randrange(1, 60), rng.randrange(1, 80), amounts, rng.choice([3, 10, 40]))
    window, max_group = rng.choice([0, 1, 2, 5, 9, -1, 1000]), rng.choice([0, 2, 3, 5])
    assert _key(match(bank, book, window, max_group)) == _key(reference_match(bank, book, window, max_group))


MODES = {"rounds": (0, 10**9), "in_order": (10**9, 1), "mixed": (bm.RESIDUE_PAIRS, bm.RESIDUE_SHARE)}


@pytest.mark.parametrize("mode", sorted(MODES))
@pytest.mark.parametrize("seed", range(40))
def test_same_pairs_as_the_in_order_loop(seed, mode, monkeypatch):
    residue_pairs, residue_share = MODES[mode]
    monkeypatch.setattr(bm, "RESIDUE_PAIRS", residue_pairs)
    monkeypatch.setattr(bm, "RESIDUE_SHARE", residue_share)
    _assert_same_as_the_loop(seed)


@pytest.mark.parametrize("few_references", [0, 3])
@pytest.mark.parametrize("seed", range(20))
def test_amounts_many_references_carry_give_the_same_pairs(seed, few_references, monkeypatch):
    """Pass 1 pairs an amount few references carry by testing each (bank, book) pair, and
    one many carry through the book lines' listed keys; with the threshold at 0 every
    amount takes the keys' way, at 3 the two ways mix within one statement."""
    monkeypatch.setattr(bm, "FEW_REFERENCES", few_references)
    _assert_same_as_the_loop(seed)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_a_chain_of_equal_amounts_on_consecutive_days(mode, monkeypatch):
    # Each bank line contends with the next for the same book lines: the rounds settle one
    # link at a time, the in-order residue takes the rest.
    residue_pairs, residue_share = MODES[mode]
    monkeypatch.setattr(bm, "RESIDUE_PAIRS", residue_pairs)
    monkeypatch.setattr(bm, "RESIDUE_SHARE", residue_share)
    bank = [BankItem(f"BT-{i:03d}", START + timedelta(i), Decimal("25.00")) for i in range(120)]
    book = [BookItem(f"JE-{i:03d}", 1, START + timedelta(i + (i % 3) - 1), Decimal("25.00"))
            for i in range(0, 130)]
    assert _key(match(bank, book, 3)) == _key(reference_match(bank, book, 3))


@pytest.mark.parametrize("seed", range(15))
def test_same_groups_as_the_in_order_loop(seed):
    # Bank lines that are sums of book lines (deposits of several receipts, payment runs),
    # some with an equal single line too, so pass 3 works on what passes 1 and 2 leave.
    rng = random.Random(1000 + seed)
    book = [BookItem(f"JE-{i:03d}", 1, START + timedelta(rng.randrange(12)),
                     Decimal(rng.choice(["10.00", "20.00", "30.00", "45.50"])) * rng.choice((1, -1)),
                     rng.choice(["", "INV-1", "PAY-7 run"]), rng.choice(DOCS), rng.choice(PARTIES))
            for i in range(rng.randrange(5, 60))]
    bank = []
    for i in range(rng.randrange(1, 30)):
        parts = rng.sample(book, min(len(book), rng.randrange(1, 5)))
        sign = 1 if parts[0].amount > 0 else -1
        amount = sum((abs(b.amount) for b in parts), Decimal(0)) * sign
        bank.append(BankItem(f"BT-{i:03d}", min(b.posting_date for b in parts) + timedelta(rng.randrange(4)),
                             amount, rng.choice(REFS + [None] * 6)))
    window, max_group = rng.choice([2, 5, 9]), rng.choice([2, 3, 5])
    ours, theirs = match(bank, book, window, max_group), reference_match(bank, book, window, max_group)
    assert _key(ours) == _key(theirs)


@pytest.mark.parametrize("seed", range(30))
def test_subset_search_finds_the_combination_trying_them_all_would(seed):
    # Pass 3's pruned search against itertools.combinations tried in turn (smallest size
    # first): same subset, or none, on pools of up to MAX_CANDIDATES with repeated values.
    from itertools import combinations

    from skills.recon.bank_matching import MAX_CANDIDATES, _first_subset

    rng = random.Random(seed)
    values = [Decimal(rng.choice(["1.00", "2.5", "2.50", "4.00", "7.25", "11.00", "0.75"]))
              for _ in range(rng.randrange(2, MAX_CANDIDATES + 1))]
    for target in {sum(rng.sample(values, k), Decimal(0)) for k in range(2, len(values) + 1)} | {Decimal("99")}:
        pool = [v for v in values if v < target]
        for max_size in (2, 3, 5):
            expected = next((combo for size in range(2, min(max_size, len(pool)) + 1)
                             for combo in combinations(range(len(pool)), size)
                             if sum((pool[i] for i in combo), Decimal(0)) == target), None)
            assert _first_subset(pool, target, max_size) == expected


def test_whitespace_is_what_strip_removes():
    assert bm.WHITESPACE == "".join(c for c in map(chr, range(0x110000)) if c.isspace())
