"""Approving several items at once: the single approval's rules for each, all or nothing,
a note for anything high severity, one audit event per approval."""
import json

import pytest
from typer.testing import CliRunner

from close.cli import app
from close.review import MonthLocked, SeparationOfDuties, queue_run
from close.review.audit import records, verify
from close.review.bulk import BatchRefused, approve_many, select_pending
from close.review.store import now, writing
from close.review.views import list_items
from tests.review.docs import make_doc, section, skill

runner = CliRunner()


def graded(sid, entity, severity, amount):
    result = skill(sid, entity, amount=amount)
    result["findings"][0]["severity"] = severity
    return result


# Queued by ana: R-0001 a section, R-0002 recon.bank/US01 high 900.00,
# R-0003 je.round_amounts/US01 medium 50.00, R-0004 je.cutoff/UK01 low 20.00,
# R-0005 je.self_approved/UK01 low 75.00.
DOC = make_doc(sections=[section("executive_summary")],
               skills=[graded("recon.bank", "US01", "high", "900.00"),
                       graded("je.round_amounts", "US01", "medium", "50.00"),
                       graded("je.cutoff", "UK01", "low", "20.00"),
                       graded("je.self_approved", "UK01", "low", "75.00")])


@pytest.fixture
def queued(workspace, store):
    queue_run(DOC, workspace=workspace, user="ana", pack_path="p")
    return store


def statuses(con):
    return {i["id"]: i["status"] for i in list_items(con)}


def approvals(con):
    return [(r["item"], r["details"].get("batch")) for r in records(con) if r["event"] == "approved"]


def refusals(con):
    return [(r["item"], r["details"]["refusal"]) for r in records(con) if r["event"] == "refused"]


def test_selection_by_severity_skill_and_entity(queued):
    assert select_pending(queued, severity="low") == ["R-0004", "R-0005"]
    assert select_pending(queued, severity="medium") == ["R-0003", "R-0004", "R-0005"]
    assert select_pending(queued, severity="high") == ["R-0002", "R-0003", "R-0004", "R-0005"]
    assert select_pending(queued, skill="je.*", entity="UK01") == ["R-0004", "R-0005"]
    assert select_pending(queued, month="2026-05", entity="group") == ["R-0001"]
    assert select_pending(queued, month="2026-04") == []


def test_batch_approves_each_selected_item_with_its_own_audit_event(queued):
    done = approve_many(queued, select_pending(queued, severity="medium"), user="bob")
    assert [d["id"] for d in done] == ["R-0003", "R-0004", "R-0005"]
    assert statuses(queued) == {"R-0001": "pending", "R-0002": "pending", "R-0003": "approved",
                                "R-0004": "approved", "R-0005": "approved"}
    assert approvals(queued) == [("R-0003", 3), ("R-0004", 3), ("R-0005", 3)]
    assert verify(queued).ok


def test_high_severity_in_a_batch_needs_a_note_and_nothing_is_approved_without(queued):
    with pytest.raises(BatchRefused, match="R-0002 has high-severity findings") as err:
        approve_many(queued, ["R-0002", "R-0003"], user="bob")
    assert "nothing was approved" in str(err.value) and "\n" not in str(err.value)
    assert set(statuses(queued).values()) == {"pending"}
    assert approvals(queued) == [] and refusals(queued) == [("R-0002", "HighNeedsNote")]
    approve_many(queued, ["R-0002", "R-0003"], user="bob", note="bank difference cleared on 2 June")
    decided = [r["details"]["note"] for r in records(queued) if r["event"] == "approved"]
    assert decided == ["bank difference cleared on 2 June"] * 2


