"""The group's notes (stmt.consolidation's metrics.statutory.notes) tie to the consolidated
balance sheet on the demo (acme) and the second group (kestrel), translated entity figures
roll forward, and the policies are the wording set for every entity."""
from __future__ import annotations

from decimal import Decimal

import pytest

from close.registry import Registry
from close.skill import Result
from skills.stmt._group_notes import group_policies
from skills.stmt._policies import TOPICS
from skills.stmt.consolidation import SKILL as CONSOLIDATION
from tests.support.books import statement_books

GROUPS = ("acme", "kestrel")
TIED = ("fixed_assets", "debt", "leases", "tax", "related_parties")


def group_notes(outcome):
    result = next(r for r in outcome.results if r.skill_id == "stmt.consolidation")
    return result.metrics, result.metrics["statutory"]["notes"]


def bs_line(metrics, name):
    return next(ln["amount"] for ln in metrics["lines"] if ln["line"] == name)


@pytest.mark.parametrize("group", GROUPS)
def test_every_group_note_ties_to_the_consolidated_balance_sheet(group_close, group):
    outcome, _ = group_close(group)
    metrics, notes = group_notes(outcome)
    entities = sorted(r.entity_id for r in outcome.results if r.skill_id == "stmt.statutory_pack")
    assert notes["entities"] == entities and len(entities) == 4
    assert "missing_rates" not in notes
    for name in TIED:
        note = notes[name]
        assert note["status"] == "pass", (name, note["metrics"]["checks"])
        checks = note["metrics"]["checks"]
        assert checks and all(c["ok"] and c["difference"] == 0 for c in checks), name
    # the checks compare with the balance sheet's own figures, not with themselves
    fa = notes["fixed_assets"]["metrics"]
    ppe = "Property, plant and equipment" if group == "acme" else "Tangible fixed assets"
    assert fa["checks"][0]["balance_sheet"] == bs_line(metrics, ppe) > 0
    assert fa["totals"]["nbv_closing"] + fa["register_to_gl"] == bs_line(metrics, ppe)
    tax = notes["tax"]["metrics"]
    payable = "Tax liabilities" if group == "acme" else "Current tax liabilities"
    assert tax["tax_payable"] == bs_line(metrics, payable) > 0
    nci = notes["related_parties"]["metrics"]
    assert nci["checks"][1]["balance_sheet"] == bs_line(metrics, "Non-controlling interests") > 0


@pytest.mark.parametrize("group", GROUPS)
def test_translated_figures_roll_forward_with_the_translation_difference(group_close, group):
    outcome, _ = group_close(group)
    _, notes = group_notes(outcome)
    for row in notes["fixed_assets"]["metrics"]["classes"]:
        assert (row["cost_opening"] + row["additions"] - row["disposals_cost"]
                + row["cost_translation"]) - row["cost_closing"] in (Decimal("0"), Decimal("0.01"),
                                                                     Decimal("-0.01")), row
        assert row["nbv_closing"] - (row["cost_closing"] - row["depreciation_closing"]) in (
            Decimal("0"), Decimal("0.01"), Decimal("-0.01"))
    for lease in notes["leases"]["metrics"]["leases"]:
        moved = (lease["rou_opening"] + lease["rou_additions"] - lease["rou_depreciation"]
                 + lease["rou_translation"])
        assert abs(moved - lease["rou_closing"]) <= Decimal("0.01"), lease
    debt = notes["debt"]["metrics"]
    assert {i["kind"] for i in debt["instruments"]} == {"loan", "lease"}
    for i in debt["instruments"]:
        buckets = sum((i[k] for k in ("within_1_year", "1_to_2_years", "2_to_5_years",
                                      "after_5_years")), Decimal(0))
        assert abs(buckets - i["balance"]) <= Decimal("0.02"), i


