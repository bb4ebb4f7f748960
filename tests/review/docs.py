"""Small hand-made results documents, shaped like results.json, for review tests."""
from __future__ import annotations

import copy

PACK = {"name": "Test Group", "sha256": "a" * 64}


def section(sid: str, text: str = "Revenue was 1,000.00.", *, drafted_by: str = "fallback",
            verification: str = "verified", figures=None, unverified_figures=None) -> dict:
    return {
        "id": sid, "title": sid.replace("_", " ").capitalize(), "drafted_by": drafted_by,
        "model": "claude-test" if drafted_by == "claude" else None,
        "verification": verification,
        "unverified_figures": list(unverified_figures or []),
        "paragraphs": [text],
        "figures": list(figures if figures is not None else
                        [{"text": "1,000.00", "fact": "us01.revenue_mtd", "value": "1000.00"}]),
        "facts_sha256": "f" * 64,
    }


def skill(sid: str, entity: str | None = "US01", status: str = "exceptions",
          amount: str = "125.00", ref: str = "journal_lines:JE-0001") -> dict:
    findings = [] if status != "exceptions" else [
        {"severity": "high", "message": f"{sid} found something", "amount": amount, "refs": [ref]}]
    return {"id": sid, "entity_id": entity, "status": status, "summary": f"{sid} summary",
            "metrics": {"count": len(findings)}, "findings": findings}


def make_doc(*, month: str = "2026-05", sections=None, skills=None, pack=None,
             complete: bool = True) -> dict:
    """complete: the close covered every skill and entity (only such a close can be
    signed off)."""
    doc = {"month": month, "pack": dict(pack or PACK), "entities": ["US01", "UK01"],
           "scope": {"complete": complete},
           "skills": [copy.deepcopy(s) for s in (skills or [])]}
    if sections is not None:
        doc["narrative"] = {"sections": [copy.deepcopy(s) for s in sections]}
    return doc


def standard_doc(**overrides) -> dict:
    """Two sections (one drafted by Claude and unverified) and two results with exceptions,
    plus one passing result that must not be queued."""
    return make_doc(
        sections=[section("executive_summary", drafted_by="claude"),
                  section("reconciliations", "Bank differs by $1.3M.", verification="unverified",
                          unverified_figures=[{"text": "$1.3M", "reason": "matches no fact"}])],
        skills=[skill("recon.bank", "US01"), skill("je.self_approved", "UK01", amount="40.00"),
                skill("je.trial_balance", "US01", status="pass")],
        **overrides)
