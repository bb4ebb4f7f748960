"""What a close puts up for review: one item per narrative section, one per skill result
with exceptions.

An item's content is the section or skill result exactly as results.json has it (draft
text, figures, findings with refs, metrics), and its identity across runs is its key:
the section id, or "<skill id>/<entity id or group>". Two runs whose content hashes are
equal have nothing new to review; a different hash is a new version.

The results are read through close.results' reader (a document that is not ours is
refused there, with its message); a skill item's content is the result as the reader
gives it back (SkillResult.to_dict, key for key what close wrote). A narrative section
is the narrative stage's own record, read as it is.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from close.results import ResultsDoc, SkillResult, read_results
from close.review.audit import canonical

DRAFTERS = {"claude": "Claude", "fallback": "fallback drafter"}


@dataclass(frozen=True)
class Candidate:
    kind: str            # "section" | "skill"
    key: str
    title: str
    content: dict
    unverified: bool
    drafted_by: str | None

    @property
    def content_json(self) -> str:
        return canonical(self.content)

    @property
    def content_sha256(self) -> str:
        return hashlib.sha256(self.content_json.encode("utf-8")).hexdigest()

    def preparer(self, user: str) -> str:
        """Who prepared it, as shown: a drafted section names the drafter and the person
        it drafted for; for approval rules that person is the preparer either way."""
        drafter = DRAFTERS.get(self.drafted_by or "")
        return f"{drafter} on behalf of {user}" if drafter else user


def skill_key(result: SkillResult) -> str:
    return f"{result.id}/{result.entity_id or 'group'}"


def candidates(doc: ResultsDoc | dict) -> list[Candidate]:
    """The doc's reviewable items, sections first, in the doc's order."""
    doc = read_results(doc)
    found = [*_sections(doc), *_skill_exceptions(doc)]
    seen: set[tuple[str, str]] = set()
    for c in found:
        if (c.kind, c.key) in seen:
            raise ValueError(f"results for {doc.month} hold two {c.kind} items keyed {c.key!r}")
        seen.add((c.kind, c.key))
    return found


def _sections(doc: ResultsDoc):
    narrative = doc.narrative or {}
    for i, section in enumerate(narrative.get("sections") or []):
        key = section.get("id")
        if not key:
            raise ValueError(f"narrative section {i + 1} has no id")
        yield Candidate("section", str(key), str(section.get("title") or key), section,
                        section.get("verification") == "unverified", section.get("drafted_by"))


def _skill_exceptions(doc: ResultsDoc):
    for result in doc.results:
        if result.status != "exceptions":
            continue
        title = f"{result.id} ({result.entity_id or 'group'})"
        yield Candidate("skill", skill_key(result), title, result.to_dict(), False, None)


def passing_skill_keys(doc: ResultsDoc | dict) -> set[str]:
    """Results that now pass: an open exceptions item for them is withdrawn. A skill that
    errored or was skipped says nothing about its exceptions, so its item stays."""
    return {skill_key(r) for r in read_results(doc).results if r.status == "pass"}
