"""Sign-off locks a month; reopening it takes a reason, and both are recorded.

A month is locked while its latest month action is a sign-off. Sign-off needs every
current item approved (and at least one close queued for the month); after it, a close
for the month refuses to run and the queue refuses decisions, until someone reopens the
month with a reason.
"""
from __future__ import annotations

import sqlite3

from close.review import audit
from close.review.errors import MonthLocked, NotReady
from close.review.store import writing

SHOW_AT_MOST = 5


def lock_record(con: sqlite3.Connection, month: str) -> sqlite3.Row | None:
    """The sign-off that locks the month, or None when it is open."""
    row = con.execute("SELECT * FROM month_actions WHERE month = ? ORDER BY n DESC LIMIT 1",
                      (month,)).fetchone()
    return row if row is not None and row["action"] == "signed_off" else None


def locked_message(month: str, lock: sqlite3.Row) -> str:
    return (f"{month} was signed off by {lock['user']} at {lock['at']}; it is locked: "
            f"reopen it with --reopen --reason \"...\" to run it again")


def ensure_open(con: sqlite3.Connection, month: str) -> None:
    lock = lock_record(con, month)
    if lock is not None:
        raise MonthLocked(locked_message(month, lock))


def open_or_reopen(con: sqlite3.Connection, month: str, *, user: str,
                   reopen_reason: str | None) -> bool:
    """Raise MonthLocked for a locked month unless a reason is given; then reopen it.
    Returns True when the month was reopened."""
    reason = (reopen_reason or "").strip()
    with writing(con):
        lock = lock_record(con, month)
        if lock is None:
            return False
        if not reason:
            raise MonthLocked(locked_message(month, lock))
        _record(con, month, "reopened", user, reason, {"reason": reason,
                                                       "signed_off_by": lock["user"]})
    return True


def sign_off(con: sqlite3.Connection, month: str, *, user: str, note: str | None = None) -> dict:
    """Lock the month if every current item is approved; the record names what was approved."""
    from close.review.views import list_items

    note = (note or "").strip() or None
    with writing(con):
        ensure_open(con, month)
        if con.execute("SELECT 1 FROM runs WHERE month = ? LIMIT 1", (month,)).fetchone() is None:
            raise NotReady(f"nothing to sign off for {month}: no close has been queued for it; "
                           f"run `close run --month {month}` first")
        items = list_items(con, month=month)
        waiting = [i for i in items if i["status"] != "approved"]
        if waiting:
            shown = ", ".join(f"{i['id']} {i['status']}" for i in waiting[:SHOW_AT_MOST])
            more = f" and {len(waiting) - SHOW_AT_MOST} more" if len(waiting) > SHOW_AT_MOST else ""
            raise NotReady(f"cannot sign off {month}: {len(waiting)} of {len(items)} items "
                           f"are not approved ({shown}{more})")
        head = con.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        details = {"note": note, "items": [i["id"] for i in items],
                   "audit_head": head[0] if head else audit.GENESIS}
        _record(con, month, "signed_off", user, note, details)
    return {"month": month, "signed_off_by": user, "items": details["items"],
            "audit_head": details["audit_head"], "note": note}


def _record(con, month: str, action: str, user: str, reason: str | None, details: dict) -> None:
    from close.review.store import now

    con.execute("INSERT INTO month_actions (month, action, user, reason, at) VALUES (?, ?, ?, ?, ?)",
                (month, action, user, reason, now()))
    audit.append(con, actor=user, event=action, month=month, details=details)
