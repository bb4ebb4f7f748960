"""The audit trail against someone who can write to the workspace: each attack that a
self-checking chain cannot see must fail verification against an anchor kept outside
it, or against the review rules the log must obey."""
import json
import sqlite3

import pytest
from typer.testing import CliRunner

from close.cli import app
from close.review import queue_run
from close.review.anchors import anchors_in, store_key
from close.review.audit import canonical, record_hash, verify
from close.review.decisions import approve, reject
from close.review.signoff import sign_off
from close.review.store import guard_sql, store_path
from tests.review.docs import make_doc, skill, standard_doc
from tests.support.people import add_people, login_env


@pytest.fixture
def signed(tmp_path, workspace, store):
    """May queued by ana, decided by bob and carol, signed off by carol with an anchor in
    a file kept outside the workspace; June queued and open."""
    add_people(store)
    queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    approve(store, "R-0001", user="bob")
    approve(store, "R-0002", user="bob", accept_unverified=True, note="bank letter")
    approve(store, "R-0003", user="carol")
    approve(store, "R-0004", user="carol")
    anchor = tmp_path / "kept-elsewhere" / "anchor.jsonl"
    sign_off(store, "2026-05", user="carol", anchor_files=[anchor])
    queue_run(make_doc(month="2026-06", skills=[skill("recon.bank")]), workspace=workspace,
              user="ana", pack_path="p")
    return store, anchor


def anchors(anchor, workspace):
    return anchors_in(anchor, store_path(workspace))


def unguard(con):
    for name in guard_sql():
        con.execute(f"DROP TRIGGER IF EXISTS {name}")


def rehash_from(con, first_seq):
    """What a careful forger does after editing: recompute every hash from there on."""
    rows = con.execute("SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq", (first_seq,)).fetchall()
    prev = con.execute("SELECT hash FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT 1",
                       (first_seq,)).fetchone()
    prev = prev[0] if prev else "0" * 64
    for row in rows:
        digest = record_hash(at=row["at"], actor=row["actor"], event=row["event"], month=row["month"],
                             item=row["item"], details=row["details"], prev_hash=prev)
        con.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row["seq"]))
        prev = digest


