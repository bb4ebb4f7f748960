"""Which findings count, and in what order: the same as the report's exceptions list.

The close area's skills restate the findings of other skills (close.exceptions_summary
lists them all, close.checklist turns high ones into blockers, close.period_readiness
repeats trial-balance and suspense problems), so counting them too would state more
findings than the report shows. Findings of every other skill count once.

The order is close.exceptions_summary's when it ran (severity, then amount in the
reporting currency, so a GBP and a USD finding compare), else severity then amount in
the finding's own currency, with skill, entity and position breaking ties so the order
is the same every run.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from close.results import SEVERITIES, SUMMARISING_AREA

SUMMARY_SKILL = "close.exceptions_summary"
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def counted(results: list[dict]) -> list[dict]:
    """Results whose findings count: every skill outside the close area."""
    return [r for r in results if str(r.get("id", "")).split(".", 1)[0] != SUMMARISING_AREA]


def _amount(value) -> Decimal:
    try:
        return abs(Decimal(str(value))) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _key(r: dict, finding: dict) -> tuple:
    return (r.get("id"), r.get("entity_id"), finding.get("message"), tuple(finding.get("refs") or ()))


def _summary_order(results: list[dict]) -> dict[tuple, list[int]]:
    """Finding key -> its ranks in close.exceptions_summary (a key may occur twice)."""
    summary = next((r for r in results if r.get("id") == SUMMARY_SKILL and r.get("status") != "error"), None)
    ranked = ((summary or {}).get("metrics") or {}).get("ranked")
    order: dict[tuple, list[int]] = {}
    if not isinstance(ranked, list):
        return order
    for position, row in enumerate(ranked):
        if isinstance(row, dict):
            key = (row.get("skill_id"), row.get("entity_id"), row.get("message"), tuple(row.get("refs") or ()))
            order.setdefault(key, []).append(position)
    return order


def ordered_findings(results: list[dict]) -> list[tuple[dict, int, dict]]:
    """(result, 1-based index of the finding in its result, finding), most severe and
    largest first, for every finding that counts."""
    order = _summary_order(results)
    rows = []
    for r in counted(results):
        for index, finding in enumerate(r.get("findings") or [], start=1):
            places = order.get(_key(r, finding))
            place = places.pop(0) if places else None
            rows.append(((place is None, place or 0, SEVERITY_RANK.get(finding.get("severity"), 3),
                          -_amount(finding.get("amount")), str(r.get("id")), r.get("entity_id") or "", index),
                         (r, index, finding)))
    rows.sort(key=lambda row: row[0])
    return [item for _, item in rows]
