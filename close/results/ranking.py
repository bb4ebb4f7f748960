"""The one ranking of a results document's findings, for every reader.

The order is close.skill.rank_key: severity, then the larger amount, then skill, entity,
refs and message. close.exceptions_summary ranks the close's findings by it with each
amount in the reporting currency (at the month's closing rate), so findings of entities
in different currencies compare; when it ran, its ranked list is the ranking, and the
findings it did not list (beyond its `listed` rows) follow it. When it did not run, the
findings are ranked by the same key with amounts in their own currency.

The close area's skills restate other skills' findings, so their own findings are not
ranked (nor counted): findings of every other skill count once.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from close.results.reader import ResultsError, SkillResult, _decimal, _text, read_results
from close.skill import SEVERITIES, rank_key

SUMMARY_SKILL = "close.exceptions_summary"
BY_SUMMARY = "severity, then amount in the reporting currency (close.exceptions_summary)"
BY_OWN_AMOUNT = "severity, then amount in the entity's currency"


@dataclass(frozen=True)
class RankedFinding:
    """A finding in its place in the ranking (rank 1 first)."""

    rank: int
    severity: str
    skill_id: str
    entity_id: str | None
    currency: str
    amount: Decimal | None
    amount_reporting: Decimal | None
    message: str
    refs: tuple[str, ...]
    result: SkillResult | None      # the result that lists it (None: the summary lists it alone)
    index: int | None               # its 1-based position in that result's findings

    @property
    def area(self) -> str:
        return self.skill_id.split(".", 1)[0]

    @property
    def key(self) -> tuple:
        """rank_key with the amount it is ranked by."""
        amount = self.amount_reporting if self.amount_reporting is not None else self.amount
        return rank_key(self.severity, amount, self.refs, self.message, self.skill_id, self.entity_id)


@dataclass(frozen=True)
class Ranking:
    findings: tuple[RankedFinding, ...]
    ranked_by: str
    summarised: int | None  # how many come from close.exceptions_summary's list (None: it did not run)

    @property
    def listed(self) -> tuple[RankedFinding, ...]:
        """What a report lists: the summary's ranked rows when it ran (the rest are in
        findings.csv), else every finding the results list."""
        return self.findings if self.summarised is None else self.findings[:self.summarised]


def _finding_id(skill_id, entity_id, message, refs) -> tuple:
    return (skill_id, entity_id, message, tuple(refs))


def _summary_rows(results) -> list[dict] | None:
    summary = next((r for r in results if r.id == SUMMARY_SKILL and r.entity_id is None), None)
    if summary is None or summary.status == "error":
        return None
    ranked = summary.metric("ranked")
    if not isinstance(ranked, list) or not all(isinstance(row, dict) for row in ranked):
        return None
    return ranked


def _summary_finding(row: dict, position: int, where: dict) -> RankedFinding:
    at = f"{SUMMARY_SKILL} metrics.ranked[{position}]"
    skill_id = _text(row.get("skill_id"), f"{at}.skill_id")
    entity_id = row.get("entity_id")
    refs = tuple(str(r) for r in row.get("refs") or ())
    message = _text(row.get("message"), f"{at}.message")
    places = where.get(_finding_id(skill_id, entity_id, message, refs))
    result, index = places.pop(0) if places else (None, None)
    severity = row.get("severity")
    if severity not in SEVERITIES:
        raise ResultsError(f"not a results.json of this version of close: {at}.severity is {severity!r}")
    return RankedFinding(
        rank=int(row.get("rank") or position + 1), severity=severity, skill_id=skill_id,
        entity_id=entity_id, currency=_text(row.get("currency"), f"{at}.currency"),
        amount=_decimal(row.get("amount"), f"{at}.amount"),
        amount_reporting=_decimal(row.get("amount_reporting"), f"{at}.amount_reporting"),
        message=message, refs=refs, result=result, index=index)


def rank_findings(doc) -> Ranking:
    """Every counted finding of a results document (dict or ResultsDoc), in the one order."""
    doc = read_results(doc)
    return rank_results(doc.results, doc.entity_currency)


def rank_results(results, currency_of=lambda entity_id: "") -> Ranking:
    """Every counted finding of these results (SkillResults), in the one order;
    `currency_of(entity_id)` is the currency a finding's own amount is in."""
    where: dict[tuple, list[tuple[SkillResult, int]]] = {}
    for r in results:
        if r.summarises:
            continue
        for index, f in enumerate(r.findings, start=1):
            where.setdefault(_finding_id(r.id, r.entity_id, f.message, f.refs), []).append((r, index))
    rows = _summary_rows(results)
    ranked = [_summary_finding(row, i, where) for i, row in enumerate(rows or [])]
    rest = [RankedFinding(0, f.severity, r.id, r.entity_id, currency_of(r.entity_id), f.amount,
                          None, f.message, f.refs, r, index)
            for places in where.values() for r, index in places
            for f in (r.findings[index - 1],)]
    rest.sort(key=lambda f: (f.key, f.index))
    start = len(ranked)
    ranked += [_with_rank(f, start + i) for i, f in enumerate(rest, start=1)]
    return Ranking(tuple(ranked), BY_SUMMARY if rows is not None else BY_OWN_AMOUNT,
                   len(rows) if rows is not None else None)


def _with_rank(finding: RankedFinding, rank: int) -> RankedFinding:
    return replace(finding, rank=rank)
