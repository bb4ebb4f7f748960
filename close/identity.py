"""Who is who: names compared as people read them, not as code points.

Separation of duties rests on one comparison, "is the approver the preparer?", and a
name can be made to look the same while comparing different: a Cyrillic "а" for a
Latin "a", a zero-width space, a full-width letter, a trailing blank. identity_key
reduces a name to what a reader sees: NFKC (full-width and compatibility forms folded),
invisible format characters removed (zero-width spaces and joiners, bidi controls, soft
hyphens: Unicode category Cf), white space collapsed, case folded, and every character
that Unicode lists as confusable with a Latin letter replaced by that letter (the
confusables data of Unicode TR39, via confusable_homoglyphs). Two names with the same
key are one person.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables


def identity_key(name: str) -> str:
    text = unicodedata.normalize("NFKC", name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = " ".join(text.split()).casefold()
    return "".join(_latin(ch) for ch in text)


def same_person(a: str, b: str) -> bool:
    """'Ana ', 'ana', 'аna' (Cyrillic а) and 'a\u200bna' are all Ana."""
    return identity_key(a) == identity_key(b)


@lru_cache(maxsize=4096)
def _latin(ch: str) -> str:
    if ch.isascii():
        return ch
    found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True) or []
    for entry in found:
        for glyph in entry.get("homoglyphs") or []:
            candidate = glyph.get("c", "")
            if candidate and candidate.isascii():
                return candidate.casefold()
    return ch
