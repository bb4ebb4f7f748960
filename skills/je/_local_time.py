"""The day an entry was keyed, in the entity's own time zone.

`created_at` is stored in UTC (the pack loader converts every offset), but "how many days
after its posting date was this keyed" is a question about the preparer's calendar: an
entry keyed at 20:00 in California on the 30th is already the 31st in UTC, and one keyed
at 08:00 in Tokyo on the 31st is still the 30th. The entity's country gives its time
zones (CLDR territory zones, via babel) and the tz database gives their offsets. Where a
country spans several zones (the US) the earliest local day is taken, so a lag is never
overstated; where no zone is known the earliest day anywhere (UTC-12) is used.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

_EARLIEST_OFFSET = timedelta(hours=-12)


@lru_cache(maxsize=None)
def _zones(country: str) -> tuple:
    try:
        from zoneinfo import ZoneInfo

        from babel.core import get_global

        names = get_global("territory_zones").get((country or "").upper(), ())
        return tuple(ZoneInfo(name) for name in sorted(names))
    except Exception:  # no tz database on this machine: fall back to the widest bound
        return ()


def local_day(created_at: datetime, country: str) -> date:
    """Earliest calendar day the UTC instant `created_at` (naive = UTC) falls on in the
    country's time zones."""
    instant = created_at if created_at.tzinfo else created_at.replace(tzinfo=timezone.utc)
    zones = _zones(country)
    if not zones:
        return (instant.astimezone(timezone.utc) + _EARLIEST_OFFSET).date()
    return min(instant.astimezone(zone).date() for zone in zones)
