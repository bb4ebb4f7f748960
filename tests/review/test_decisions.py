"""Approve, reject, comment: segregation of duties, unverified drafts, final decisions."""
import json

import pytest

from close.review import (AlreadyDecided, NotCurrent, Refused, SeparationOfDuties,
                          UnverifiedNeedsNote, UsageError, queue_run)
from close.review.audit import verify
from close.review.decisions import approve, comment, reject
from close.review.views import show
from tests.review.docs import make_doc, skill, standard_doc

# standard_doc queued by ana: R-0001 executive_summary (Claude on behalf of ana),
# R-0002 reconciliations (unverified), R-0003 recon.bank/US01, R-0004 je.self_approved/UK01


@pytest.fixture
def queued(workspace, store):
    queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    return store


@pytest.mark.parametrize("item,who", [("R-0003", "ana"), ("R-0003", " ANA "), ("R-0003", "\u0430na"),
                                      ("R-0003", "a\u200bna"), ("R-0003", "\uff41na"),
                                      ("R-0001", "ana"), ("R-0004", "Ana")])
def test_preparer_cannot_approve_own_item(queued, item, who):
    with pytest.raises(SeparationOfDuties) as err:
        approve(queued, item, user=who, note="looks fine")
    assert f"cannot approve {item}" in str(err.value) and "\n" not in str(err.value)
    assert show(queued, item)["status"] == "pending"


def test_claude_drafted_section_counts_as_prepared_by_the_person(queued):
    with pytest.raises(SeparationOfDuties, match="prepared by Claude on behalf of ana"):
        approve(queued, "R-0001", user="ana")
    assert approve(queued, "R-0001", user="bob")["status"] == "approved"


def test_unverified_needs_accept_flag_and_note(queued):
    with pytest.raises(UnverifiedNeedsNote, match="--accept-unverified"):
        approve(queued, "R-0002", user="bob")
    with pytest.raises(UnverifiedNeedsNote):
        approve(queued, "R-0002", user="bob", note="agreed to the bank letter")
    with pytest.raises(UnverifiedNeedsNote):
        approve(queued, "R-0002", user="bob", accept_unverified=True)
    with pytest.raises(UnverifiedNeedsNote):
        approve(queued, "R-0002", user="bob", accept_unverified=True, note="   ")
    result = approve(queued, "R-0002", user="bob", accept_unverified=True,
                     note="$1.3M agreed to the bank letter")
    assert result["status"] == "approved"
    decision = show(queued, "R-0002")["decision"]
    assert decision == {"decision": "approved", "by": "bob", "at": decision["at"],
                        "note": "$1.3M agreed to the bank letter", "accepted_unverified": True}
    assert decision["at"].endswith("Z")


def test_decisions_are_final(queued):
    reject(queued, "R-0003", user="bob", reason="wrong account")
    with pytest.raises(AlreadyDecided, match="R-0003 was already rejected by bob"):
        approve(queued, "R-0003", user="carol")
    with pytest.raises(AlreadyDecided):
        reject(queued, "R-0003", user="carol", reason="also wrong")
    approve(queued, "R-0004", user="bob")
    with pytest.raises(AlreadyDecided, match="already approved by bob"):
        reject(queued, "R-0004", user="carol", reason="changed my mind")
    assert show(queued, "R-0004")["status"] == "approved"


def test_superseded_versions_cannot_be_decided(workspace, queued):
    changed = standard_doc()
    changed["skills"][0]["findings"][0]["amount"] = "1.00"
    queue_run(changed, workspace=workspace, user="ana", pack_path="p")
    with pytest.raises(NotCurrent, match="version 1 was replaced by R-0005"):
        approve(queued, "R-0003", user="bob")


def test_withdrawn_items_cannot_be_decided(workspace, store):
    queue_run(make_doc(skills=[skill("recon.bank")]), workspace=workspace, user="ana", pack_path="p")
    queue_run(make_doc(skills=[skill("recon.bank", status="pass")]), workspace=workspace,
              user="ana", pack_path="p")
    with pytest.raises(NotCurrent, match="withdrawn"):
        reject(store, "R-0001", user="bob", reason="x")


def test_reject_needs_a_reason(queued):
    with pytest.raises(UsageError, match="--reason"):
        reject(queued, "R-0003", user="bob", reason="  ")
    assert show(queued, "R-0003")["status"] == "pending"


def test_comments_are_kept_in_order_on_any_item(queued):
    comment(queued, "R-0003", user="bob", text="Which bank?")
    comment(queued, "R-0003", user="ana", text="Chase, account 1000.")
    approve(queued, "R-0003", user="bob")
    comment(queued, "R-0003", user="carol", text="Fine after the fact.")
    detail = show(queued, "R-0003")
    assert [(c["by"], c["text"]) for c in detail["comments"]] == [
        ("bob", "Which bank?"), ("ana", "Chase, account 1000."), ("carol", "Fine after the fact.")]
    with pytest.raises(UsageError, match="--text"):
        comment(queued, "R-0003", user="bob", text="")


@pytest.mark.parametrize("bad,message", [
    ("R-0099", "no review item R-0099: the queue holds R-0001 to R-0004"),
    ("X-1", "'X-1' is not a review item id"),
    ("R-0000", "'R-0000' is not a review item id"),
])
def test_unknown_ids_are_usage_errors(queued, bad, message):
    with pytest.raises(UsageError) as err:
        approve(queued, bad, user="bob")
    assert message in str(err.value)
    assert not isinstance(err.value, Refused)


def test_ids_are_forgiving_about_case_and_zeros(queued):
    assert approve(queued, "r-3", user="bob")["id"] == "R-0003"


def test_every_action_is_logged_with_actor_and_utc_time(queued):
    approve(queued, "R-0003", user="bob", note="ok")
    reject(queued, "R-0004", user="carol", reason="missing support")
    comment(queued, "R-0001", user="dan", text="nice")
    rows = queued.execute("SELECT * FROM audit_log WHERE event IN ('approved','rejected','commented') "
                          "ORDER BY seq").fetchall()
    assert [(r["event"], r["item"], r["actor"], r["month"]) for r in rows] == [
        ("approved", "R-0003", "bob", "2026-05"), ("rejected", "R-0004", "carol", "2026-05"),
        ("commented", "R-0001", "dan", "2026-05")]
    assert json.loads(rows[1]["details"])["reason"] == "missing support"
    assert all(r["at"].endswith("Z") for r in rows)


def test_a_refused_action_changes_nothing_and_is_recorded(queued):
    before = queued.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    with pytest.raises(SeparationOfDuties):
        approve(queued, "R-0003", user="ana")
    with pytest.raises(UsageError):
        approve(queued, "R-9999", user="bob")         # a bad request is not a refusal
    rows = queued.execute("SELECT * FROM audit_log WHERE seq > ?", (before,)).fetchall()
    assert [(r["event"], r["actor"], r["item"]) for r in rows] == [("refused", "ana", "R-0003")]
    details = json.loads(rows[0]["details"])
    assert details["action"] == "approve" and "another reviewer must approve it" in details["reason"]
    assert queued.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
    assert verify(queued).ok
