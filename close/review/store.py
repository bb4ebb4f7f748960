"""The review store: one SQLite file in the workspace, beside the ledger database.

Why SQLite and not the DuckDB file the books live in: DuckDB lets one process write a
database file at a time, and a reviewer approving an item while a colleague's close is
queueing drafts are two processes writing at once. SQLite in WAL mode lets any number of
processes read while one writes; every write here opens with BEGIN IMMEDIATE, so writers
queue for the lock (up to BUSY_TIMEOUT_MS) instead of failing, and each one re-reads the
state it decides on inside its own transaction. A process killed half-way through a
transaction leaves nothing behind: SQLite rolls the WAL back on the next open.

Every table is append-only. Triggers abort UPDATE and DELETE, so what reviewers decided
cannot be rewritten through SQL by accident; an item's status is derived from the rows
that follow it (decisions, withdrawals, newer versions), never edited in place. The
audit chain (audit.py) catches edits made behind the triggers' back.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from close.review.errors import StoreError

STORE_NAME = "review.sqlite"
SCHEMA_VERSION = 3
BUSY_TIMEOUT_MS = 30_000

TABLES = {
    "runs": """
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,           -- first 12 hex digits of results.json's SHA-256
            month TEXT NOT NULL,
            pack_name TEXT NOT NULL,
            pack_sha256 TEXT NOT NULL,
            pack_path TEXT NOT NULL,
            results_sha256 TEXT NOT NULL,
            user TEXT NOT NULL,
            at TEXT NOT NULL)""",
    "closes": """
        CREATE TABLE closes (
            n INTEGER PRIMARY KEY AUTOINCREMENT,  -- every `close run` of a month, in order
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            month TEXT NOT NULL,
            complete INTEGER NOT NULL CHECK (complete IN (0, 1)),  -- every skill, every entity
            errors INTEGER NOT NULL,
            pack_sha256 TEXT NOT NULL,
            pack_path TEXT NOT NULL,
            out_dir TEXT,
            user TEXT NOT NULL,
            at TEXT NOT NULL)""",
    "items": """
        CREATE TABLE items (
            n INTEGER PRIMARY KEY AUTOINCREMENT,  -- shown as R-0001
            month TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('section', 'skill')),
            key TEXT NOT NULL,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            content TEXT NOT NULL,                -- canonical JSON of the section or skill result
            content_sha256 TEXT NOT NULL,
            preparer TEXT NOT NULL,               -- as shown: "Claude on behalf of ana"
            responsible TEXT NOT NULL,            -- who counts as preparer for approval rules
            unverified INTEGER NOT NULL CHECK (unverified IN (0, 1)),
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            pack_name TEXT NOT NULL,
            pack_sha256 TEXT NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (month, kind, key, version))""",
    "withdrawals": """
        CREATE TABLE withdrawals (
            item_n INTEGER PRIMARY KEY REFERENCES items (n),
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            user TEXT NOT NULL,
            at TEXT NOT NULL)""",
    "decisions": """
        CREATE TABLE decisions (
            item_n INTEGER PRIMARY KEY REFERENCES items (n),  -- one decision per version
            decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
            user TEXT NOT NULL,
            note TEXT,
            accepted_unverified INTEGER NOT NULL CHECK (accepted_unverified IN (0, 1)),
            at TEXT NOT NULL)""",
    "comments": """
        CREATE TABLE comments (
            n INTEGER PRIMARY KEY AUTOINCREMENT,
            item_n INTEGER NOT NULL REFERENCES items (n),
            user TEXT NOT NULL,
            text TEXT NOT NULL,
            at TEXT NOT NULL)""",
    "month_actions": """
        CREATE TABLE month_actions (
            n INTEGER PRIMARY KEY AUTOINCREMENT,
            month TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('signed_off', 'reopened')),
            user TEXT NOT NULL,
            reason TEXT,
            at TEXT NOT NULL)""",
    "audit_log": """
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            event TEXT NOT NULL,
            month TEXT,
            item TEXT,
            details TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
    # Who may act (users.py). A user is never edited: disabling appends a row, and a
    # password is only ever stored as its argon2id hash.
    "users": """
        CREATE TABLE users (
            n INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL UNIQUE,        -- identity_key(name): look-alikes are one person
            role TEXT NOT NULL CHECK (role IN ('preparer', 'reviewer', 'controller')),
            password_hash TEXT NOT NULL,          -- argon2id, PHC string
            added_by TEXT NOT NULL,
            at TEXT NOT NULL)""",
    "user_disabled": """
        CREATE TABLE user_disabled (
            user_n INTEGER PRIMARY KEY REFERENCES users (n),
            disabled_by TEXT NOT NULL,
            reason TEXT,
            at TEXT NOT NULL)""",
    # Login tokens (CLI) and page sessions (web): only their SHA-256 is kept, so a copy
    # of the store does not let anyone act as a user.
    "tokens": """
        CREATE TABLE tokens (
            token_sha256 TEXT PRIMARY KEY,
            user_n INTEGER NOT NULL REFERENCES users (n),
            kind TEXT NOT NULL CHECK (kind IN ('cli', 'web')),
            issued_at TEXT NOT NULL,
            expires_at TEXT NOT NULL)""",
    "token_ends": """
        CREATE TABLE token_ends (
            token_sha256 TEXT PRIMARY KEY REFERENCES tokens (token_sha256),
            at TEXT NOT NULL)""",
}
INDEXES = (
    "CREATE INDEX items_by_key ON items (month, kind, key, version)",
    "CREATE INDEX comments_by_item ON comments (item_n)",
    "CREATE INDEX month_actions_by_month ON month_actions (month, n)",
    "CREATE INDEX closes_by_month ON closes (month, n)",
    "CREATE INDEX tokens_by_user ON tokens (user_n)",
)
# What each schema version added, for stores written by an earlier close.
UPGRADES = {2: ("closes",), 3: ("users", "user_disabled", "tokens", "token_ends")}