def forge_append(con, *, actor, event, month, item, details):
    last = con.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()[0]
    text = canonical(details)
    at = "2026-06-30T10:00:00.000000Z"
    digest = record_hash(at=at, actor=actor, event=event, month=month, item=item, details=text,
                         prev_hash=last)
    con.execute("INSERT INTO audit_log (at, actor, event, month, item, details, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (at, actor, event, month, item, text, last, digest))


def test_the_untouched_trail_verifies_against_its_anchor(signed, workspace):
    con, anchor = signed
    assert verify(con, anchors(anchor, workspace)).ok


def test_a_record_rewritten_and_rehashed_fails_against_the_anchor(signed, workspace):
    con, anchor = signed
    unguard(con)
    row = con.execute("SELECT * FROM audit_log WHERE event = 'approved' ORDER BY seq LIMIT 1").fetchone()
    details = json.loads(row["details"])
    details["note"] = "looked fine to me"
    con.execute("UPDATE audit_log SET details = ? WHERE seq = ?", (canonical(details), row["seq"]))
    con.execute("UPDATE decisions SET note = 'looked fine to me' WHERE item_n = 1")
    rehash_from(con, row["seq"])
    for name, sql in guard_sql().items():     # and restores the guards as they were
        con.execute(sql)
    assert verify(con).ok                      # the chain alone cannot tell
    verdict = verify(con, anchors(anchor, workspace))
    assert (verdict.ok, verdict.problem) == (False, "changed")
    assert "the log was rewritten" in verdict.message


def test_records_cut_from_the_tail_with_the_sequence_fixed_fail_against_the_anchor(signed, workspace):
    con, anchor = signed
    unguard(con)
    top = anchors(anchor, workspace)[-1].seq
    con.execute("DELETE FROM audit_log WHERE seq >= ?", (top - 1,))
    con.execute("DELETE FROM month_actions")
    con.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'", (top - 2,))
    for name, sql in guard_sql().items():
        con.execute(sql)
    verdict = verify(con, anchors(anchor, workspace))
    assert (verdict.ok, verdict.problem, verdict.seq) == (False, "removed", top)


def test_a_forged_approval_appended_by_the_preparer_is_found(signed):
    con, _ = signed
    unguard(con)
    con.execute("INSERT INTO decisions VALUES (5, 'approved', 'ana', NULL, 0, 'now')")
    forge_append(con, actor="ana", event="approved", month="2026-06", item="R-0005",
                 details={"note": None, "accepted_unverified": False, "version": 1})
    for name, sql in guard_sql().items():
        con.execute(sql)
    verdict = verify(con)
    assert (verdict.ok, verdict.problem) == (False, "forged")
    assert "by its own preparer" in verdict.message


def test_a_change_forged_into_a_signed_off_month_is_found(signed):
    """The forger adds the store row and its audit record, hashes right: the month was
    signed off, and close writes nothing there until it is reopened."""
    con, _ = signed
    unguard(con)
    run_id = con.execute("SELECT run_id FROM items WHERE n = 1").fetchone()[0]
    con.execute("INSERT INTO withdrawals VALUES (1, ?, 'dan', 'now')", (run_id,))
    forge_append(con, actor="dan", event="withdrawn", month="2026-05", item="R-0001",
                 details={"run_id": run_id, "reason": "the skill passes on the current books"})
    verdict = verify(con)
    assert (verdict.ok, verdict.problem) == (False, "forged")
    assert "while 2026-05 was signed off" in verdict.message


def test_guards_replaced_by_same_named_triggers_that_do_nothing_are_found(signed):
    con, _ = signed
    for name in guard_sql():
        table = name.rsplit("_no_", 1)[0]
        verb = name.rsplit("_no_", 1)[1].upper()
        con.execute(f"DROP TRIGGER {name}")
        con.execute(f"CREATE TRIGGER {name} BEFORE {verb} ON {table} BEGIN SELECT 1; END")
    verdict = verify(con)
    assert (verdict.ok, verdict.problem) == (False, "unguarded")
    assert "audit_log_no_update" in verdict.guards_missing


def test_a_deleted_store_with_a_known_anchor_is_tampering(signed, workspace):
    con, anchor = signed
    found = anchors(anchor, workspace)
    con.close()
    for suffix in ("", "-wal", "-shm"):
        (workspace / f"review.sqlite{suffix}").unlink(missing_ok=True)
    verdict = verify(None, found)
    assert (verdict.ok, verdict.problem) == (False, "removed")
    assert "the review store is missing" in verdict.message
    result = CliRunner().invoke(app, ["audit", "verify", "--workspace", str(workspace),
                                      "--anchor", str(anchor)])
    assert result.exit_code == 1 and "the review store is missing" in result.stderr


def test_anchor_command_and_verify_with_anchor_files(signed, workspace, tmp_path):
    con, anchor = signed
    kept = tmp_path / "usb" / "close-anchor.jsonl"
    kept.parent.mkdir()
    runner = CliRunner()
    done = runner.invoke(app, ["audit", "anchor", "--to", str(kept), "--workspace", str(workspace),
                               "--json"], env=login_env(workspace, "carol", tmp_path))
    assert done.exit_code == 0, done.stderr
    entry = json.loads(kept.read_text().splitlines()[0])
    assert entry["store"] == store_key(store_path(workspace)) and entry["by"] == "carol"
    ok = runner.invoke(app, ["audit", "verify", "--workspace", str(workspace), "--anchor", str(kept),
                             "--anchor", str(anchor)])
    assert ok.exit_code == 0 and "checked against 2 anchor(s) in 2 file(s)" in ok.stdout
    # a file that anchors another store is an error, not silently skipped
    stranger = tmp_path / "stranger.jsonl"
    stranger.write_text(json.dumps({"audit_seq": 1, "audit_head": "0" * 64, "store": "/elsewhere"}) + "\n")
    bad = runner.invoke(app, ["audit", "verify", "--workspace", str(workspace), "--anchor", str(stranger)])
    assert bad.exit_code == 1 and "holds no anchor of" in bad.stderr
    reject(con, "R-0005", user="bob", reason="not yet")        # the log grows: anchors still hold
    assert runner.invoke(app, ["audit", "verify", "--workspace", str(workspace),
                               "--anchor", str(kept)]).exit_code == 0


def test_a_damaged_anchor_file_is_an_error(signed, workspace, tmp_path):
    _, anchor = signed
    with open(anchor, "a", encoding="utf-8") as fh:
        fh.write("not json\n")
    result = CliRunner().invoke(app, ["audit", "verify", "--workspace", str(workspace),
                                      "--anchor", str(anchor)])
    assert result.exit_code == 1 and "is not an anchor entry" in result.stderr


def test_an_older_store_is_upgraded_and_keeps_its_rows(tmp_path):
    """A review.sqlite written before closes were recorded (and before users) opens, gains
    the tables and their guards, and verifies."""
    from close.review.store import SCHEMA_VERSION, TABLES, UPGRADES, connect
    path = tmp_path / "old" / "review.sqlite"
    path.parent.mkdir()
    raw = sqlite3.connect(path)
    later = {t for v in UPGRADES.values() for t in v}
    old = {k: v for k, v in TABLES.items() if k not in later}
    for statement in [*old.values(), *guard_sql(old).values()]:
        raw.execute(statement)
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()
    con = connect(tmp_path / "old")
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert verify(con).ok
        queue_run(standard_doc(), workspace=tmp_path / "old", user="ana", pack_path="p")
        add_people(con)
        assert verify(con).ok and verify(con).guards_missing == []
    finally:
        con.close()


def test_with_continuous_anchoring_nothing_can_be_appended_unseen(tmp_path, workspace, monkeypatch):
    """CLOSE_AUDIT_ANCHOR set: close anchors every write, so an approval forged onto the
    end of the log in a real reviewer's name, hashes and store rows right, is found."""
    from close.review.store import connect
    kept = tmp_path / "controller-share" / "close-anchor.jsonl"
    monkeypatch.setenv("CLOSE_AUDIT_ANCHOR", str(kept))
    queue_run(standard_doc(), workspace=workspace, user="ana", pack_path="p")
    con = connect(workspace)
    try:
        approve(con, "R-0001", user="bob")
        events = [json.loads(line)["event"] for line in kept.read_text().splitlines()]
        assert events == ["write", "write", "write"]   # the store's creation, the queue, the approval
        assert verify(con, anchors(kept, workspace)).ok
        unguard(con)
        con.execute("INSERT INTO decisions VALUES (3, 'approved', 'carol', NULL, 0, 'now')")
        forge_append(con, actor="carol", event="approved", month="2026-05", item="R-0003",
                     details={"note": None, "accepted_unverified": False, "version": 1})
        for name, sql in guard_sql().items():
            con.execute(sql)
        assert verify(con).ok                                   # the chain alone is fine
        verdict = verify(con, anchors(kept, workspace))
        assert (verdict.ok, verdict.problem) == (False, "forged")
        assert "written outside close" in verdict.message
    finally:
        con.close()
