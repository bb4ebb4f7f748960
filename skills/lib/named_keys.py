"""Find an id written as a word of free text ("Reverse ACR-00219" names ACR-00219).

A word here is bounded by the text's ends or by characters that are not ASCII letters or
digits, so an id may hold hyphens or slashes ("LN-001-P23") and is not found inside a
longer one ("ACR-002190"). Where several ids could start at the same place the longest
wins; the first place one is found wins overall.

A schedule can hold tens of thousands of items: one regular expression alternating
every id costs about a second to compile and tens of microseconds per line, so this
looks each possible word start up in a set by the few id lengths there are instead,
with the same answer.
"""
from __future__ import annotations

import string

_WORD_CHARS = frozenset(string.ascii_letters + string.digits)


class KeyFinder:
    """The first id of `keys` that `text` holds as a word, or None."""

    def __init__(self, keys):
        self.keys = frozenset(k for k in keys if k)
        self.lengths = sorted({len(k) for k in self.keys}, reverse=True)
        self.first_chars = frozenset(k[0] for k in self.keys)

    def __bool__(self) -> bool:
        return bool(self.keys)

    def find(self, text: str | None) -> str | None:
        if not text or not self.keys:
            return None
        keys, lengths, starts, size = self.keys, self.lengths, self.first_chars, len(text)
        for i, char in enumerate(text):
            if char not in starts or (i and text[i - 1] in _WORD_CHARS):
                continue
            for length in lengths:
                end = i + length
                if end > size:
                    continue
                if text[i:end] in keys and (end == size or text[end] not in _WORD_CHARS):
                    return text[i:end]
        return None
