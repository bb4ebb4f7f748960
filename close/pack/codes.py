"""The closed lists a pack's currency and country codes are checked against.

Taken from CLDR through babel rather than typed by hand, so a new currency (or a
renamed country) arrives with a babel upgrade instead of a code change. CLDR keeps
historic ISO 4217 codes too (DEM, FRF): books from before the euro stay loadable.
"""
from __future__ import annotations

from functools import lru_cache

from babel import Locale
from babel.numbers import list_currencies


@lru_cache(maxsize=1)
def currency_codes() -> tuple[str, ...]:
    """ISO 4217 alphabetic codes known to CLDR, sorted."""
    return tuple(sorted(c for c in list_currencies() if len(c) == 3 and c.isalpha() and c.isupper()))


@lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 region codes known to CLDR, sorted (numeric UN regions such
    as '001' are left out: a ledger row belongs to a country)."""
    return tuple(sorted(k for k in Locale("en").territories if len(k) == 2 and k.isalpha()))
