"""Queueing a close: what becomes an item, what a re-run adds, and what review_state says."""
import hashlib
import json

import pytest

from close.results import dumps
from close.review import queue_run
from close.review.decisions import approve, comment, reject
from close.review.views import list_items, show
from tests.review.docs import make_doc, section, skill, standard_doc


def queue(doc, workspace, user="ana"):
    return queue_run(doc, workspace=workspace, user=user, pack_path="/books/test")


def keys(state):
    return [(i["kind"], i["key"], i["version"], i["status"]) for i in state["items"]]


def test_one_item_per_section_and_per_result_with_exceptions(workspace):
    state = queue(standard_doc(), workspace)
    assert keys(state) == [
        ("section", "executive_summary", 1, "pending"),
        ("section", "reconciliations", 1, "pending"),
        ("skill", "recon.bank/US01", 1, "pending"),
        ("skill", "je.self_approved/UK01", 1, "pending"),
    ]
    assert [i["id"] for i in state["items"]] == ["R-0001", "R-0002", "R-0003", "R-0004"]
    assert [i["unverified"] for i in state["items"]] == [False, True, False, False]
    assert state["readiness"] == {"approved": 0, "total": 4, "share": "0.0"}
    assert state["locked"] is False


def test_preparer_names_the_drafter_and_the_person(workspace):
    doc = make_doc(sections=[section("tax", drafted_by="claude"),
                             section("exceptions", drafted_by="fallback")],
                   skills=[skill("recon.bank")])
    state = queue(doc, workspace, user="ana")
    assert [i["preparer"] for i in state["items"]] == [
        "Claude on behalf of ana", "fallback drafter on behalf of ana", "ana"]


