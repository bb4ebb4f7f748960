"""Review queue, sign-off and the audit trail: a close is done when people say so.

`close run` queues one item per narrative section and one per skill result with
exceptions; reviewers approve or reject each version (never their own work); sign-off
locks the month once every current item is approved. Everything anyone did is appended,
attributed and time-stamped, to a SQLite store in the workspace (store.py says why
SQLite) and to a hash-chained audit log (audit.py) that `close audit verify` checks.

The pipeline calls the two functions below; the CLI calls the modules directly.
"""
from __future__ import annotations

from pathlib import Path

from close.review.errors import (AlreadyDecided, MonthLocked, NotCurrent, NotReady, Refused,
                                 ReviewError, SeparationOfDuties, StoreError,
                                 UnverifiedNeedsNote, UsageError)
from close.review.store import connect

__all__ = ["check_month_open", "queue_run", "MonthLocked", "ReviewError", "Refused",
           "UsageError", "StoreError", "AlreadyDecided", "NotCurrent", "NotReady",
           "SeparationOfDuties", "UnverifiedNeedsNote"]


def check_month_open(workspace, month, *, user, reopen_reason=None) -> None:
    """Raise MonthLocked when the month is signed off, unless reopen_reason is given: then
    the month is reopened and the reason recorded. A workspace without a review store has
    signed off nothing, and is left untouched."""
    con = connect(Path(workspace), create=False)
    if con is None:
        return None
    try:
        from close.review.signoff import open_or_reopen

        open_or_reopen(con, str(month), user=user, reopen_reason=reopen_reason)
    finally:
        con.close()
    return None


def queue_run(doc, *, workspace, user, pack_path) -> dict:
    """Queue the close's sections and exceptions for review; returns the month's
    review_state (items, readiness, locked) for the report."""
    from close.review.queue import queue
    from close.review.views import review_state

    con = connect(Path(workspace))
    try:
        run_id = queue(con, doc, user=user, pack_path=pack_path)
        state = review_state(con, doc["month"])
    finally:
        con.close()
    state["run_id"] = run_id
    return state