def test_related_parties_are_the_eliminated_pairs_and_the_minorities(group_close):
    outcome, _ = group_close("acme")
    metrics, notes = group_notes(outcome)
    rp = notes["related_parties"]["metrics"]
    assert [(p["provider"], p["recipient"]) for p in rp["pairs"]] == [
        ("US01", "CA01"), ("US01", "DE01"), ("US01", "UK01")]
    uk = rp["pairs"][2]
    assert uk["receivable"] - uk["payable"] == uk["balance_difference"] != 0   # the seeded mismatch
    assert set(rp["non_controlling_interests"]) == {"CA01"}
    assert rp["non_controlling_interests"]["CA01"]["minority_pct"] == Decimal("20.00")


def test_group_policies_standard_wording_unless_set_for_every_entity(group_close):
    outcome, _ = group_close("acme")
    _, notes = group_notes(outcome)
    policies = notes["policies"]["metrics"]
    assert [p["topic"] for p in policies["policies"]] == [t for t, _, _ in TOPICS]
    assert all(p["source"] == "standard wording" for p in policies["policies"])
    assert policies["entities_with_own_wording"] == {}
    # the group's basis is the consolidation's, not one entity's ledger in its currency
    basis = next(p["text"] for p in policies["policies"] if p["topic"] == "basis")
    assert "consolidated" in basis and "translated into the reporting currency" in basis
    assert "the entity's general ledger" not in basis


def test_a_basis_set_for_every_entity_is_the_groups_as_written():
    own = "Prepared under IFRS as adopted by the group."
    found = group_policies([_pack("A", basis=own), _pack("B", basis=own)])
    assert next(p for p in found["policies"] if p["topic"] == "basis") == {
        "topic": "basis", "title": "Basis of preparation", "text": own, "source": "close.toml"}


def _pack(entity_id, **texts):
    items = [{"topic": t, "title": title, "text": texts.get(t, standard),
              "source": "close.toml" if t in texts else "standard wording"}
             for t, title, standard in TOPICS if texts.get(t, standard) != ""]
    return Result("stmt.statutory_pack", entity_id, "pass",
                  metrics={"notes": {"policies": {"status": "pass", "metrics": {"policies": items}}}})


def test_the_wording_set_for_every_entity_wins_and_an_entity_with_its_own_is_named():
    every = "Revenue is recognised on delivery (group policy)."
    packs = [_pack("A", revenue=every), _pack("B", revenue=every),
             _pack("C", revenue="Local wording.", basis="")]
    found = group_policies(packs)
    by_topic = {p["topic"]: p for p in found["policies"]}
    assert by_topic["revenue"]["text"] == every and by_topic["revenue"]["source"] == "close.toml"
    assert by_topic["basis"]["source"] == "standard wording"
    assert found["entities_with_own_wording"] == {"revenue": ["C"], "basis": ["C"]}
    left_out = group_policies([_pack("A", leases=""), _pack("B", leases="")])
    assert "leases" not in {p["topic"] for p in left_out["policies"]}


def test_group_skills_run_after_every_entity_skill_and_the_checklist_after_consolidation():
    registry = Registry.discover(include_plugins=False)
    order = registry.order
    group = [sid for sid in order if registry.get(sid).group]
    assert order[-len(group):] == group
    assert group.index("stmt.consolidation") < group.index("close.checklist")


def test_every_built_in_skill_uses_only_installed_skills():
    """A registry of some skills reads a used skill it lacks as not run; the full
    installation must have every one (a misspelt `uses=` would otherwise go unseen)."""
    registry = Registry.discover(include_plugins=False)
    for skill in registry.all():
        assert registry.inputs(skill) == skill.inputs, skill.id


def test_consolidation_without_the_statutory_packs_says_what_its_notes_need():
    """Installed without stmt.statutory_pack, consolidation runs and its notes say why
    they are empty (the used skill reads as not run)."""
    b = statement_books()
    b.entity("US01")
    b.rate("2026-01-31", "USD", "USD", "closing", "1")
    b.post("US01", "2026-01-01", [("1000", "1000.00"), ("3000", "-1000.00")])
    r = b.close([CONSOLIDATION], "2026-01").result("stmt.consolidation", None)
    assert r.status == "pass"
    assert r.metrics["statutory"]["notes"] == {
        "skipped": "needs stmt.statutory_pack's results for the entities"}
