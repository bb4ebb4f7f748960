"""Sign-off locks a month; reopening it is a controller's act with a reason; both are
recorded, in the store and outside it.

Sign-off means the month's close is complete and reviewed, so it needs, checked in one
transaction:
- the latest close of the month covered every registered skill and every entity (not a
  `--skills` or `--entity` run), with no skill in error;
- it ran on the current books: the pack at the path it ran on still has the sha256 it had;
- the person signing off did not run that close;
- every current item is approved (a narrative section whose figures did not verify can
  only have been approved with --accept-unverified and a note).

It also needs a person whose identity is proven: a workspace without users (single-user
mode, users.py) cannot sign off, and one with users needs an active controller.

A month is locked while its latest month action is a sign-off, and wherever its lock
files (locks.py) say so. After it, a close for the month refuses to run and the queue
refuses decisions, until a controller reopens it with a reason: a user with the
controller role, or in a workspace without users one that close.toml `[review]
controllers` names. Every refusal is recorded (refusals.py).
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from close.identity import same_person
from close.review import audit, refusals
from close.review.anchors import anchor_entry, append_line
from close.review.errors import MonthLocked, NotReady, Refused, SeparationOfDuties
from close.review.locks import file_locked_message, locked_in, out_lock_file, pack_lock_file
from close.review.store import now, writing
from close.review.users import authorize, configured

SHOW_AT_MOST = 5


class NotAController(Refused):
    """Reopening a signed-off month is for the controllers close.toml names (in a
    workspace without users; with users, the controller role: NotPermitted)."""


def lock_record(con: sqlite3.Connection, month: str) -> sqlite3.Row | None:
    """The sign-off that locks the month, or None when it is open."""
    row = con.execute("SELECT * FROM month_actions WHERE month = ? ORDER BY n DESC LIMIT 1",
                      (month,)).fetchone()
    return row if row is not None and row["action"] == "signed_off" else None


def locked_message(month: str, lock: sqlite3.Row) -> str:
    return (f"{month} was signed off by {lock['user']} at {lock['at']}; it is locked: "
            f"a controller reopens it with --reopen --reason \"...\" to run it again")


def ensure_open(con: sqlite3.Connection, month: str) -> None:
    lock = lock_record(con, month)
    if lock is not None:
        raise MonthLocked(locked_message(month, lock))


def latest_close(con: sqlite3.Connection, month: str) -> sqlite3.Row | None:
    return con.execute("SELECT * FROM closes WHERE month = ? ORDER BY n DESC LIMIT 1",
                       (month,)).fetchone()


def store_file(con: sqlite3.Connection) -> Path:
    return Path(con.execute("PRAGMA database_list").fetchone()[2])


def is_controller(user: str, controllers) -> bool:
    return any(same_person(user, c) for c in controllers or ())


def open_or_reopen(con: sqlite3.Connection, month: str, *, user: str, reopen_reason: str | None,
                   controllers=(), lock_files=()) -> bool:
    """Raise MonthLocked for a month locked in the store or in a lock file, unless a
    controller gives a reason: then reopen it everywhere it is locked. Returns True when
    the month was reopened."""
    reason = (reopen_reason or "").strip()
    with refusals.recorded(con, actor=user, action="run or reopen", month=month):
        with writing(con):
            lock = lock_record(con, month)
            file_lock = locked_in(lock_files, month)
            if lock is None and file_lock is None:
                return False
            if not reason:
                raise MonthLocked(locked_message(month, lock) if lock is not None
                                  else file_locked_message(month, file_lock))
            if configured(con):
                authorize(con, user, "reopen")
            elif not is_controller(user, controllers):
                named = ", ".join(controllers) if controllers else "none are named"
                raise NotAController(
                    f"{user} cannot reopen {month}: reopening a signed-off month is a "
                    f"controller's act (close.toml [review] controllers: {named})")
            signed_by = lock["user"] if lock is not None else file_lock.get("by")
            _record(con, month, "reopened", user, reason, {"reason": reason, "signed_off_by": signed_by})
            entry = anchor_entry(con, store_file(con), event="reopened", at=now(), month=month,
                                 by=user, reason=reason)
            for path in lock_files:
                if locked_in([path], month) is not None:
                    append_line(path, entry)
    return True


def sign_off(con: sqlite3.Connection, month: str, *, user: str, note: str | None = None,
             books_sha256: Callable[[str], str | None] | None = None,
             anchor_files=()) -> dict:
    """Lock the month if its close is complete, current and approved (see the module
    docstring); write the lock beside the outputs and the books, and the audit head to
    every anchor file. books_sha256(pack_path) gives the sha256 of the books now there
    (None when they are gone); without it the books are not compared."""
    note = (note or "").strip() or None
    with refusals.recorded(con, actor=user, action="sign off", month=month):
        with writing(con):
            authorize(con, user, "sign off")
            ensure_open(con, month)
            close = latest_close(con, month)
            _ensure_signable(con, close, month, user, books_sha256)
            items = _ensure_approved(con, month)
            head = con.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            details = {"note": note, "items": [i["id"] for i in items], "run_id": close["run_id"],
                       "audit_head": head[0] if head else audit.GENESIS}
            _record(con, month, "signed_off", user, note, details)
            entry = anchor_entry(con, store_file(con), event="signed_off", at=now(), month=month,
                                 by=user, note=note, run_id=close["run_id"],
                                 pack_sha256=close["pack_sha256"], items=len(items))
            written = [pack_lock_file(close["pack_path"])] if Path(close["pack_path"]).exists() else []
            if close["out_dir"]:
                written.append(out_lock_file(close["out_dir"]))
            written += [Path(f) for f in anchor_files]
            for path in dict.fromkeys(written):
                append_line(path, entry)
    return {"month": month, "signed_off_by": user, "items": details["items"],
            "run_id": close["run_id"], "audit_head": details["audit_head"],
            "audit_seq": entry["audit_seq"], "anchor": entry["audit_head"],
            "written": [str(p) for p in dict.fromkeys(written)], "note": note}


def _ensure_signable(con, close, month: str, user: str, books_sha256) -> None:
    if close is None:
        raise NotReady(f"nothing to sign off for {month}: no close has been queued for it; "
                       f"run `close run --month {month}` first")
    ran = f"the latest close of {month} (run {close['run_id']} by {close['user']} at {close['at']})"
    if not close["complete"]:
        raise NotReady(f"cannot sign off {month}: {ran} covered only some skills or entities; "
                       f"run the whole close (`close run --month {month}` without --skills or "
                       f"--entity) first")
    if close["errors"]:
        raise NotReady(f"cannot sign off {month}: {close['errors']} skill result(s) of {ran} "
                       f"errored; fix them and run the close again")
    if books_sha256 is not None:
        current = books_sha256(close["pack_path"])
        if current is None:
            raise NotReady(f"cannot sign off {month}: the books {ran} used "
                           f"({close['pack_path']}) are no longer there to compare")
        if current != close["pack_sha256"]:
            raise NotReady(f"cannot sign off {month}: the books at {close['pack_path']} changed "
                           f"after {ran}; run the close again on them")
    if same_person(user, close["user"]):
        raise SeparationOfDuties(f"{user} cannot sign off {month}: {user} ran its close; "
                                 f"someone else must sign it off")


def _ensure_approved(con, month: str) -> list[dict]:
    from close.review.views import list_items

    items = list_items(con, month=month)
    waiting = [i for i in items if i["status"] != "approved"]
    if waiting:
        shown = ", ".join(f"{i['id']} {i['status']}" for i in waiting[:SHOW_AT_MOST])
        more = f" and {len(waiting) - SHOW_AT_MOST} more" if len(waiting) > SHOW_AT_MOST else ""
        raise NotReady(f"cannot sign off {month}: {len(waiting)} of {len(items)} items "
                       f"are not approved ({shown}{more})")
    return items


def _record(con, month: str, action: str, user: str, reason: str | None, details: dict) -> None:
    con.execute("INSERT INTO month_actions (month, action, user, reason, at) VALUES (?, ?, ?, ?, ?)",
                (month, action, user, reason, now()))
    audit.append(con, actor=user, event=action, month=month, details=details)
