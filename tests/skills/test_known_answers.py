"""Known answers: every skill on every group of books finds its seeded cases and nothing else.

Each group's May 2026 books (Acme, the demo, and Kestrel, built with other habits) hold
deliberate problems recorded in its answer key (fixtures/answer_key.json,
fixtures/kestrel/answer_key.json: skill, entity, refs, amount); everything else in them
is clean. So, for every
registered skill:
- each seeded case is found: a finding with exactly the case's amount whose refs include
  the case's refs;
- every finding is a seeded case (a finding that matches none is noise, or a bug in the
  books): skills of the `close` area summarise other skills' findings and are held to
  this by their own tests instead;
- an entity with no case for the skill passes;
- no skill errors on any group.
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from close.registry import Registry
from tests.support.groups import GROUPS

REGISTRY = Registry.discover()
SKILL_IDS = [s.id for s in REGISTRY.all()]
FIRST_SLICE = (
    "je.trial_balance", "je.unbalanced_entries", "je.duplicate_entries", "je.self_approved",
    "je.manual_over_threshold", "je.suspense_balance", "recon.bank", "recon.ar_subledger",
    "recon.ap_subledger", "recon.fixed_asset_rollforward", "recon.depreciation_recalc",
    "tax.sales_tax_rates", "tax.vat_return", "stmt.balance_sheet", "stmt.income_statement",
    "flux.month_over_month", "close.exceptions_summary", "close.mfr",
)
SUMMARISING_AREAS = ("close",)
FIXTURES = Path(__file__).parents[2] / "fixtures"
ANSWER_KEYS = {"acme": FIXTURES / "answer_key.json", "kestrel": FIXTURES / "kestrel" / "answer_key.json"}


def seeded_ids(group: str) -> list[str]:
    path = ANSWER_KEYS[group]
    return (sorted({c["skill"] for c in json.loads(path.read_text(encoding="utf-8"))["cases"]})
            if path.exists() else [])


def cases_for(answer_key, skill_id):
    return [c for c in answer_key["cases"] if c["skill"] == skill_id]


def matches(finding, case) -> bool:
    return (finding.amount == Decimal(case["amount"])
            and set(case["refs"]) <= set(finding.refs))


def results_for(outcome, skill_id):
    return [r for r in outcome.results if r.skill_id == skill_id]


def describe(finding) -> str:
    return f"{finding.severity} {finding.amount} {finding.message} {list(finding.refs)}"


def test_first_slice_is_registered():
    missing = [sid for sid in FIRST_SLICE if sid not in REGISTRY]
    assert not missing, f"first-slice skills not registered: {missing}"


def test_answer_key_seeds_at_least_forty_catalog_skills(answer_key):
    seeded = {c["skill"] for c in answer_key["cases"]}
    assert len(seeded) >= 40, sorted(seeded)


GROUP_SKILLS = [(g, s) for g in GROUPS for s in SKILL_IDS]


def _ids(pair):
    return f"{pair[0]}-{pair[1]}"


@pytest.mark.parametrize("group_skill", GROUP_SKILLS, ids=_ids)
def test_runs_without_error(group_close, group_skill):
    group, skill_id = group_skill
    outcome, _ = group_close(group)
    errors = [f"{r.entity_id}: {r.summary}" for r in results_for(outcome, skill_id) if r.status == "error"]
    assert not errors, errors


@pytest.mark.parametrize("group_skill", GROUP_SKILLS, ids=_ids)
def test_finds_every_seeded_case(group_close, group_skill):
    group, skill_id = group_skill
    outcome, key = group_close(group)
    for case in cases_for(key, skill_id):
        result = outcome.result(skill_id, case["entity_id"])
        assert result is not None, f"{group}: {skill_id} produced no result for {case['entity_id']}"
        found = [f for f in result.findings if matches(f, case)]
        assert found, (f"{group}: {skill_id} {case['entity_id']} missed seeded case {case['amount']} "
                       f"{case['refs']} ({case.get('note', '')}); findings: "
                       f"{[describe(f) for f in result.findings]}")


@pytest.mark.parametrize("group_skill", [(g, s) for g, s in GROUP_SKILLS
                                         if s.split(".")[0] not in SUMMARISING_AREAS], ids=_ids)
def test_reports_nothing_that_was_not_seeded(group_close, group_skill):
    group, skill_id = group_skill
    outcome, key = group_close(group)
    cases = cases_for(key, skill_id)
    unexpected = []
    for result in results_for(outcome, skill_id):
        mine = [c for c in cases if c["entity_id"] == result.entity_id]
        for finding in result.findings:
            if not any(matches(finding, c) for c in mine):
                unexpected.append(f"{result.entity_id}: {describe(finding)}")
    assert not unexpected, f"{group}: {unexpected[:10]}"


@pytest.mark.parametrize("group", GROUPS)
def test_every_amount_is_in_its_currencys_minor_unit(group_close, group):
    """A yen amount has no decimals and a dollar amount two, whatever the skill computed
    on the way (a product of rates, a DECIMAL(38,4) sum): 873219, not 873219.0000."""
    from close.money import minor_unit

    outcome, _ = group_close(group)
    currency = {e.id: e.functional_currency for e in outcome.entities}
    wrong = [f"{r.skill_id} {r.entity_id}: {f.amount} ({f.message[:80]})"
             for r in outcome.results for f in r.findings if f.amount is not None
             and f.amount.as_tuple().exponent != minor_unit(
                 currency.get(r.entity_id, outcome.pack.reporting_currency)).as_tuple().exponent]
    assert not wrong, f"{group}: {wrong}"


@pytest.mark.parametrize("group_skill", [(g, s) for g in GROUPS for s in seeded_ids(g)], ids=_ids)
def test_passes_an_entity_where_nothing_is_seeded(group_close, group_skill):
    group, skill_id = group_skill
    if skill_id not in REGISTRY:
        pytest.skip(f"{skill_id} is seeded but not yet a registered skill")
    if REGISTRY.get(skill_id).group:
        pytest.skip("group skill: one result for the group")
    outcome, key = group_close(group)
    seeded_entities = {c["entity_id"] for c in cases_for(key, skill_id)}
    clean = [r for r in results_for(outcome, skill_id) if r.entity_id not in seeded_entities]
    if not clean and any(c.get("origin") == "growth" for c in cases_for(key, skill_id)):
        pytest.skip(f"{group}: the business's own variances (fixtures/growth.py) reach every "
                    f"entity; the other group holds {skill_id} to a clean entity")
    assert clean, f"{group}: every entity has a seeded case for {skill_id}: no clean case"
    # a skill that does not apply to an entity skips it with the reason: that is clean too
    assert all(r.status in ("pass", "skipped") for r in clean), [(r.entity_id, r.status, r.summary) for r in clean]
