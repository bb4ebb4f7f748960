"""skills.lib.named_keys: the same answers as the regular expression it replaced."""
from __future__ import annotations

import random
import re

import pytest

from skills.lib.named_keys import KeyFinder


def regex_answer(keys, text):
    keys = sorted(set(keys), key=lambda k: (-len(k), k))
    pattern = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(re.escape(k) for k in keys) + r")(?![A-Za-z0-9])")
    hit = pattern.search(text)
    return hit.group(1) if hit else None


@pytest.mark.parametrize("text, found", [
    ("Reverse ACR-00219", "ACR-00219"),
    ("Reverse ACR-002190", None),            # inside a longer id
    ("XACR-00219 reversal", None),           # glued to a letter before
    ("ACR-00219/2 partial", "ACR-00219"),    # a slash ends the word
    ("Loan principal LN-001-P23", "LN-001-P23"),   # the longest id at a place wins
    ("Loan principal LN-001-P2", "LN-001"),        # "-P2" is not an id: the shorter one
    ("LN-001 then ACR-00219", "LN-001"),     # the first place wins
    ("accrual ACR-00219.", "ACR-00219"),
    ("Café ACR-00219", "ACR-00219"),
    ("éACR-00219", "ACR-00219"),             # a non-ASCII letter is not a word character
    ("", None),
    (None, None),
])
def test_an_id_is_found_as_a_word(text, found):
    finder = KeyFinder(["ACR-00219", "LN-001", "LN-001-P23"])
    assert finder.find(text) == found


def test_no_keys_find_nothing():
    assert not KeyFinder([])
    assert KeyFinder([]).find("ACR-00219") is None


def test_random_texts_agree_with_the_regular_expression():
    rng = random.Random(7)
    alphabet = "AB01-/ é."
    keys = {"".join(rng.choice("AB01-/") for _ in range(rng.randint(2, 6))) for _ in range(40)}
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        assert KeyFinder(keys).find(text) == regex_answer(keys, text), (keys, text)
