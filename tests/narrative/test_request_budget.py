"""The narrative's request budget on a real close: few calls, bounded uncached input.

Target for the demo group's May close: at most 8 calls and at most 40,000 uncached
input tokens, counting the cache write (system prompt and facts, sent once) as
uncached. Measured on the demo group's close of the test session (tests/conftest.py);
tokens are estimated at four characters each (see narrative_measure.py).
"""
from narrative_measure import measure


def test_a_close_drafts_in_few_calls_within_the_token_budget(demo_close):
    report = measure("2026-05", outcome=demo_close)
    assert report["calls"] <= 8
    assert report["estimated_uncached_input_tokens"] <= 40_000, report
    # the short per-section messages are all that is not shared
    assert max(report["user_message_chars"]) < 1_000
