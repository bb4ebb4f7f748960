"""Anchors: the audit chain's head written where the workspace does not reach.

A hash chain kept only beside the data it protects proves little: whoever can rewrite
review.sqlite can rewrite every record and recompute every hash, cut the tail, or
delete the file. So every sign-off, every reopen and every `close audit anchor` appends
the chain's head (the last record's number and hash) to append-only JSON-lines files
outside the store: the signed month's output folder and the pack's own folder (see
locks.py), and any file the user names (`--anchor FILE`, or CLOSE_AUDIT_ANCHOR), such
as one on a share only the controller writes to. `close audit verify` checks the chain
against every anchor it is given: a record an anchor knows must still be there with the
anchored hash, and a store that is gone while an anchor knows records is tampering.

Each line names the store it anchors (its resolved path), so one anchor file can serve
several workspaces and an anchor is only ever checked against its own store.

With CLOSE_AUDIT_ANCHOR set, close anchors continuously: after every write it appends
the new head (event `write`). Then nothing can be appended to the log unseen: verify
requires the head to be the latest continuous anchor, so a record forged onto the end
(an approval in a reviewer's name, hashes right) is reported as written outside close.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from close.review.errors import UsageError

ANCHOR_ENV = "CLOSE_AUDIT_ANCHOR"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    store: str
    source: str      # the file and line it came from, for messages
    continuous: bool = False   # written after a write (CLOSE_AUDIT_ANCHOR), not on demand


def head(con: sqlite3.Connection) -> tuple[int, str]:
    """(number, hash) of the last audit record; (0, 64 zeros) for an empty log."""
    from close.review.audit import GENESIS

    row = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS)


def store_key(store: Path) -> str:
    return str(Path(store).resolve())


def append_line(path: Path, entry: dict) -> None:
    """Append one JSON line and make it durable before returning: an anchor that a crash
    can lose is no anchor."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def anchor_entry(con: sqlite3.Connection, store: Path, *, event: str, at: str, **extra) -> dict:
    seq, digest = head(con)
    return {"event": event, "at": at, "audit_seq": seq, "audit_head": digest,
            "store": store_key(store), **extra}


def read_lines(path: Path) -> list[dict]:
    """Every entry of an anchor or lock file; a line that is not an entry is an error
    (a damaged anchor must be looked at, not skipped)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            entry = None
        if not isinstance(entry, dict):
            raise UsageError(f"{path} line {number} is not an anchor entry (one JSON object per line)")
        entry["_source"] = f"{path} line {number}"
        entries.append(entry)
    return entries


def anchors_in(path: Path, store: Path) -> list[Anchor]:
    """The anchors in one file that are about this store."""
    key = store_key(store)
    found = []
    for e in read_lines(path):
        if e.get("store") != key or "audit_seq" not in e:
            continue
        try:
            found.append(Anchor(int(e["audit_seq"]), str(e["audit_head"]), key, e["_source"],
                                continuous=e.get("event") == "write"))
        except (KeyError, TypeError, ValueError):
            raise UsageError(f"{e['_source']} is not an anchor entry (audit_seq, audit_head)") from None
    return found


def named_files(given=()) -> list[Path]:
    """The anchor files the user named: --anchor FILE..., then CLOSE_AUDIT_ANCHOR."""
    files = [Path(f) for f in given]
    env = os.environ.get(ANCHOR_ENV, "").strip()
    if env:
        files.append(Path(env))
    return list(dict.fromkeys(files))


def anchor_continuously(con: sqlite3.Connection) -> None:
    """After a committed write: append the head to CLOSE_AUDIT_ANCHOR, if it is set."""
    env = os.environ.get(ANCHOR_ENV, "").strip()
    if not env:
        return
    from close.review.store import now

    store = Path(con.execute("PRAGMA database_list").fetchone()[2])
    append_line(Path(env), anchor_entry(con, store, event="write", at=now()))
