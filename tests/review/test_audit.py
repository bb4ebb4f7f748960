"""The audit trail: guarded against edits, and a hash chain that names what was tampered with."""
import hashlib
import json
import sqlite3

import pytest

from close.review import queue_run
from close.review.audit import GENESIS, canonical, record_hash, verify
from close.review.decisions import approve, comment, reject
from close.review.signoff import sign_off
from close.review.store import TABLES, guard_names
from close.review.users import disable_user, end_token, find, issue_token
from tests.review.docs import make_doc, skill, standard_doc
from tests.support.people import add_people


@pytest.fixture
def history(workspace, store):
    """Eleven records: ran, 4 queued, approved x3, rejected, commented x2."""
    queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    approve(store, "R-0001", user="bob")
    approve(store, "R-0002", user="bob", accept_unverified=True, note="agreed to bank letter")
    approve(store, "R-0003", user="carol")
    reject(store, "R-0004", user="carol", reason="no support")
    comment(store, "R-0004", user="ana", text="support attached")
    comment(store, "R-0001", user="dan", text="fine")
    assert store.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 11
    return store


def unguard(con):
    for name in guard_names():
        con.execute(f"DROP TRIGGER IF EXISTS {name}")


def test_intact_chain_verifies(history):
    verdict = verify(history)
    assert verdict.ok and verdict.records == 11 and verdict.problem is None
    assert verdict.head == history.execute("SELECT hash FROM audit_log WHERE seq = 11").fetchone()[0]


def test_each_record_hashes_its_fields_and_the_previous_hash(history):
    rows = history.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
    assert rows[0]["prev_hash"] == GENESIS
    for before, row in zip(rows, rows[1:]):
        assert row["prev_hash"] == before["hash"]
    row = rows[4]
    body = canonical({"at": row["at"], "actor": row["actor"], "event": row["event"],
                      "month": row["month"], "item": row["item"], "details": row["details"],
                      "prev": row["prev_hash"]})
    assert row["hash"] == hashlib.sha256(body.encode()).hexdigest()


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("statement", ["UPDATE {t} SET rowid = rowid", "DELETE FROM {t}"])
def test_every_table_refuses_update_and_delete(history, workspace, table, statement):
    june = dict(month="2026-06")
    add_people(history)                                       # users: sign-off needs them
    queue_run(make_doc(skills=[skill("recon.bank")], **june), workspace=workspace, user="ana", pack_path="p")
    queue_run(make_doc(skills=[skill("recon.bank", status="pass")], **june), workspace=workspace,
              user="ana", pack_path="p")                      # a withdrawal
    sign_off(history, "2026-06", user="carol")                # a month action
    token, _ = issue_token(history, find(history, "bob"), "cli")
    end_token(history, token)                                 # a login and a logout
    disable_user(history, "dan", by="carol")
    assert history.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] > 0
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        history.execute(statement.format(t=table))


def test_approved_item_content_cannot_be_edited(history):
    with pytest.raises(sqlite3.IntegrityError, match="items is append-only"):
        history.execute("UPDATE items SET content = '{}' WHERE n = 1")


def test_changed_field_is_named(history):
    unguard(history)
    history.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 6")
    verdict = verify(history)
    assert (verdict.ok, verdict.problem, verdict.seq) == (False, "changed", 6)
    assert verdict.message == "audit record 6 was changed: its contents no longer match its hash"


def test_changed_details_are_named(history):
    unguard(history)
    details = json.loads(history.execute("SELECT details FROM audit_log WHERE seq = 8").fetchone()[0])
    details["reason"] = "all good actually"
    history.execute("UPDATE audit_log SET details = ? WHERE seq = 8", (canonical(details),))
    assert (verify(history).problem, verify(history).seq) == ("changed", 8)


def test_changed_and_rehashed_record_is_named(history):
    unguard(history)
    row = history.execute("SELECT * FROM audit_log WHERE seq = 5").fetchone()
    forged = record_hash(at=row["at"], actor="mallory", event=row["event"], month=row["month"],
                         item=row["item"], details=row["details"], prev_hash=row["prev_hash"])
    history.execute("UPDATE audit_log SET actor = 'mallory', hash = ? WHERE seq = 5", (forged,))
    verdict = verify(history)
    assert (verdict.problem, verdict.seq) == ("changed", 5)
    assert "record 6 no longer follows it" in verdict.message


