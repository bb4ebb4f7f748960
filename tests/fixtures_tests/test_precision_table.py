"""The README's precision table is what the skills report today, on every group."""
from __future__ import annotations

from fixtures import precision
from tests.support.groups import GROUPS


def test_readme_precision_table_is_current(group_close):
    scores = {g: precision.score(*group_close(g)) for g in GROUPS}
    expected = precision.render(scores)
    assert precision.readme_section(precision.README.read_text(encoding="utf-8")) == expected, (
        "README precision table is stale: run python -m fixtures.precision --write")


def test_score_counts_found_and_false_findings(group_close):
    outcome, key = group_close("acme")
    scores = precision.score(outcome, key)
    assert sum(s.seeded for s in scores.values()) == len(
        [c for c in key["cases"] if not c["skill"].startswith("close.")])
    assert all(s.found <= s.seeded for s in scores.values())
