"""The results contract (DESIGN.md): one JSON shape for the CLI, results.json, MCP.

Money travels as decimal strings, never numbers, and nothing time-dependent goes in, so
the same pack and month give the same bytes every run.

A result lists at most FINDINGS_PER_RESULT findings, the first in its ranking (severity,
then amount): books exported twice can raise a hundred thousand duplicates, and no
reader of results.json, the reports or the review queue needs them all inline. The rest
are counted and totalled in `findings_omitted`; the complete list is the findings file
written beside results.json (close.outputs, findings.csv).
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

# The results vocabulary is declared once, in close.skill; readers take it from here.
from close.skill import (AREA_ORDER, SEVERITIES, STATUSES, SUMMARISING_AREA,  # noqa: F401
                         Finding, Result, rank_key, summarises)


def jsonable(value):
    """Plain JSON values: Decimals as exact strings, dates ISO, tuples as lists."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return "0.00" if text == "-0.00" else text
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def finding_to_dict(finding: Finding) -> dict:
    return {
        "severity": finding.severity,
        "message": finding.message,
        "amount": jsonable(finding.amount) if finding.amount is not None else None,
        "refs": list(finding.refs),
    }


FINDINGS_PER_RESULT = 50
FINDINGS_FILE = "findings.csv"


def result_to_dict(result: Result, findings_limit: int | None = FINDINGS_PER_RESULT) -> dict:
    """The result as results.json has it; findings beyond `findings_limit` (None: no
    limit) are counted, not listed."""
    shown = result.findings if findings_limit is None else result.findings[:findings_limit]
    doc = {
        "id": result.skill_id,
        "entity_id": result.entity_id,
        "status": result.status,
        "summary": result.summary,
        "metrics": jsonable(result.metrics),
        "findings": [finding_to_dict(f) for f in shown],
    }
    if len(shown) < len(result.findings):
        doc["findings_omitted"] = omitted(result.findings[len(shown):])
    return doc


def omitted(findings) -> dict:
    """Count, amount and severities of the findings a result does not list."""
    by_severity = {s: 0 for s in SEVERITIES}
    amount = Decimal(0)
    for f in findings:
        by_severity[f.severity] += 1
        if f.amount is not None:
            amount += f.amount
    return {"count": len(findings), "amount": jsonable(amount), "by_severity": by_severity,
            "listed_in": FINDINGS_FILE}


def outcome_to_dict(outcome, extra: dict | None = None,
                    findings_limit: int | None = FINDINGS_PER_RESULT) -> dict:
    doc = {
        "month": str(outcome.month),
        "pack": {"name": outcome.pack.name, "sha256": outcome.pack.sha256},
        "entities": [e.id for e in outcome.entities],
        "scope": {"complete": outcome.complete},
        "catalog": catalog(outcome),
        "skills": [result_to_dict(r, findings_limit) for r in outcome.results],
    }
    doc.update(jsonable(extra or {}))
    return doc


def dumps(doc) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def status_counts(results) -> dict[str, int]:
    counts = {"pass": 0, "exceptions": 0, "skipped": 0, "error": 0}
    for r in results:
        counts[r.status] += 1
    return counts


def catalog(outcome) -> dict:
    """What a reader needs to present the results without the registry or the books:
    each skill's title and area, each entity's name, currency, country and place in the
    group. (The narrative, the report and the review read results.json only, through
    close.results.read_results: ResultsDoc.entity_currency, skill_title, ...)"""
    return {
        "reporting_currency": outcome.pack.reporting_currency,
        "skills": {s.id: {"title": s.title, "area": s.area}
                   for s in sorted(outcome.skills, key=_catalog_order)},
        "entities": {e.id: {"name": e.name, "currency": e.functional_currency,
                            "country": e.country, "parent_id": e.parent_id,
                            "ownership_pct": jsonable(e.ownership_pct)}
                     for e in outcome.entities},
    }


def _catalog_order(skill) -> tuple:
    """Catalog order (area, then id), whatever order dependencies ran them in."""
    return (AREA_ORDER.index(skill.area) if skill.area in AREA_ORDER else len(AREA_ORDER), skill.id)


# The typed reader and the one finding ranking: every reader of results.json reads it
# through these (close.results.reader, close.results.ranking).
from close.results.reader import (CatalogEntity, FindingView, Omitted, ResultsDoc,  # noqa: E402,F401
                                  ResultsError, SkillInfo, SkillResult, area_status_counts,
                                  read_results)
from close.results.ranking import Ranking, RankedFinding, rank_findings, rank_results  # noqa: E402,F401
