"""Narrative sections as the report shows them: who drafted them and whether they check.

Principle 1 of the design is that code computes every number and Claude only writes
words. The report keeps that visible: each section says whether Claude (and which
model) or the offline fallback drafted it, and a section whose figures could not be
matched to computed facts is marked UNVERIFIED with the offending figures listed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from close.results import read_results

SECTION_ORDER = ("executive_summary", "results_of_operations", "balance_sheet_and_cash",
                 "reconciliations", "tax", "exceptions")


@dataclass
class NarrativeSection:
    id: str
    title: str
    drafted_by: str
    model: str | None
    verification: str
    paragraphs: list[str] = field(default_factory=list)
    unverified_figures: list[dict] = field(default_factory=list)
    fallback_reason: str | None = None

    @property
    def author_label(self) -> str:
        if self.drafted_by == "claude":
            return f"Drafted by Claude ({self.model})" if self.model else "Drafted by Claude"
        if self.drafted_by == "fallback":
            return "Fallback draft (deterministic, written without Claude)"
        return f"Drafted by {self.drafted_by}" if self.drafted_by else "Draft"

    @property
    def unverified(self) -> bool:
        return self.verification != "verified" or bool(self.unverified_figures)


def narrative_sections(doc) -> dict[str, NarrativeSection] | None:
    """Sections by id, or None when the run has no narrative (not drafted)."""
    narrative = read_results(doc).narrative
    if not isinstance(narrative, dict) or not isinstance(narrative.get("sections"), list):
        return None
    sections = {}
    for raw in narrative["sections"]:
        if not isinstance(raw, dict) or not raw.get("id"):
            continue
        paragraphs = [str(p) for p in raw.get("paragraphs") or [] if str(p).strip()]
        figures = [f for f in raw.get("unverified_figures") or [] if isinstance(f, dict)]
        sections[str(raw["id"])] = NarrativeSection(
            id=str(raw["id"]),
            title=str(raw.get("title") or str(raw["id"]).replace("_", " ").capitalize()),
            drafted_by=str(raw.get("drafted_by") or ""),
            model=raw.get("model"),
            verification=str(raw.get("verification") or "unverified"),
            paragraphs=paragraphs,
            unverified_figures=figures,
            fallback_reason=str(raw["fallback_reason"]) if raw.get("fallback_reason") else None,
        )
    return sections


def ordered(sections: dict[str, NarrativeSection]) -> list[NarrativeSection]:
    known = [sections[s] for s in SECTION_ORDER if s in sections]
    return known + [s for k, s in sections.items() if k not in SECTION_ORDER]
