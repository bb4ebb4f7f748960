"""Code that runs in separate processes for the reliability tests.

Functions here are imported by spawned children (so they must be top level), and the
module runs as a script for the kill test: `python -m tests.review.racers queue-slowly
WORKSPACE DOC_JSON` queues a doc but stops for good half-way through, after telling
the parent it is inside the transaction.
"""
from __future__ import annotations

import json
import sys
import time


def decide(workspace: str, plan: list[tuple[str, str]], user: str, barrier, results) -> None:
    """For each (item, action): wait for the other reviewer, then both act at once."""
    from close.review import Refused
    from close.review.decisions import approve, reject
    from close.review.store import connect

    con = connect(workspace)
    for item, action in plan:
        barrier.wait()
        try:
            if action == "approve":
                approve(con, item, user=user, note=f"{user} approves")
            else:
                reject(con, item, user=user, reason=f"{user} rejects")
            results.put((item, user, action, "ok", ""))
        except Refused as exc:
            results.put((item, user, action, type(exc).__name__, str(exc)))
    con.close()


def comment_many(workspace: str, user: str, count: int, barrier) -> None:
    from close.review.decisions import comment
    from close.review.store import connect

    con = connect(workspace)
    barrier.wait()
    for i in range(count):
        comment(con, "R-0001", user=user, text=f"{user} note {i}")
    con.close()


def queue_doc(workspace: str, doc: dict, user: str, barrier) -> None:
    """A close queueing its results, started at the same moment as another one."""
    from close.review import queue_run

    barrier.wait()
    queue_run(doc, workspace=workspace, user=user, pack_path="p")


def queue_slowly(workspace: str, doc_path: str, stop_after: int) -> None:
    """Queue the doc, but after `stop_after` audit records hang inside the transaction."""
    from close.review import audit, queue_run

    real_append = audit.append
    written = [0]

    def append_then_hang(con, **record):
        seq = real_append(con, **record)
        written[0] += 1
        if written[0] == stop_after:
            print("INSIDE", flush=True)
            time.sleep(600)
        return seq

    audit.append = append_then_hang
    doc = json.loads(open(doc_path, encoding="utf-8").read())
    queue_run(doc, workspace=workspace, user="ana", pack_path="p")
    print("DONE", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "queue-slowly":
        queue_slowly(sys.argv[2], sys.argv[3], int(sys.argv[4]))
