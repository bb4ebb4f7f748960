"""Approve, reject, comment: the rules a reviewer's action must pass, checked and recorded
in one transaction.

Each item version takes one decision and it is final: the store's primary key on
decisions.item_n enforces it even if two reviewers act at the same instant, and the
transaction makes the loser see the winner's decision and be told so. A rejected draft
comes back only as a new version from a new run. Comments are always welcome, on any
version, locked month or not. A refused approval or rejection is recorded (refusals.py).

Once the workspace has users (users.py), the acting user must be an active one whose
role allows the act: reviewers and controllers decide, everyone comments. An approval
may carry the fingerprint (content_sha256) of what the reviewer was shown, so that a
page left open while the item moved on cannot approve what nobody looked at.
"""
from __future__ import annotations

import sqlite3

from close.identity import same_person
from close.review import audit, refusals
from close.review.errors import (AlreadyDecided, MonthLocked, NotCurrent, SeparationOfDuties,
                                 UnverifiedNeedsNote, UsageError, ViewChanged)
from close.review.signoff import lock_record, locked_message
from close.review.store import item_id, now, writing
from close.review.users import authorize
from close.review.views import is_current, item_row, parse_item_id, summary


def approve(con: sqlite3.Connection, item: str, *, user: str, note: str | None = None,
            accept_unverified: bool = False, shown_sha256: str | None = None) -> dict:
    """shown_sha256: the fingerprint of the version the reviewer was shown (the page sends
    it); the approval is refused when the item no longer has it."""
    note = (note or "").strip() or None
    with refusals.recorded(con, actor=user, action="approve", item=_named(item)), writing(con):
        authorize(con, user, "approve")
        row = item_row(con, item)
        accepted = check_approvable(con, row, user=user, note=note, accept_unverified=accept_unverified,
                                    shown_sha256=shown_sha256)
        record_approval(con, row, user=user, note=note, accepted=accepted)
        return summary(item_row(con, item_id(row["n"])))


def check_approvable(con: sqlite3.Connection, row, *, user: str, note: str | None,
                     accept_unverified: bool, shown_sha256: str | None = None) -> bool:
    """Raise the Refused that forbids `user` approving this item version, if any (decided,
    not current, month locked, their own work, unverified without a note); else return
    whether the approval accepts unverified figures. One set of rules for one approval
    and for many (bulk.py)."""
    _ensure_decidable(con, row, "approve", shown_sha256)
    rid = item_id(row["n"])
    if same_person(user, row["responsible"]):
        raise SeparationOfDuties(
            f"{user} cannot approve {rid}: it was prepared by {row['preparer']}; "
            "another reviewer must approve it")
    accepted = bool(row["unverified"])
    if accepted and not (accept_unverified and note):
        raise UnverifiedNeedsNote(
            f"{rid} is unverified (it cites figures that match no computed fact); approve "
            "it only with --accept-unverified and a --note saying why the figures are right")
    return accepted


def record_approval(con: sqlite3.Connection, row, *, user: str, note: str | None, accepted: bool,
                    extra: dict | None = None) -> None:
    """The approval row and its audit event, inside the caller's transaction, after
    check_approvable passed."""
    _decide(con, row, "approved", user, note, accepted,
            {"note": note, "accepted_unverified": accepted, **(extra or {})})


def reject(con: sqlite3.Connection, item: str, *, user: str, reason: str,
           shown_sha256: str | None = None) -> dict:
    reason = (reason or "").strip()
    if not reason:
        raise UsageError("a rejection needs --reason \"...\": the preparer has to know what to fix")
    with refusals.recorded(con, actor=user, action="reject", item=_named(item)), writing(con):
        authorize(con, user, "reject")
        row = item_row(con, item)
        _ensure_decidable(con, row, "reject", shown_sha256)
        _decide(con, row, "rejected", user, reason, False, {"reason": reason})
        return summary(item_row(con, item_id(row["n"])))


def comment(con: sqlite3.Connection, item: str, *, user: str, text: str) -> dict:
    text = (text or "").strip()
    if not text:
        raise UsageError("a comment needs --text \"...\"")
    with refusals.recorded(con, actor=user, action="comment", item=_named(item)), writing(con):
        authorize(con, user, "comment")
        row = item_row(con, item)
        con.execute("INSERT INTO comments (item_n, user, text, at) VALUES (?, ?, ?, ?)",
                    (row["n"], user, text, now()))
        audit.append(con, actor=user, event="commented", month=row["month"],
                     item=item_id(row["n"]), details={"text": text})
        return summary(row)


def _named(item: str) -> str:
    """The item id as the log writes it (R-0007), or the text given when it is not one."""
    try:
        return item_id(parse_item_id(item))
    except UsageError:
        return str(item)[:40]


def _ensure_decidable(con, row, verb: str, shown_sha256: str | None = None) -> None:
    rid = item_id(row["n"])
    if shown_sha256 is not None and shown_sha256 != row["content_sha256"]:
        shown = f"fingerprint {shown_sha256[:12]}" if shown_sha256 else "no fingerprint was sent"
        raise ViewChanged(f"cannot {verb} {rid}: what you were shown ({shown}) is not its "
                          f"content ({row['content_sha256'][:12]}); reload it and review what "
                          "is there now")
    if row["decision"] is not None:
        raise AlreadyDecided(
            f"{rid} was already {row['decision']} by {row['decided_by']} at {row['decided_at']}; "
            "a decision is final: a new run creates a new version to review")
    if not is_current(row):
        if row["withdrawn"]:
            raise NotCurrent(f"cannot {verb} {rid}: it was withdrawn because the skill now "
                             "passes on the books")
        newest = con.execute("SELECT n FROM items WHERE month = ? AND kind = ? AND key = ? "
                             "ORDER BY version DESC LIMIT 1",
                             (row["month"], row["kind"], row["key"])).fetchone()["n"]
        raise NotCurrent(f"cannot {verb} {rid}: version {row['version']} was replaced by "
                         f"{item_id(newest)} (version {row['latest_version']}); review that one")
    lock = lock_record(con, row["month"])
    if lock is not None:
        raise MonthLocked(locked_message(row["month"], lock))


def _decide(con, row, decision: str, user: str, note: str | None, accepted: bool,
            details: dict) -> None:
    con.execute("INSERT INTO decisions (item_n, decision, user, note, accepted_unverified, at) "
                "VALUES (?, ?, ?, ?, ?, ?)", (row["n"], decision, user, note, int(accepted), now()))
    details = {**details, "version": row["version"], "content_sha256": row["content_sha256"]}
    audit.append(con, actor=user, event=decision, month=row["month"], item=item_id(row["n"]),
                 details=details)
