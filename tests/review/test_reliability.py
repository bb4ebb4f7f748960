"""Real processes: reviewers racing on one item, writers interleaving, a close killed mid-queue."""
import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from close.review import queue_run
from close.review.audit import verify
from close.review.decisions import approve
from close.review.store import connect
from close.review.views import list_items
from tests.review import racers
from tests.review.docs import make_doc, skill

REPO = Path(__file__).resolve().parents[2]
SPAWN = multiprocessing.get_context("spawn")
ITEMS = 6


def many_exceptions(amount="10.00"):
    return make_doc(skills=[skill(f"recon.check{i}", amount=amount) for i in range(ITEMS)])


def run_pair(target, args_a, args_b, timeout=120):
    procs = [SPAWN.Process(target=target, args=a) for a in (args_a, args_b)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout)
        assert p.exitcode == 0, f"reviewer process ended with {p.exitcode}"


def test_two_reviewers_on_the_same_item_at_the_same_moment(workspace, store):
    queue_run(many_exceptions(), workspace=workspace, user="ana", pack_path="p")
    ids = [f"R-{n:04d}" for n in range(1, ITEMS + 1)]
    # bob approves everything; carol rejects the even items and approves the odd ones.
    bob = [(i, "approve") for i in ids]
    carol = [(i, "reject" if n % 2 == 0 else "approve") for n, i in enumerate(ids)]
    barrier, results = SPAWN.Barrier(2, timeout=30), SPAWN.Queue()
    run_pair(racers.decide, (str(workspace), bob, "bob", barrier, results),
             (str(workspace), carol, "carol", barrier, results))
    outcomes = [results.get(timeout=10) for _ in range(2 * ITEMS)]

    for item in ids:
        mine = [o for o in outcomes if o[0] == item]
        winners = [o for o in mine if o[3] == "ok"]
        losers = [o for o in mine if o[3] != "ok"]
        assert len(winners) == 1 and len(losers) == 1, mine
        winner, loser = winners[0], losers[0]
        decided = "approved" if winner[2] == "approve" else "rejected"
        assert loser[3] == "AlreadyDecided"
        assert loser[4].startswith(f"{item} was already {decided} by {winner[1]} at ")
        row = store.execute("SELECT decision, user FROM decisions WHERE item_n = ?",
                            (int(item[2:]),)).fetchone()
        assert (row["decision"], row["user"]) == (decided, winner[1])
    # Nothing lost, nothing doubled: one decision and one audit record per item.
    assert store.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == ITEMS
    logged = store.execute("SELECT COUNT(*) FROM audit_log WHERE event IN ('approved', 'rejected')")
    assert logged.fetchone()[0] == ITEMS
    assert verify(store).ok


def test_two_cli_processes_racing_one_approval(workspace, tmp_path):
    queue_run(many_exceptions(), workspace=workspace, user="ana", pack_path="p")
    go = tmp_path / "go"
    wait_then_run = ("import pathlib, sys, time\n"
                     "from close.cli import app\n"
                     "go = pathlib.Path(sys.argv[1])\n"
                     "while not go.exists(): time.sleep(0.001)\n"
                     "app(args=sys.argv[2:], prog_name='close')\n")
    procs = [subprocess.Popen([sys.executable, "-c", wait_then_run, str(go), "review", "approve",
                               "R-0001", "--as", who, "--workspace", str(workspace)],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
             for who in ("bob", "carol")]
    time.sleep(1.5)     # both have imported close and are polling
    go.touch()
    done = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    codes = sorted(code for _, _, code in done)
    assert codes == [0, 1], done
    winner = next(out for out, _, code in done if code == 0).splitlines()[0].split()[-1]
    loser_err = next(err for _, err, code in done if code == 1).strip().splitlines()
    assert len(loser_err) == 1
    assert loser_err[0].startswith(f"close: error: R-0001 was already approved by {winner} at ")
    con = connect(workspace)
    try:
        assert con.execute("SELECT user FROM decisions").fetchall()[0][0] == winner
        assert verify(con).ok
    finally:
        con.close()


def test_writers_in_several_processes_keep_one_chain(workspace, store):
    queue_run(many_exceptions(), workspace=workspace, user="ana", pack_path="p")
    barrier = SPAWN.Barrier(3, timeout=30)
    procs = [SPAWN.Process(target=racers.comment_many, args=(str(workspace), who, 15, barrier))
             for who in ("bob", "carol", "dan")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    assert store.execute("SELECT COUNT(*) FROM comments").fetchone()[0] == 45
    seqs = [r[0] for r in store.execute("SELECT seq FROM audit_log ORDER BY seq")]
    assert seqs == list(range(1, ITEMS + 47))       # ran, ITEMS queued, 45 comments
    assert verify(store).ok


def test_two_closes_queueing_at_once_on_a_fresh_workspace_add_each_item_once(workspace):
    barrier = SPAWN.Barrier(2, timeout=30)
    doc = many_exceptions()
    run_pair(racers.queue_doc, (str(workspace), doc, "ana", barrier),
             (str(workspace), doc, "ben", barrier))
    con = assert_consistent(workspace)
    try:
        assert con.execute("SELECT COUNT(*) FROM items").fetchone()[0] == ITEMS
        assert con.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1
        assert con.execute("SELECT COUNT(*) FROM closes").fetchone()[0] == 2   # both closes ran
        assert verify(con).records == ITEMS + 2
    finally:
        con.close()


def kill_mid_queue(workspace: Path, doc: dict, tmp_path: Path, stop_after: int) -> None:
    """Start a queueing process, wait until it is inside its transaction, SIGKILL it."""
    doc_path = tmp_path / f"doc-{time.monotonic_ns()}.json"
    doc_path.write_text(json.dumps(doc), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "tests.review.racers", "queue-slowly",
                             str(workspace), str(doc_path), str(stop_after)],
                            cwd=REPO, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert proc.stdout.readline().strip() == "INSIDE"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def assert_consistent(workspace: Path) -> sqlite3.Connection:
    con = connect(workspace)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert verify(con).ok
    return con


def test_close_killed_mid_queue_on_a_fresh_store_leaves_nothing_half_written(workspace, tmp_path):
    kill_mid_queue(workspace, many_exceptions(), tmp_path, stop_after=3)
    con = assert_consistent(workspace)
    try:
        assert con.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
        assert con.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 0
        state = queue_run(many_exceptions(), workspace=workspace, user="ana", pack_path="p")
        assert [i["id"] for i in state["items"]] == [f"R-{n:04d}" for n in range(1, ITEMS + 1)]
        assert verify(con).ok and verify(con).records == ITEMS + 1            # ran, queued
    finally:
        con.close()


def test_close_killed_mid_rerun_keeps_the_previous_queue_and_approvals(workspace, store, tmp_path):
    queue_run(many_exceptions(), workspace=workspace, user="ana", pack_path="p")
    approve(store, "R-0001", user="bob")
    before = store.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]

    kill_mid_queue(workspace, many_exceptions(amount="11.00"), tmp_path, stop_after=4)
    con = assert_consistent(workspace)
    con.close()
    items = list_items(store, month="2026-05")
    assert [(i["version"], i["status"]) for i in items][0] == (1, "approved")
    assert all(i["version"] == 1 for i in items)
    assert store.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == before

    state = queue_run(many_exceptions(amount="11.00"), workspace=workspace, user="ana", pack_path="p")
    assert [(i["version"], i["status"], i["stale_approvals"]) for i in state["items"]][0] == (2, "pending", 1)
    assert len(state["items"]) == ITEMS
    assert verify(store).ok