def test_item_keeps_draft_figures_findings_run_and_pack(workspace, store):
    doc = standard_doc()
    state = queue(doc, workspace)
    results_sha = hashlib.sha256(dumps(doc).encode("utf-8")).hexdigest()
    assert state["run_id"] == results_sha[:12]
    section_item = show(store, "R-0001")
    assert section_item["content"]["paragraphs"] == ["Revenue was 1,000.00."]
    assert section_item["content"]["figures"][0]["fact"] == "us01.revenue_mtd"
    assert section_item["run_id"] == results_sha[:12]
    assert section_item["pack"] == {"name": "Test Group", "sha256": "a" * 64}
    skill_item = show(store, "R-0003")
    assert skill_item["content"]["findings"][0]["refs"] == ["journal_lines:JE-0001"]
    assert skill_item["content"]["findings"][0]["amount"] == "125.00"
    expected_hash = hashlib.sha256(json.dumps(
        doc["skills"][0], sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    assert skill_item["content_sha256"] == expected_hash


def test_without_narrative_only_exceptions_are_queued(workspace):
    state = queue(make_doc(skills=[skill("recon.bank"), skill("tax.vat", status="pass")]), workspace)
    assert keys(state) == [("skill", "recon.bank/US01", 1, "pending")]


def test_group_result_key_says_group(workspace):
    state = queue(make_doc(skills=[skill("stmt.consolidation", entity=None)]), workspace)
    assert state["items"][0]["key"] == "stmt.consolidation/group"


def test_same_month_same_pack_adds_nothing(workspace, store):
    doc = standard_doc()
    queue(doc, workspace)
    before_items = store.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    before_log = store.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    before_runs = store.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    state = queue(standard_doc(), workspace, user="someone_else")
    assert store.execute("SELECT COUNT(*) FROM items").fetchone()[0] == before_items == 4
    # the second close is recorded (who ran what), and nothing else
    events = [r[0] for r in store.execute("SELECT event FROM audit_log WHERE seq > ?", (before_log,))]
    assert events == ["ran"]
    assert store.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == before_runs == 1
    assert store.execute("SELECT COUNT(*) FROM closes").fetchone()[0] == 2
    assert [i["preparer"] for i in state["items"]][2] == "ana"


def test_changed_books_make_new_versions_of_changed_items_only(workspace, store):
    queue(standard_doc(), workspace)
    approve(store, "R-0003", user="bob")        # recon.bank/US01 v1
    approve(store, "R-0004", user="bob")        # je.self_approved/UK01 v1, unchanged below
    changed = standard_doc(pack={"name": "Test Group", "sha256": "b" * 64})
    changed["skills"][0]["findings"][0]["amount"] = "130.00"
    state = queue(changed, workspace)
    assert keys(state) == [
        ("section", "executive_summary", 1, "pending"),
        ("section", "reconciliations", 1, "pending"),
        ("skill", "recon.bank/US01", 2, "pending"),
        ("skill", "je.self_approved/UK01", 1, "approved"),
    ]
    new = state["items"][2]
    assert new["id"] == "R-0005" and new["stale_approvals"] == 1
    # The old approval is still there, shown as stale, not carried over.
    old = show(store, "R-0003")
    assert old["status"] == "approved" and old["state"] == "superseded" and old["stale"] is True
    assert old["decision"]["by"] == "bob"
    assert [i["id"] for i in list_items(store, status="stale")] == ["R-0003"]
    stale_events = store.execute("SELECT item, details FROM audit_log WHERE event = 'stale'").fetchall()
    assert [(r["item"], json.loads(r["details"])["superseded_by"]) for r in stale_events] == [("R-0003", "R-0005")]
    assert show(store, "R-0005")["pack"]["sha256"] == "b" * 64
    assert state["readiness"] == {"approved": 1, "total": 4, "share": "25.0"}


def test_rejected_item_returns_as_a_new_version_on_the_next_run(workspace, store):
    """A rejection leads somewhere: the next run re-prepares the item as a new version,
    changed books or not, and a reviewer decides again; the rejection stays on record."""
    queue(standard_doc(), workspace)
    reject(store, "R-0003", user="bob", reason="wrong bank account")
    comment(store, "R-0003", user="ana", text="statement line 14 is the bank's error; letter attached")
    state = queue(standard_doc(), workspace)          # same books: re-prepared
    assert (state["items"][2]["id"], state["items"][2]["status"], state["items"][2]["version"]) == (
        "R-0005", "pending", 2)
    approve(store, "R-0005", user="carol", note="bank letter seen")
    changed = standard_doc()
    changed["skills"][0]["findings"][0]["message"] = "corrected"
    state = queue(changed, workspace)
    assert (state["items"][2]["id"], state["items"][2]["status"], state["items"][2]["version"]) == (
        "R-0006", "pending", 3)
    assert show(store, "R-0003")["status"] == "rejected"
    state = queue(changed, workspace)                 # pending, unchanged: nothing new
    assert state["items"][2]["id"] == "R-0006"


def test_exceptions_cleared_by_the_books_are_withdrawn_not_deleted(workspace, store):
    queue(make_doc(skills=[skill("recon.bank"), skill("recon.ar")]), workspace)
    approve(store, "R-0001", user="bob")
    state = queue(make_doc(skills=[skill("recon.bank", status="pass"),
                                   skill("recon.ar", status="error")]), workspace)
    # A passing skill withdraws its item; an errored one says nothing, so its item stays.
    assert keys(state) == [("skill", "recon.ar/US01", 1, "pending")]
    withdrawn = show(store, "R-0001")
    assert withdrawn["state"] == "withdrawn" and withdrawn["status"] == "approved"
    assert store.execute("SELECT COUNT(*) FROM audit_log WHERE event = 'withdrawn'").fetchone()[0] == 1
    # Exceptions that come back are a new version to review.
    state = queue(make_doc(skills=[skill("recon.bank"), skill("recon.ar", status="error")]), workspace)
    assert keys(state)[0] == ("skill", "recon.bank/US01", 2, "pending")


def test_partial_run_leaves_other_items_alone(workspace, store):
    queue(make_doc(skills=[skill("recon.bank"), skill("recon.ar")]), workspace)
    state = queue(make_doc(skills=[skill("recon.bank")]), workspace)
    assert [i["key"] for i in state["items"]] == ["recon.bank/US01", "recon.ar/US01"]


def test_months_are_separate(workspace):
    queue(standard_doc(), workspace)
    state = queue(standard_doc(month="2026-06"), workspace)
    assert [i["id"] for i in state["items"]] == ["R-0005", "R-0006", "R-0007", "R-0008"]
    assert all(i["version"] == 1 for i in state["items"])


def test_duplicate_keys_in_a_doc_are_refused(workspace):
    with pytest.raises(ValueError, match="two skill items keyed 'recon.bank/US01'"):
        queue(make_doc(skills=[skill("recon.bank"), skill("recon.bank")]), workspace)


def test_readiness_share_rounds_half_up():
    from close.review.views import readiness_share

    assert readiness_share(1, 3) == "33.3"
    assert readiness_share(2, 3) == "66.7"
    assert readiness_share(1, 8) == "12.5"
    assert readiness_share(0, 0) == "100.0"