def test_preparer_is_refused_every_item_of_theirs_and_approves_none(workspace, queued):
    """bob prepared June's items; his batch of ana's May item and his own June item is
    refused whole: the item he could approve is not approved either."""
    june = make_doc(month="2026-06", skills=[graded("je.cutoff", "US01", "low", "5.00")])
    queue_run(june, workspace=workspace, user="bob", pack_path="p")
    with pytest.raises(BatchRefused) as err:
        approve_many(queued, ["R-0004", "R-0006"], user="bob")
    assert "bob cannot approve R-0006: it was prepared by bob" in str(err.value)
    assert "R-0004" not in str(err.value)
    assert statuses(queued)["R-0004"] == "pending" and statuses(queued)["R-0006"] == "pending"
    assert refusals(queued) == [("R-0006", "SeparationOfDuties")]
    with pytest.raises(SeparationOfDuties):     # the rule is the single approval's own
        from close.review.decisions import approve
        approve(queued, "R-0006", user="bob")


def test_locked_month_is_refused(queued):
    with writing(queued):
        queued.execute("INSERT INTO month_actions (month, action, user, reason, at) VALUES (?, ?, ?, ?, ?)",
                       ("2026-05", "signed_off", "carol", None, now()))
    with pytest.raises(BatchRefused, match="2026-05 was signed off by carol"):
        approve_many(queued, ["R-0004", "R-0005"], user="bob")
    assert approvals(queued) == []
    assert [kind for _, kind in refusals(queued)] == [MonthLocked.__name__] * 2


def test_decided_and_unknown_items(queued):
    approve_many(queued, ["R-0004"], user="bob")
    with pytest.raises(BatchRefused, match="R-0004 was already approved by bob"):
        approve_many(queued, ["R-0004", "R-0005"], user="dan")
    assert statuses(queued)["R-0005"] == "pending"
    from close.review import UsageError
    with pytest.raises(UsageError, match="no review item R-0099"):
        approve_many(queued, ["R-0005", "R-0099"], user="dan")
    assert statuses(queued)["R-0005"] == "pending"


def invoke(*args):
    return runner.invoke(app, list(args), env={"COLUMNS": "80"})


def test_cli_batch_by_filter_and_its_refusals(workspace, queued):
    ws = str(workspace)
    refused = invoke("review", "approve", "--all-pending", "--skill", "*", "--as", "bob", "--workspace", ws)
    assert refused.exit_code == 1 and refused.stdout == ""
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "approved none of 4 items" in lines[0] and "R-0002 has high-severity" in lines[0]
    done = invoke("review", "approve", "--month", "2026-05", "--severity", "low", "--as", "bob", "--workspace", ws)
    assert done.exit_code == 0, done.stderr
    assert "approved 2 item(s) as bob" in done.stdout
    rows = [line.split()[:2] for line in done.stdout.splitlines() if line.startswith("R-")]
    assert rows == [["R-0005", "low"], ["R-0004", "low"]]    # riskiest first: 75.00 before 20.00
    assert all(len(line) <= 80 for line in done.stdout.splitlines())
    none_left = invoke("review", "approve", "--severity", "low", "--as", "bob", "--workspace", ws)
    assert none_left.exit_code == 1 and "no pending items match" in none_left.stderr


def test_cli_ids_json_and_usage(workspace, queued):
    ws = str(workspace)
    result = runner.invoke(app, ["review", "approve", "R-0002", "R-0003", "--note", "checked with the bank",
                                 "--as", "bob", "--workspace", ws, "--json"])
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["count"] == 2 and [a["status"] for a in answer["approved"]] == ["approved", "approved"]
    one = runner.invoke(app, ["review", "approve", "R-0004", "--as", "bob", "--workspace", ws, "--json"])
    assert json.loads(one.stdout)["id"] == "R-0004"     # one id: the single approval's answer
    both = invoke("review", "approve", "R-0005", "--severity", "low", "--as", "bob", "--workspace", ws)
    assert both.exit_code == 2 and "not both" in both.stderr
    neither = invoke("review", "approve", "--as", "bob", "--workspace", ws)
    assert neither.exit_code == 2 and "name the items to approve" in neither.stderr
    bad = invoke("review", "approve", "--severity", "urgent", "--as", "bob", "--workspace", ws)
    assert bad.exit_code == 2 and "--severity 'urgent'" in bad.stderr
