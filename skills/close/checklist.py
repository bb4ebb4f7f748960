"""The close checklist: did every skill run for every entity, and what blocks sign-off?

A review can only be signed off when the whole close ran. This group skill compares the
results of the run with the installed skills (each per-entity skill once per entity,
each group skill once) and lists, by area, what passed, what has exceptions, what was
skipped or errored and what did not run at all. Blockers are what a reviewer must clear
before signing: a skill that did not run or errored, a skill skipped because a skill it
depends on failed, and every skill result with a high-severity finding. Medium and low
findings are for review, not blockers. A skill skipped with a stated reason (the pack
lacks an optional file, the books hold nothing it tests) is not a blocker, and neither is
a skill skipped only because such a skill, which it depends on, was skipped: the check
does not apply to those books.
"""
from __future__ import annotations

import re

from close.money import ZERO
from close.skill import AREA_ORDER, STATUSES, SUMMARISING_AREA as SELF_AREA, Finding, Skill

# A blocker points at its first refs, not all: the skill's own findings (and findings.csv)
# list every one, and a month of duplicates would otherwise copy them all here.
MAX_REFS = 20


def expected_results(ctx, skills) -> list[tuple[str, str | None]]:
    """(skill id, entity id) pairs a complete close produces before this skill runs.

    Group skills of the close area run around this one (the review is assembled from
    the checklist, not the other way round), so they are not expected yet."""
    expected = []
    for skill in skills:
        if skill.group:
            if skill.area != SELF_AREA:
                expected.append((skill.id, None))
        else:
            expected.extend((skill.id, e.id) for e in ctx.entities)
    return expected


_DEPENDS = re.compile(r"^depends on (\S+), which (errored|was skipped|did not run)")


def blocked_by_dependency(result, results: dict | None = None, _seen=frozenset()) -> bool:
    """Skipped because a skill it depends on failed. A dependency that errored or did not
    run blocks; one that was itself skipped blocks only if that skip traces back to a
    failure. A dependency skipped for a stated reason (an optional file absent, nothing
    to test) means the dependent does not apply to these books either: not a blocker."""
    if result.status != "skipped":
        return False
    match = _DEPENDS.match(result.summary or "")
    if not match:
        return False
    dep_id, why = match.groups()
    if why != "was skipped" or results is None:
        return True
    dep = results.get((dep_id, result.entity_id)) or results.get((dep_id, None))
    if dep is None or dep_id in _seen:
        return True
    if dep.status == "error":
        return True
    return blocked_by_dependency(dep, results, _seen | {result.skill_id})


def run(ctx):
    results = {(r.skill_id, r.entity_id): r for r in ctx.run_results}
    currency_of = {e.id: e.functional_currency for e in ctx.entities}
    expected = expected_results(ctx, ctx.installed)
    seen = set(expected)
    for skill_id, entity_id in results:  # a skill outside the installed set still counts
        if (skill_id, entity_id) in seen:
            continue
        if entity_id is None and skill_id.split(".", 1)[0] == SELF_AREA:
            continue
        expected.append((skill_id, entity_id))
        seen.add((skill_id, entity_id))
    by_area: dict[str, dict[str, int]] = {}
    blockers, findings = [], []
    for skill_id, entity_id in expected:
        area = skill_id.split(".", 1)[0]
        counts = by_area.setdefault(area, {**{s: 0 for s in STATUSES}, "missing": 0})
        result = results.get((skill_id, entity_id))
        where = entity_id or "the group"
        if result is None:
            counts["missing"] += 1
            detail = f"{skill_id} did not run for {where} in this close"
            blockers.append({"kind": "did_not_run", "skill_id": skill_id, "entity_id": entity_id,
                             "detail": detail})
            findings.append(Finding("high", f"{detail}: run it (close run without --skills or "
                                    f"--entity filters) before sign-off.", None, ()))
            continue
        counts[result.status] += 1
        if result.status == "error":
            blockers.append({"kind": "error", "skill_id": skill_id, "entity_id": entity_id,
                             "detail": result.summary})
            findings.append(Finding("high", f"{skill_id} errored for {where}: {result.summary} "
                                    f"Fix the cause and re-run before sign-off.", None, ()))
        elif blocked_by_dependency(result, results):
            blockers.append({"kind": "blocked", "skill_id": skill_id, "entity_id": entity_id,
                             "detail": result.summary})
            findings.append(Finding("high", f"{skill_id} could not run for {where}: "
                                    f"{result.summary}. Fix that skill first.", None, ()))
        high = [f for f in result.findings if f.severity == "high"]
        if high:
            amounts = [f.amount for f in high if f.amount is not None]
            total = sum(amounts, ZERO) if amounts else None
            every_ref = tuple(dict.fromkeys(ref for f in high for ref in f.refs))
            refs = every_ref[:MAX_REFS]
            currency = currency_of.get(entity_id, ctx.pack.reporting_currency)
            detail = (f"{len(high)} high-severity finding(s)"
                      + (f" totalling {total} {currency}" if total is not None else ""))
            blocker = {"kind": "high_findings", "skill_id": skill_id, "entity_id": entity_id,
                       "detail": detail, "amount": total, "refs": list(refs)}
            if len(every_ref) > MAX_REFS:
                blocker["refs_omitted"] = len(every_ref) - MAX_REFS
            blockers.append(blocker)
            # No amount: it is already on the findings restated here, and a second copy
            # would count it twice wherever findings are added up or ranked.
            findings.append(Finding("high", f"{skill_id} for {where}: {detail}; resolve or "
                                    f"document them before sign-off.", None, refs))
    ran = sum(1 for key in expected if key in results)
    metrics = {
        "expected": len(expected), "ran": ran, "missing": len(expected) - ran,
        "by_area": dict(sorted(by_area.items(), key=lambda kv: _area_rank(kv[0]))),
        "blockers": blockers, "sign_off_ready": not blockers,
    }
    if blockers:
        kinds = {}
        for b in blockers:
            kinds[b["kind"]] = kinds.get(b["kind"], 0) + 1
        parts = [f"{n} {KIND_WORDS[k]}" for k, n in kinds.items()]
        summary = f"Sign-off blocked: {', '.join(parts)}."
    else:
        summary = f"Ready for sign-off: all {ran} expected skill results ran with no high-severity finding."
    return ctx.result(findings, metrics, summary)


KIND_WORDS = {"did_not_run": "skill result(s) missing", "error": "skill result(s) errored",
              "blocked": "skill result(s) blocked by a failed dependency",
              "high_findings": "skill result(s) with high-severity findings"}


def _area_rank(area: str) -> tuple[int, str]:
    return (AREA_ORDER.index(area) if area in AREA_ORDER else len(AREA_ORDER), area)


SKILL = Skill(
    id="close.checklist",
    title="Close checklist",
    description=(
        "Group checklist of the month's close: every installed skill ran, per-entity skills "
        "once per entity and group skills once, with counts by area of passed, with "
        "exceptions, skipped, errored and missing results. Lists what blocks sign-off, each "
        "as a high finding: a skill result that is missing, errored, or skipped because a "
        "skill it depends on failed, and every skill result with high-severity findings "
        "(refs = theirs; the total is in metrics, not on the finding, so amounts are not "
        "counted twice). Skills skipped with a stated reason (an optional file absent, "
        "nothing to test), or skipped because a skill they depend on was skipped so, are "
        "not blockers; medium and low findings are for review."
    ),
    needs=("entities",),
    group=True,
    run=run,
)