def guard_sql(tables=TABLES) -> dict[str, str]:
    """The triggers that make every table append-only: name -> the exact CREATE statement
    (sqlite_master keeps it as written, so `close audit verify` compares the SQL, and a
    same-named trigger that does nothing does not pass for a guard)."""
    return {
        f"{table}_no_{verb}": (
            f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: nothing recorded may be "
            f"changed or removed'); END")
        for table in tables for verb in ("update", "delete")
    }


def guard_names() -> list[str]:
    return list(guard_sql())


def store_path(workspace: Path) -> Path:
    return Path(workspace) / STORE_NAME


def connect(workspace: Path, *, create: bool = True) -> sqlite3.Connection | None:
    """Open (and on first use create) the store; None when it is absent and create=False.

    Read-only commands pass create=False so that looking does not leave files behind.
    """
    path = store_path(workspace)
    if not create and not path.exists():
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        _retry_while_locked(lambda: _prepare(con, path))
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a usable review store: {exc}") from None
    return con


def _prepare(con: sqlite3.Connection, path: Path) -> None:
    if con.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        con.execute("PRAGMA journal_mode = WAL")  # persists in the file: set once
    con.execute("PRAGMA synchronous = FULL")
    con.execute("PRAGMA foreign_keys = ON")
    _ensure_schema(con, path)


def _retry_while_locked(step):
    """While another process creates the store, SQLite can answer `database is locked`
    at once instead of waiting on busy_timeout (switching a new file to WAL, rebuilding
    the WAL index): such a step is retried until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _ensure_schema(con: sqlite3.Connection, path: Path) -> None:
    """Create the tables once. Guards are not re-created on later opens: a missing trigger
    is evidence that someone went around them, and `close audit verify` reports it."""
    if _version(con) == SCHEMA_VERSION:
        return
    with writing(con):
        version = _version(con)
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StoreError(f"{path} has review-store schema {version}; this close "
                             f"understands schema {SCHEMA_VERSION}")
        if version == 0:
            statements = [*TABLES.values(), *INDEXES, *guard_sql().values()]
        else:  # an earlier close's store: add what later versions brought, keep every row
            added = [t for v in range(version + 1, SCHEMA_VERSION + 1) for t in UPGRADES[v]]
            statements = [*(TABLES[t] for t in added),
                          *(i for i in INDEXES if any(f" ON {t} " in i for t in added)),
                          *guard_sql({t: TABLES[t] for t in added}).values()]
        for statement in statements:
            con.execute(statement)
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")


def _version(con: sqlite3.Connection) -> int:
    return con.execute("PRAGMA user_version").fetchone()[0]


@contextmanager
def writing(con: sqlite3.Connection):
    """One write transaction, taken before anything is read, so that the checks a write
    depends on (is it decided? is the month locked?) see the latest committed state.
    Inside a transaction already open (a close holds one while it writes its outputs, so
    that nothing is queued unless the outputs are written), it joins that one."""
    if con.in_transaction:
        yield con
        return
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    from close.review.anchors import anchor_continuously

    anchor_continuously(con)


@contextmanager
def reading(con: sqlite3.Connection):
    """One consistent snapshot for a multi-query read."""
    con.execute("BEGIN")
    try:
        yield con
    finally:
        con.execute("COMMIT")


def now() -> str:
    """UTC, ISO 8601 with microseconds and a Z, so log lines sort as text."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def item_id(n: int) -> str:
    return f"R-{n:04d}"
