"""The narrative's request budget on a real close: few calls, a bounded bill.

Target for the demo group's May close: at most 8 calls and at most 45,000 input tokens
billed at the input rate, with a cache write counted at 1.25 and a cache read at the
model's read rate (a tenth or less), as the API bills them; and each section sent only
its own facts costs less than every call carrying all of them from the cache. Measured
on the demo group's close of the test session (tests/conftest.py); tokens are estimated
at four characters each (see narrative_measure.py).
"""
from decimal import Decimal

from tests.narrative.narrative_measure import measure


def billed_input(report) -> Decimal:
    """Input tokens as the input rate would bill them (sonnet: write 1.25, read 0.05)."""
    return (report["estimated_input_tokens"] + Decimal("1.25") * report["estimated_cache_write_tokens"]
            + Decimal("0.05") * report["estimated_cache_read_tokens"])


def test_a_close_drafts_in_few_calls_within_the_token_budget(demo_close):
    per_section = measure("2026-05", outcome=demo_close)
    shared = measure("2026-05", outcome=demo_close, layout="all")
    assert per_section["calls"] <= 8
    assert billed_input(per_section) <= 45_000, per_section
    assert Decimal(per_section["estimated_cost_usd"]) < Decimal(shared["estimated_cost_usd"]), (per_section, shared)
    assert per_section["verified_sections"] == shared["verified_sections"] == 6
    # the short per-section messages are all that is not facts
    assert max(per_section["user_message_chars"]) < 1_000