@pytest.mark.parametrize("seq", [1, 4, 9])
def test_removed_record_is_named(history, seq):
    unguard(history)
    history.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
    verdict = verify(history)
    assert (verdict.ok, verdict.problem, verdict.seq) == (False, "removed", seq)
    assert verdict.message.startswith(f"audit record {seq} was removed")


def test_records_cut_from_the_end_are_named(history):
    unguard(history)
    history.execute("DELETE FROM audit_log WHERE seq > 7")
    verdict = verify(history)
    assert (verdict.problem, verdict.seq) == ("removed", 8)
    assert verdict.message == "audit records 8-11 were removed from the end of the log"


@pytest.mark.parametrize("a,b", [(3, 4), (2, 7), (1, 2)])
def test_swapped_records_are_named(history, a, b):
    unguard(history)
    history.execute("UPDATE audit_log SET seq = -1 WHERE seq = ?", (a,))
    history.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (a, b))
    history.execute("UPDATE audit_log SET seq = ? WHERE seq = -1", (b,))
    verdict = verify(history)
    assert (verdict.ok, verdict.problem, verdict.seq) == (False, "reordered", a)


def test_decision_removed_behind_the_triggers_is_found(history):
    unguard(history)
    history.execute("DELETE FROM decisions WHERE item_n = 4")
    verdict = verify(history)
    assert (verdict.problem, verdict.seq) == ("mismatch", 9)
    assert "audit record 9 records something the store no longer holds" in verdict.message


def test_forged_approval_without_a_log_record_is_found(history):
    unguard(history)
    history.execute("DELETE FROM decisions WHERE item_n = 4")
    history.execute("INSERT INTO decisions VALUES (4, 'approved', 'mallory', NULL, 0, 'now')")
    verdict = verify(history)
    assert verdict.problem == "mismatch"
    assert "the approval of R-0004 by mallory is in the store but has no audit record" in verdict.message


def test_approved_draft_edited_behind_the_triggers_is_found(history):
    unguard(history)
    history.execute("UPDATE items SET content = replace(content, '125.00', '12.50') WHERE n = 3")
    verdict = verify(history)
    assert (verdict.ok, verdict.problem) == (False, "mismatch")
    assert verdict.message == "the content of item R-0003 was changed after it was queued"


@pytest.mark.parametrize("column,value", [("unverified", 0), ("responsible", "bob"),
                                          ("preparer", "bob"), ("content_sha256", "0" * 64)])
def test_item_fields_edited_behind_the_triggers_are_found(history, column, value):
    unguard(history)
    history.execute(f"UPDATE items SET {column} = ? WHERE n = 2", (value,))
    verdict = verify(history)
    assert (verdict.ok, verdict.problem) == (False, "mismatch")
    assert "R-0002" in verdict.message


@pytest.mark.parametrize("column,value", [("accepted_unverified", 0), ("note", "no note"),
                                          ("user", "carol"), ("decision", "rejected")])
def test_decision_fields_edited_behind_the_triggers_are_found(history, column, value):
    unguard(history)
    history.execute(f"UPDATE decisions SET {column} = ? WHERE item_n = 2", (value,))
    verdict = verify(history)
    assert (verdict.ok, verdict.problem) == (False, "mismatch")
    assert "R-0002" in verdict.message


def test_dropped_guard_is_reported_even_without_edits(history):
    history.execute("DROP TRIGGER audit_log_no_update")
    verdict = verify(history)
    assert (verdict.ok, verdict.problem) == (False, "unguarded")
    assert verdict.guards_missing == ["audit_log_no_update"]


def test_reopening_the_store_does_not_quietly_restore_guards(history, workspace):
    from close.review.store import connect

    history.execute("DROP TRIGGER decisions_no_delete")
    again = connect(workspace)
    try:
        assert verify(again).guards_missing == ["decisions_no_delete"]
    finally:
        again.close()


def test_signoff_records_the_chain_head(history, workspace):
    reject_free = standard_doc()
    reject_free["skills"][1]["findings"][0]["amount"] = "41.00"
    queue_run(reject_free, workspace=workspace, user="ana", pack_path="p")
    add_people(history)
    approve(history, "R-0005", user="bob")
    head = verify(history).head
    result = sign_off(history, "2026-05", user="carol")
    assert result["audit_head"] == head
    assert verify(history).ok
