"""Review queue, sign-off and the audit trail: a close is done when people say so.

`close run` queues one item per narrative section and one per skill result with
exceptions; reviewers approve or reject each version (never their own work); sign-off
locks the month once its close is complete, current and every item approved
(signoff.py), beside its outputs and books as well (locks.py), with the audit head
anchored outside the workspace (anchors.py). Everything anyone did is appended,
attributed and time-stamped, to a SQLite store in the workspace (store.py says why
SQLite) and to a hash-chained audit log (audit.py) that `close audit verify` checks.
Who may do what is users.py: without users a workspace runs in single-user mode and
cannot sign off; with them every act is by a signed-in user whose role allows it.

The pipeline calls the two functions below; the CLI calls the modules directly.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from close.review.errors import (AlreadyDecided, MonthLocked, NotCurrent, NotReady, Refused,
                                 ReviewError, SeparationOfDuties, StoreError,
                                 UnverifiedNeedsNote, UsageError)
from close.review.store import connect

__all__ = ["check_month_open", "queue_run", "queued_run", "MonthLocked", "ReviewError", "Refused",
           "UsageError", "StoreError", "AlreadyDecided", "NotCurrent", "NotReady",
           "SeparationOfDuties", "UnverifiedNeedsNote"]


def check_month_open(workspace, month, *, user, reopen_reason=None, controllers=(),
                     pack_path=None, out_dir=None) -> None:
    """Raise MonthLocked when the month is signed off, in the workspace's store or in the
    lock files beside the books and the outputs (locks.py), unless a controller gives a
    reopen_reason: then the month is reopened and the reason recorded. A workspace with
    no store and no lock file has signed off nothing, and is left untouched."""
    from close.review.locks import lock_files, locked_in
    from close.review.signoff import open_or_reopen

    files = lock_files(pack_path, out_dir)
    con = connect(Path(workspace), create=False)
    if con is None:
        if locked_in(files, str(month)) is None:
            return None
        con = connect(Path(workspace))  # the refusal or the reopen is recorded here
    try:
        open_or_reopen(con, str(month), user=user, reopen_reason=reopen_reason,
                       controllers=controllers, lock_files=files)
    finally:
        con.close()
    return None


@contextmanager
def queued_run(doc, *, workspace, user, pack_path, out_dir=None, results_text=None):
    """Queue the close's sections and exceptions for review, and yield the month's
    review_state (items, readiness, lock, audit head) for the reports. The queue is
    committed only when the block ends without an exception: a close whose outputs
    could not be written queues nothing. `results_text`: dumps(doc), when made already."""
    from close.review.anchors import head
    from close.review.queue import queue
    from close.review.store import writing
    from close.review.views import review_state

    con = connect(Path(workspace))
    try:
        with writing(con):
            run_id = queue(con, doc, user=user, pack_path=pack_path, out_dir=out_dir,
                           results_text=results_text)
            state = review_state(con, doc["month"])
            state["run_id"] = run_id
            seq, digest = head(con)
            state["audit"] = {"seq": seq, "head": digest}
            yield state
    finally:
        con.close()


def queue_run(doc, *, workspace, user, pack_path, out_dir=None) -> dict:
    """Queue the close's sections and exceptions for review; returns the month's
    review_state (items, readiness, locked) for the report."""
    with queued_run(doc, workspace=workspace, user=user, pack_path=pack_path,
                    out_dir=out_dir) as state:
        return state
