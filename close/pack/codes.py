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


# CLDR two-letter regions that are groups or placeholders, not places a company is in:
# the European Union and eurozone, the United Nations, Outlying Oceania, the pseudo
# locales and "unknown region".
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


@lru_cache(maxsize=1)
def country_codes() -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes known to CLDR, sorted. Numeric UN regions ('001') and
    the group and placeholder codes above are left out: a ledger row belongs to a
    country. CLDR's XK (Kosovo) and ISO's exceptionally reserved codes stay in."""
    return tuple(sorted(k for k in Locale("en").territories
                        if len(k) == 2 and k.isalpha() and k not in NOT_COUNTRIES))
