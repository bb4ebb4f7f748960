"""Reading the queue: items with their derived status, one item in full, review_state.

Nothing in the store holds a status that is edited. An item version is pending until its
one decision (approved or rejected); it is current while it is the newest version of its
key and not withdrawn. An approval of a version that is no longer current is stale:
kept, shown, never counted toward sign-off.
"""
from __future__ import annotations

import json
import re
import sqlite3
from decimal import ROUND_HALF_UP, Decimal

from close.review import audit
from close.review.errors import UsageError
from close.review.store import item_id

STATUSES = ("pending", "approved", "rejected", "stale")

ITEM_SQL = """
SELECT i.*, d.decision, d.user AS decided_by, d.note AS decision_note,
       d.accepted_unverified, d.at AS decided_at,
       (w.item_n IS NOT NULL) AS withdrawn,
       (SELECT MAX(v.version) FROM items v
         WHERE v.month = i.month AND v.kind = i.kind AND v.key = i.key) AS latest_version,
       (SELECT COUNT(*) FROM items o JOIN decisions od ON od.item_n = o.n
         WHERE o.month = i.month AND o.kind = i.kind AND o.key = i.key
           AND o.version < i.version AND od.decision = 'approved') AS earlier_approvals,
       (SELECT MIN(f.n) FROM items f
         WHERE f.month = i.month AND f.kind = i.kind AND f.key = i.key) AS first_n
FROM items i
LEFT JOIN decisions d ON d.item_n = i.n
LEFT JOIN withdrawals w ON w.item_n = i.n
"""

_ID = re.compile(r"^\s*R-?0*(\d+)\s*$", re.IGNORECASE)


def parse_item_id(text: str) -> int:
    match = _ID.match(text or "")
    if not match or int(match.group(1)) == 0:
        raise UsageError(f"{text!r} is not a review item id: expected R- and a number, like R-0001")
    return int(match.group(1))


def item_row(con: sqlite3.Connection, text: str) -> sqlite3.Row:
    n = parse_item_id(text)
    row = con.execute(ITEM_SQL + " WHERE i.n = ?", (n,)).fetchone()
    if row is None:
        top = con.execute("SELECT MAX(n) FROM items").fetchone()[0]
        known = f"the queue holds R-0001 to {item_id(top)}" if top else "the queue is empty"
        raise UsageError(f"no review item {item_id(n)}: {known}")
    return row


def is_current(row) -> bool:
    return row["version"] == row["latest_version"] and not row["withdrawn"]


def summary(row) -> dict:
    current = is_current(row)
    status = row["decision"] or "pending"
    state = "current" if current else ("withdrawn" if row["withdrawn"] else "superseded")
    return {
        "id": item_id(row["n"]), "month": row["month"], "kind": row["kind"], "key": row["key"],
        "title": row["title"], "version": row["version"], "status": status, "state": state,
        "stale": status == "approved" and not current,
        "stale_approvals": row["earlier_approvals"], "unverified": bool(row["unverified"]),
        "preparer": row["preparer"], "run_id": row["run_id"],
        "pack": {"name": row["pack_name"], "sha256": row["pack_sha256"]},
        "content_sha256": row["content_sha256"], "queued_at": row["at"],
        "decided_by": row["decided_by"], "decided_at": row["decided_at"],
    }


def list_items(con: sqlite3.Connection, *, month: str | None = None, status: str | None = None,
               include_all: bool = False) -> list[dict]:
    """Current items by default; include_all adds superseded and withdrawn versions."""
    if status is not None and status not in STATUSES:
        raise UsageError(f"--status {status!r}: choose one of {', '.join(STATUSES)}")
    sql, params = ITEM_SQL, []
    if month is not None:
        sql += " WHERE i.month = ?"
        params.append(month)
    # A key keeps the place where it was first queued, whatever its version.
    rows = con.execute(sql + " ORDER BY i.month, first_n, i.version", params).fetchall()
    items = [summary(r) for r in rows]
    if status == "stale":
        return [i for i in items if i["stale"]]
    if not include_all:
        items = [i for i in items if i["state"] == "current"]
    if status is not None:
        items = [i for i in items if i["status"] == status]
    return items


def show(con: sqlite3.Connection, text: str) -> dict:
    """One item in full: its content, decision, comments, other versions and audit trail."""
    row = item_row(con, text)
    detail = summary(row)
    detail["content"] = json.loads(row["content"])
    detail["decision"] = None if row["decision"] is None else {
        "decision": row["decision"], "by": row["decided_by"], "at": row["decided_at"],
        "note": row["decision_note"], "accepted_unverified": bool(row["accepted_unverified"])}
    detail["comments"] = [
        {"by": c["user"], "at": c["at"], "text": c["text"]}
        for c in con.execute("SELECT * FROM comments WHERE item_n = ? ORDER BY n", (row["n"],))]
    versions = con.execute(ITEM_SQL + " WHERE i.month = ? AND i.kind = ? AND i.key = ? "
                           "ORDER BY i.version", (row["month"], row["kind"], row["key"]))
    detail["versions"] = [
        {k: v[k] for k in ("id", "version", "status", "state", "stale", "decided_by", "run_id")}
        for v in map(summary, versions)]
    detail["history"] = [
        {k: r[k] for k in ("seq", "at", "actor", "event", "details")}
        for r in audit.records(con, item=detail["id"])]
    return detail


def review_state(con: sqlite3.Connection, month: str) -> dict:
    """The month's queue as the report shows it (see interfaces.md)."""
    from close.review.signoff import lock_record

    items = list_items(con, month=month)
    approved = sum(1 for i in items if i["status"] == "approved")
    return {
        "month": month,
        "items": [{k: i[k] for k in ("id", "kind", "key", "title", "version", "status",
                                     "stale_approvals", "unverified", "preparer", "decided_by")}
                  for i in items],
        "readiness": {"approved": approved, "total": len(items),
                      "share": readiness_share(approved, len(items))},
        "locked": lock_record(con, month) is not None,
    }


def readiness_share(approved: int, total: int) -> str:
    """Percent approved, one decimal, half-up. An empty queue has nothing outstanding: 100.0."""
    if total == 0:
        return "100.0"
    share = Decimal(approved * 100) / Decimal(total)
    return str(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
