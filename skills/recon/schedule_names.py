"""Which schedule item a journal line names, when the books say so at all.

Loans, leases and other schedules post monthly entries that name their item either in
`doc_ref` ("loans:LN-001") or only in the description ("Loan principal LN-001-P23",
"Reverse ACR-00219"), and many systems name it in neither. The reconciliations tie the
account first; this only itemises the lines that do name an item, never guesses.
"""
from __future__ import annotations

from skills.lib.named_keys import KeyFinder


class Namer:
    """Which schedule item a journal line names: doc_ref first, then a word of the text.

    `items` have `.ref` (e.g. "loans:LN-001") and `.key` (the id as it appears in text)."""

    def __init__(self, items):
        self.by_ref = {i.ref: i.ref for i in items}
        self.by_key = {i.key: i.ref for i in items}
        self.words = KeyFinder(self.by_key)

    def __call__(self, doc_ref: str | None, description: str | None) -> str | None:
        if doc_ref and doc_ref in self.by_ref:
            return doc_ref
        key = self.words.find(description)
        return self.by_key[key] if key is not None else None
