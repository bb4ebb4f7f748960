"""Queueing a close's results: new items, new versions, withdrawals, in one transaction.

The run id is the first 12 hex digits of the SHA-256 of results.json, so it names the
exact results a version came from, and re-queueing the same results is a no-op. For each
candidate, the newest version of its key decides: same content hash, still current and
not rejected, nothing to do; otherwise a new version, and an approval of the version it
replaces is marked stale in the log (the approval row itself stays as it was). A rejected
item comes back as a new version on the next run even when the books did not change:
the preparer has re-prepared it (fixed the books, or answered the rejection in a
comment), and a reviewer decides again. Otherwise one rejection would block the month's
sign-off for ever.

Every run is also recorded as a close of the month (table closes, audit event `ran`):
whether it covered every skill and entity, how many skills errored, which books and
where its outputs went. Sign-off reads the latest one.
"""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from close.results import ResultsDoc, read_results
from close.review import audit
from close.review.items import Candidate, candidates, passing_skill_keys
from close.review.signoff import ensure_open
from close.review.store import item_id, now, writing
from close.review.users import authorize


def results_sha256(doc: dict, text: str | None = None) -> str:
    """The digest of results.json's text: `text` when the caller has it (dumps(doc))."""
    from close.results import dumps

    return hashlib.sha256((dumps(doc) if text is None else text).encode("utf-8")).hexdigest()


def queue(con: sqlite3.Connection, doc: dict, *, user: str, pack_path: Path | str,
          out_dir: Path | str | None = None, results_text: str | None = None) -> str:
    """Queue the doc's items for review and record the close; returns the run id. The
    doc is read through close.results' reader; the run id hashes the document itself
    (`results_text`: its results.json text, when the caller has made it)."""
    read = read_results(doc)
    month = str(read.month)
    pack = {"name": read.pack_name, "sha256": read.pack_sha256}
    digest = results_sha256(doc, results_text)
    run_id = digest[:12]
    found = candidates(read)
    with writing(con):
        authorize(con, user, "run")
        ensure_open(con, month)
        con.execute(
            "INSERT OR IGNORE INTO runs (run_id, month, pack_name, pack_sha256, pack_path, "
            "results_sha256, user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, month, pack.get("name", ""), pack.get("sha256", ""), str(pack_path),
             digest, user, now()))
        _record_close(con, read, run_id=run_id, user=user, pack_path=pack_path, out_dir=out_dir)
        latest = _latest_versions(con, month)
        for candidate in found:
            previous = latest.get((candidate.kind, candidate.key))
            if previous is not None and not previous["withdrawn"] \
                    and previous["decision"] != "rejected" \
                    and previous["content_sha256"] == candidate.content_sha256:
                continue
            _add_version(con, candidate, previous, month=month, pack=pack, run_id=run_id, user=user)
        queued = {(c.kind, c.key) for c in found}
        for key in sorted(passing_skill_keys(read)):
            previous = latest.get(("skill", key))
            if previous is not None and not previous["withdrawn"] and ("skill", key) not in queued:
                _withdraw(con, previous, month=month, run_id=run_id, user=user)
    return run_id


def _record_close(con, doc: ResultsDoc, *, run_id: str, user: str, pack_path, out_dir) -> None:
    complete = doc.complete
    errors = doc.status_counts()["error"]
    pack_sha = doc.pack_sha256
    out = None if out_dir is None else str(out_dir)
    con.execute("INSERT INTO closes (run_id, month, complete, errors, pack_sha256, pack_path, "
                "out_dir, user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, str(doc.month), int(complete), errors, pack_sha, str(pack_path), out,
                 user, now()))
    audit.append(con, actor=user, event="ran", month=str(doc.month), details={
        "run_id": run_id, "complete": complete, "errors": errors, "pack_sha256": pack_sha,
        "pack_path": str(pack_path), "out_dir": out})


def _latest_versions(con, month: str) -> dict[tuple[str, str], sqlite3.Row]:
    rows = con.execute(
        """SELECT i.n, i.kind, i.key, i.version, i.content_sha256, d.decision, d.user AS decided_by,
                  (w.item_n IS NOT NULL) AS withdrawn
           FROM items i
           LEFT JOIN decisions d ON d.item_n = i.n
           LEFT JOIN withdrawals w ON w.item_n = i.n
           WHERE i.month = ? AND i.version = (SELECT MAX(v.version) FROM items v
                 WHERE v.month = i.month AND v.kind = i.kind AND v.key = i.key)""",
        (month,)).fetchall()
    return {(r["kind"], r["key"]): r for r in rows}


def _add_version(con, candidate: Candidate, previous, *, month: str, pack: dict, run_id: str,
                 user: str) -> None:
    version = previous["version"] + 1 if previous is not None else 1
    preparer = candidate.preparer(user)
    cur = con.execute(
        "INSERT INTO items (month, kind, key, version, title, content, content_sha256, preparer, "
        "responsible, unverified, run_id, pack_name, pack_sha256, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (month, candidate.kind, candidate.key, version, candidate.title, candidate.content_json,
         candidate.content_sha256, preparer, user, int(candidate.unverified), run_id,
         pack.get("name", ""), pack.get("sha256", ""), now()))
    new_id = item_id(cur.lastrowid)
    replaces = item_id(previous["n"]) if previous is not None else None
    audit.append(con, actor=user, event="queued", month=month, item=new_id, details={
        "kind": candidate.kind, "key": candidate.key, "version": version,
        "content_sha256": candidate.content_sha256, "preparer": preparer,
        "unverified": candidate.unverified, "run_id": run_id,
        "pack": {"name": pack.get("name", ""), "sha256": pack.get("sha256", "")},
        "replaces": replaces})
    if previous is not None and previous["decision"] == "approved":
        audit.append(con, actor=user, event="stale", month=month, item=replaces, details={
            "approved_by": previous["decided_by"], "superseded_by": new_id,
            "reason": "a later run produced a different version"})


def _withdraw(con, previous, *, month: str, run_id: str, user: str) -> None:
    con.execute("INSERT INTO withdrawals (item_n, run_id, user, at) VALUES (?, ?, ?, ?)",
                (previous["n"], run_id, user, now()))
    audit.append(con, actor=user, event="withdrawn", month=month, item=item_id(previous["n"]),
                 details={"run_id": run_id, "reason": "the skill passes on the current books"})
