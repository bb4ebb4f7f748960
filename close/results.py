"""The results contract (DESIGN.md): one JSON shape for the CLI, results.json, MCP.

Money travels as decimal strings, never numbers, and nothing time-dependent goes in, so
the same pack and month give the same bytes every run.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from close.skill import Finding, Result


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


def result_to_dict(result: Result) -> dict:
    return {
        "id": result.skill_id,
        "entity_id": result.entity_id,
        "status": result.status,
        "summary": result.summary,
        "metrics": jsonable(result.metrics),
        "findings": [finding_to_dict(f) for f in result.findings],
    }


def outcome_to_dict(outcome, extra: dict | None = None) -> dict:
    doc = {
        "month": str(outcome.month),
        "pack": {"name": outcome.pack.name, "sha256": outcome.pack.sha256},
        "entities": [e.id for e in outcome.entities],
        "scope": {"complete": outcome.complete},
        "skills": [result_to_dict(r) for r in outcome.results],
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
