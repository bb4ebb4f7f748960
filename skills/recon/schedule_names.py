"""Which schedule item a journal line names, when the books say so at all.

Loans, leases and other schedules post monthly entries that name their item either in
`doc_ref` ("loans:LN-001") or only in the description ("Loan principal LN-001-P23",
"Reverse ACR-00219"), and many systems name it in neither. The reconciliations tie the
account first; this only itemises the lines that do name an item, never guesses.
"""
from __future__ import annotations

import re


class Namer:
    """Which schedule item a journal line names: doc_ref first, then a word of the text.

    `items` have `.ref` (e.g. "loans:LN-001") and `.key` (the id as it appears in text)."""

    def __init__(self, items):
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
