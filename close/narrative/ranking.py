"""Which findings count, and in what order: the results contract's one ranking.

The close area's skills restate the findings of other skills (close.exceptions_summary
lists them all, close.checklist turns high ones into blockers, close.period_readiness
repeats trial-balance and suspense problems), so counting them too would state more
findings than the report shows. Findings of every other skill count once.

The order is close.results.ranking's, the report's: close.exceptions_summary's when it
ran (severity, then amount in the reporting currency, so a GBP and a USD finding
compare), the findings it does not list after it, by the same key (close.skill.rank_key)
with amounts in their own currency.
"""
from __future__ import annotations

from close.results import FindingView, SkillResult, rank_results


def counted(results) -> list[SkillResult]:
    """Results whose findings count: every skill outside the close area."""
    return [r for r in results if not r.summarises]


def ordered_findings(results) -> list[tuple[SkillResult, int, FindingView]]:
    """(result, 1-based index of the finding in its result, finding), in the one ranking,
    for every finding that counts."""
    return [(f.result, f.index, f.result.findings[f.index - 1])
            for f in rank_results(results).findings if f.result is not None]
