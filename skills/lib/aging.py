"""Aging buckets: how late an open item is, in the bands a controller reads.

Receivables and payables are aged by days past due at the month end: not yet due
(current), 1-30, 31-60, 61-90 and over 90 days. The bands are named once here so every
aging report, finding and chart uses the same ones.
"""
from __future__ import annotations

# (name, first day, last day); None is open-ended.
BUCKETS = (("current", None, 0), ("1_30", 1, 30), ("31_60", 31, 60), ("61_90", 61, 90),
           ("over_90", 91, None))


def bucket_of(days_past_due: int, buckets=BUCKETS) -> str:
    """The name of the band holding this many days past due (negative: not yet due)."""
    for name, lo, hi in buckets:
        if (lo is None or days_past_due >= lo) and (hi is None or days_past_due <= hi):
            return name
    raise ValueError(f"{days_past_due} days past due is in no bucket")
