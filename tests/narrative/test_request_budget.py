"""The narrative's request budget on a real close: few calls, bounded uncached input.

Target for the demo group's May close: at most 8 calls and at most 40,000 uncached
input tokens, counting the cache write (system prompt and facts, sent once) as
uncached. Measured on the demo group when the generator provides it, else on the test
pack; tokens are estimated at four characters each (see measure.py).
"""
from narrative_measure import measure


def test_a_close_drafts_in_few_calls_within_the_token_budget(tmp_path):
    report = measure("2026-05", workspace=tmp_path)
    assert report["calls"] <= 8
    assert report["estimated_uncached_input_tokens"] <= 40_000, report
    # the short per-section messages are all that is not shared
    assert max(report["user_message_chars"]) < 1_000
