"""close.checklist: every expected skill result is there, and what blocks sign-off."""
from __future__ import annotations

from decimal import Decimal

import pytest

import skills.close.checklist as checklist_module
from close.registry import Registry
from close.skill import Finding, Result, Skill
from tests.support.books import build, parent_and_sub_books, run_skill

CHECKLIST = Registry.discover(include_plugins=False).get("close.checklist")


def declared(skill_id, group=False):
    return Skill(id=skill_id, title=skill_id, description="a skill for the checklist test",
                 run=lambda ctx: None, group=group)


@pytest.fixture
def installed():
    """The installation the checklist judges against: the runner hands it over as
    ctx.installed, as it does on a real close."""
    return [declared("je.trial_balance"), declared("recon.bank"), declared("recon.loans"),
            declared("stmt.consolidation", group=True), declared("close.mfr", group=True)]


def complete_run():
    return [Result("je.trial_balance", e, "pass") for e in ("UK01", "US01")] + \
           [Result("recon.bank", e, "pass") for e in ("UK01", "US01")] + \
           [Result("recon.loans", "UK01", "skipped", "needs loans.csv, which the pack does not have"),
            Result("recon.loans", "US01", "pass"),
            Result("stmt.consolidation", None, "pass")]


def checklist(results, installed):
    con, pack = build({}, base=parent_and_sub_books())
    return run_skill(CHECKLIST, con, pack, "2026-05", None, run_results=results, installed=installed)


def test_a_complete_clean_close_is_ready_for_sign_off(installed):
    result = checklist(complete_run(), installed)
    assert result.status == "pass", result.findings
    assert result.metrics["sign_off_ready"] is True
    assert result.metrics["expected"] == 7 and result.metrics["missing"] == 0
    assert result.metrics["by_area"]["recon"] == {"pass": 3, "exceptions": 0, "skipped": 1, "error": 0, "missing": 0}
    assert list(result.metrics["by_area"]) == ["je", "recon", "stmt"]  # close-area group skills come after it


def test_missing_errored_and_blocked_results_block_sign_off(installed):
    results = [r for r in complete_run() if (r.skill_id, r.entity_id) != ("recon.bank", "UK01")]
    results = [Result("je.trial_balance", "US01", "error", "SkillError: no rate") if
               (r.skill_id, r.entity_id) == ("je.trial_balance", "US01") else r for r in results]
    results = [Result("recon.loans", "US01", "skipped", "depends on je.trial_balance, which errored") if
               (r.skill_id, r.entity_id) == ("recon.loans", "US01") else r for r in results]
    result = checklist(results, installed)
    blockers = {(b["kind"], b["skill_id"], b["entity_id"]) for b in result.metrics["blockers"]}
    assert blockers == {("did_not_run", "recon.bank", "UK01"), ("error", "je.trial_balance", "US01"),
                        ("blocked", "recon.loans", "US01")}
    assert result.status == "exceptions" and len(result.findings) == 3
    assert all(f.severity == "high" for f in result.findings)
    assert result.metrics["by_area"]["recon"]["missing"] == 1
    assert result.metrics["sign_off_ready"] is False


def test_high_findings_block_with_their_total_and_refs_but_medium_do_not(installed):
    results = complete_run()
    results[2] = Result("recon.bank", "UK01", "exceptions", findings=[
        Finding("high", "a", Decimal("10.00"), ("bank_transactions:BT-1",)),
        Finding("high", "b", Decimal("5.50"), ("bank_transactions:BT-2",)),
        Finding("medium", "c", Decimal("99.00"), ("bank_transactions:BT-3",))])
    results[3] = Result("recon.bank", "US01", "exceptions", findings=[Finding("medium", "d", Decimal("1.00"))])
    result = checklist(results, installed)
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.amount is None  # the amounts stay on the findings themselves
    assert finding.refs == ("bank_transactions:BT-1", "bank_transactions:BT-2")
    blocker = result.metrics["blockers"][0]
    assert blocker["kind"] == "high_findings" and blocker["amount"] == Decimal("15.50")


def test_a_blocker_points_at_its_first_refs_not_all(installed):
    """Books exported twice raise thousands of high findings on one result: the blocker
    and its finding name the first MAX_REFS refs and count the rest."""
    results = complete_run()
    results[2] = Result("recon.bank", "UK01", "exceptions", findings=[
        Finding("high", f"dup {n}", Decimal("1.00"), (f"bank_transactions:BT-{n:05d}",)) for n in range(5000)])
    result = checklist(results, installed)
    blocker = result.metrics["blockers"][0]
    assert len(blocker["refs"]) == checklist_module.MAX_REFS and blocker["refs_omitted"] == 5000 - checklist_module.MAX_REFS
    assert blocker["amount"] == Decimal("5000.00") and "5000 high-severity finding(s)" in blocker["detail"]
    assert len(result.findings[0].refs) == checklist_module.MAX_REFS


def test_a_skill_outside_the_installed_set_still_counts(installed):
    results = complete_run() + [Result("je.plugin_check", "US01", "error", "boom")]
    result = checklist(results, installed)
    assert [(b["kind"], b["skill_id"]) for b in result.metrics["blockers"]] == [("error", "je.plugin_check")]


def test_demo_checklist_expects_every_installed_skill(demo_close):
    result = demo_close.result("close.checklist", None)
    assert result is not None and result.status in ("pass", "exceptions"), result and result.summary
    assert result.metrics["missing"] == 0
    errored = [r for r in demo_close.results if r.status == "error"]
    kinds = [b["kind"] for b in result.metrics["blockers"]]
    assert kinds.count("error") == len(errored)
    with_high = {(r.skill_id, r.entity_id) for r in demo_close.results
                 if any(f.severity == "high" for f in r.findings) and r.skill_id.split(".")[0] != "close"}
    flagged = {(b["skill_id"], b["entity_id"]) for b in result.metrics["blockers"] if b["kind"] == "high_findings"}
    assert with_high <= flagged


def test_a_skip_that_cascades_from_a_stated_reason_does_not_block(installed):
    """recon.bank skipped because the pack has no bank file; a skill depending on it is
    skipped in turn: neither applies to these books, neither blocks. A skip that traces
    back to an error still does."""
    results = [Result("recon.bank", "UK01", "skipped", "needs bank_transactions.csv, which the pack does not have")
               if (r.skill_id, r.entity_id) == ("recon.bank", "UK01") else
               Result("recon.loans", "UK01", "skipped", "depends on recon.bank, which was skipped")
               if (r.skill_id, r.entity_id) == ("recon.loans", "UK01") else r
               for r in complete_run()]
    result = checklist(results, installed)
    assert result.metrics["sign_off_ready"] is True, result.metrics["blockers"]
    assert result.status == "pass"
    results = [Result("recon.bank", "UK01", "skipped", "depends on je.trial_balance, which errored")
               if (r.skill_id, r.entity_id) == ("recon.bank", "UK01") else r for r in results]
    results = [Result("je.trial_balance", "UK01", "error", "SkillError: boom")
               if (r.skill_id, r.entity_id) == ("je.trial_balance", "UK01") else r for r in results]
    blockers = {(b["kind"], b["skill_id"], b["entity_id"]) for b in checklist(results, installed).metrics["blockers"]}
    assert blockers == {("error", "je.trial_balance", "UK01"), ("blocked", "recon.bank", "UK01"),
                        ("blocked", "recon.loans", "UK01")}
