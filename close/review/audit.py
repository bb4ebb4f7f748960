"""The audit trail: an append-only log where each record carries the hash of the one before.

Each record's hash is SHA-256 over the canonical JSON (sorted keys, no spaces, UTF-8) of
its fields and the previous record's hash, starting from 64 zeros. Changing a field
breaks that record's own hash; removing or moving a record breaks the link from the
record that follows. Triggers already refuse UPDATE and DELETE; the chain is what catches
an edit made behind their back (a dropped trigger, a hex editor).

A chain checks itself only against itself: anchors.py writes its head outside the
workspace, and verify checks the chain against those anchors too; it also replays the
review rules over the log (an approval by the preparer, a decision in a signed-off month:
records close would have refused) and checks the append-only triggers by their SQL.

The sequence number is not hashed: order lives in the links, so a swap shows as a
record whose predecessor comes later, not as a changed record. AUTOINCREMENT keeps the
highest number ever used in sqlite_sequence, which is how records cut from the end show.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field

from close.identity import identity_key, same_person
from close.review.store import guard_sql, item_id, now, reading

GENESIS = "0" * 64
EVENTS = ("ran", "queued", "withdrawn", "stale", "approved", "rejected", "commented",
          "signed_off", "reopened", "refused", "user_added", "user_disabled", "logged_in",
          "logged_out")


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(*, at: str, actor: str, event: str, month: str | None, item: str | None,
                details: str, prev_hash: str) -> str:
    body = canonical({"at": at, "actor": actor, "event": event, "month": month,
                      "item": item, "details": details, "prev": prev_hash})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(con: sqlite3.Connection, *, actor: str, event: str, month: str | None = None,
           item: str | None = None, details: dict | None = None) -> int:
    """Add one record; call inside store.writing() so the tail cannot move under us."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    last = con.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    prev_hash = last[0] if last else GENESIS
    at = now()
    text = canonical(details or {})
    digest = record_hash(at=at, actor=actor, event=event, month=month, item=item,
                         details=text, prev_hash=prev_hash)
    cur = con.execute(
        "INSERT INTO audit_log (at, actor, event, month, item, details, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (at, actor, event, month, item, text, prev_hash, digest))
    return cur.lastrowid


def records(con: sqlite3.Connection, *, month: str | None = None,
            item: str | None = None) -> list[dict]:
    sql = "SELECT * FROM audit_log WHERE 1 = 1"
    params: list = []
    if month is not None:
        sql += " AND month = ?"
        params.append(month)
    if item is not None:
        sql += " AND item = ?"
        params.append(item)
    rows = con.execute(sql + " ORDER BY seq", params).fetchall()
    return [_record_dict(r) for r in rows]


def _record_dict(row) -> dict:
    try:
        details = json.loads(row["details"])
    except ValueError:
        details = row["details"]
    return {"seq": row["seq"], "at": row["at"], "actor": row["actor"], "event": row["event"],
            "month": row["month"], "item": row["item"], "details": details,
            "prev_hash": row["prev_hash"], "hash": row["hash"]}


@dataclass
class Verdict:
    """The outcome of `close audit verify`: ok, or the first problem found."""

    ok: bool
    records: int
    head: str
    problem: str | None = None      # changed | removed | reordered | mismatch | forged | unguarded
    seq: int | None = None          # the record the problem is about
    message: str = "the audit chain is intact"
    guards_missing: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"ok": self.ok, "records": self.records, "head": self.head,
                "problem": self.problem, "seq": self.seq, "message": self.message,
                "guards_missing": self.guards_missing}


def verify(con: sqlite3.Connection | None, anchors=()) -> Verdict:
    """Recompute the chain; check it against every anchor (anchors.Anchor: a head written
    outside the workspace); then check the store agrees with the log, the log obeys the
    review rules, and the store is still guarded by its own triggers. All of it reads one
    snapshot, so a reviewer acting meanwhile cannot look like tampering. A missing store
    (con None) with an anchor that knows records is tampering, not an empty log."""
    anchors = list(anchors)
    if con is None:
        known = [a for a in anchors if a.seq > 0]
        if known:
            a = max(known, key=lambda x: x.seq)
            return Verdict(False, 0, GENESIS, "removed", None,
                           f"the review store is missing, but {a.source} anchors {a.seq} audit "
                           f"records (head {a.hash[:12]}): it was deleted or moved")
        return Verdict(True, 0, GENESIS, message="the audit log is empty")
    with reading(con):
        rows = con.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
        unguarded = _unguarded(con)
        verdict = (_check_chain(con, rows) or _check_anchors(rows, anchors)
                   or _check_state(con, rows) or _check_rules(con, rows))
    head = rows[-1]["hash"] if rows else GENESIS
    if verdict is None and unguarded:
        verdict = ("unguarded", None, f"append-only guards are missing or altered "
                   f"({', '.join(unguarded)}): the store was altered outside close")
    if verdict is None:
        return Verdict(True, len(rows), head, guards_missing=unguarded)
    problem, seq, message = verdict
    return Verdict(False, len(rows), head, problem, seq, message, unguarded)


def _unguarded(con) -> list[str]:
    """Guards that are absent or whose SQL is not the guard's: a same-named trigger that
    does nothing is no guard."""
    present = {r[0]: r[1] for r in con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    return sorted(name for name, sql in guard_sql().items()
                  if " ".join((present.get(name) or "").split()) != " ".join(sql.split()))


def _check_anchors(rows, anchors) -> tuple[str, int | None, str] | None:
    """Each anchored head must still be in the log, at its place, with its hash: a log
    rewritten and re-hashed from any earlier record, or cut back past an anchor, fails.
    With continuous anchors (every write anchored), nothing may follow the latest one."""
    by_seq = {row["seq"]: row for row in rows}
    last = rows[-1]["seq"] if rows else 0
    for a in sorted(anchors, key=lambda x: x.seq):
        if a.seq == 0:
            continue
        row = by_seq.get(a.seq)
        if row is None:
            return ("removed", a.seq, f"{a.source} anchors audit record {a.seq} (head "
                    f"{a.hash[:12]}), but the log ends at record {last}: records were removed")
        if row["hash"] != a.hash:
            return ("changed", a.seq, f"audit record {a.seq} does not match {a.source} (anchored "
                    f"{a.hash[:12]}, now {row['hash'][:12]}): the log was rewritten")
    continuous = [a for a in anchors if a.continuous]
    if continuous:
        latest = max(continuous, key=lambda x: x.seq)
        if last > latest.seq:
            first = latest.seq + 1
            span = f"record {first}" if first == last else f"records {first}-{last}"
            return ("forged", first, f"audit {span} came after the last continuous anchor "
                    f"({latest.source}): close anchors every write there, so "
                    f"{'it was' if first == last else 'they were'} written outside close")
    return None


def _check_rules(con, rows) -> tuple[str, int | None, str] | None:
    """Replay the log against the review rules close enforces when it writes: a record
    that close would have refused was not written by close. An approval by the item's
    preparer, any decision or queued draft while its month was signed off, or (once the
    workspace has users) an act by someone who was not then an active user with the role
    it takes, is forged."""
    preparers = {item_id(r["n"]): r["responsible"] for r in con.execute("SELECT n, responsible FROM items")}
    locked: set[str] = set()
    roles: dict[str, str | None] = {}    # identity key -> role while active, None once disabled
    for row in rows:
        event, month = row["event"], row["month"]
        if event == "signed_off":
            locked.add(month)
        elif event == "reopened":
            locked.discard(month)
        elif event in ("ran", "approved", "rejected", "queued", "withdrawn") and month in locked:
            return ("forged", row["seq"], f"audit record {row['seq']} ({event} {row['item']}) "
                    f"was written while {month} was signed off: close refuses that")
        if event == "approved" and row["item"] in preparers \
                and same_person(row["actor"], preparers[row["item"]]):
            return ("forged", row["seq"], f"audit record {row['seq']} approves {row['item']} by "
                    f"its own preparer {row['actor']}: close refuses that")
        if roles and event in ROLE_NEEDED:
            role = roles.get(identity_key(row["actor"]))
            if role is None or ROLE_ORDER.index(role) < ROLE_ORDER.index(ROLE_NEEDED[event]):
                what = row["item"] or row["month"] or _details(row).get("name") or ""
                return ("forged", row["seq"], f"audit record {row['seq']} ({event} {what}) was "
                        f"written for {row['actor']}, who was not an active "
                        f"{ROLE_NEEDED[event]} then: close refuses that")
        if event in ("user_added", "user_disabled"):
            details = _details(row)
            roles[identity_key(str(details.get("name")))] = (
                details.get("role") if event == "user_added" else None)
    return None


# Once a workspace has users, the role each recorded act needs (users.py ACTIONS).
ROLE_ORDER = ("preparer", "reviewer", "controller")
ROLE_NEEDED = {"ran": "preparer", "commented": "preparer", "approved": "reviewer",
               "rejected": "reviewer", "signed_off": "controller", "reopened": "controller",
               "user_added": "controller", "user_disabled": "controller"}


def _details(row) -> dict:
    try:
        details = json.loads(row["details"])
    except ValueError:
        return {}
    return details if isinstance(details, dict) else {}


def _check_chain(con, rows) -> tuple[str, int | None, str] | None:
    position = {row["hash"]: i for i, row in enumerate(rows)}
    prev_hash, prev_seq = GENESIS, 0
    for i, row in enumerate(rows):
        seq = row["seq"]
        own = record_hash(at=row["at"], actor=row["actor"], event=row["event"],
                          month=row["month"], item=row["item"], details=row["details"],
                          prev_hash=row["prev_hash"])
        if own != row["hash"]:
            return "changed", seq, f"audit record {seq} was changed: its contents no longer match its hash"
        if row["prev_hash"] != prev_hash:
            found = position.get(row["prev_hash"])
            if found is not None and found != i - 1:
                return ("reordered", seq, f"audit record {seq} is out of order: it was written "
                        f"after record {rows[found]['seq']}")
            if seq != prev_seq + 1:
                return ("removed", prev_seq + 1, f"audit record {prev_seq + 1} was removed: "
                        f"record {seq} no longer follows " +
                        (f"record {prev_seq}" if prev_seq else "the start of the log"))
            if prev_seq == 0:
                return ("removed", seq, f"the records before audit record {seq} were removed "
                        "and the log renumbered")
            return ("changed", prev_seq, f"audit record {prev_seq} was changed and re-hashed, "
                    f"or a record after it removed: record {seq} no longer follows it")
        prev_hash, prev_seq = row["hash"], seq
    top = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if top is not None and top[0] > prev_seq:
        first = prev_seq + 1
        span = f"record {first} was" if first == top[0] else f"records {first}-{top[0]} were"
        return "removed", first, f"audit {span} removed from the end of the log"
    return None


def _check_state(con, rows) -> tuple[str, int | None, str] | None:
    """Every recorded fact has its audit record and every audit record its fact, so a row
    slipped into (or out of) the store, or edited in it, without the log shows. An item's
    draft must still hash to the content hash its queued record carries."""
    for r in con.execute("SELECT n, content, content_sha256 FROM items ORDER BY n"):
        if hashlib.sha256(r["content"].encode("utf-8")).hexdigest() != r["content_sha256"]:
            return "mismatch", None, f"the content of item {item_id(r['n'])} was changed after it was queued"
    logged: dict[tuple, list[int]] = {}
    for row in rows:
        key = _log_fingerprint(row)
        if key is not None:
            logged.setdefault(key, []).append(row["seq"])
    for key, label in _store_fingerprints(con):
        seqs = logged.get(key)
        if seqs:
            seqs.pop(0)
        else:
            return "mismatch", None, f"{label} is in the store but has no audit record"
    leftovers = sorted(seq for seqs in logged.values() for seq in seqs)
    if leftovers:
        seq = leftovers[0]
        return "mismatch", seq, f"audit record {seq} records something the store no longer holds"
    return None


def _log_fingerprint(row) -> tuple | None:
    try:
        details = json.loads(row["details"])
    except ValueError:
        details = {}
    event, item, actor, month = row["event"], row["item"], row["actor"], row["month"]
    if event == "ran":
        return (event, month, actor, details.get("run_id"), bool(details.get("complete")),
                details.get("errors"), details.get("out_dir"))
    if event == "queued":
        return (event, item, month, actor, details.get("kind"), details.get("key"),
                details.get("version"), details.get("content_sha256"), details.get("preparer"),
                bool(details.get("unverified")))
    if event == "withdrawn":
        return (event, item)
    if event == "approved":
        return (event, item, actor, details.get("note"), bool(details.get("accepted_unverified")))
    if event == "rejected":
        return (event, item, actor, details.get("reason"))
    if event == "commented":
        return (event, item, actor, details.get("text"))
    if event == "signed_off":
        return (event, month, actor, details.get("note"))
    if event == "reopened":
        return (event, month, actor, details.get("reason"))
    if event == "user_added":
        return (event, actor, details.get("name"), details.get("role"))
    if event == "user_disabled":
        return (event, actor, details.get("name"), details.get("reason"))
    if event == "logged_in":
        return (event, actor, details.get("token"), details.get("via"), details.get("expires_at"))
    if event == "logged_out":
        return (event, actor, details.get("token"))
    return None


def _store_fingerprints(con):
    for r in con.execute("SELECT * FROM closes ORDER BY n"):
        yield (("ran", r["month"], r["user"], r["run_id"], bool(r["complete"]), r["errors"],
                r["out_dir"]), f"the close of {r['month']} run {r['run_id']} by {r['user']}")
    for r in con.execute("SELECT * FROM items ORDER BY n"):
        yield (("queued", item_id(r["n"]), r["month"], r["responsible"], r["kind"], r["key"],
                r["version"], r["content_sha256"], r["preparer"], bool(r["unverified"])),
               f"item {item_id(r['n'])} as it now reads")
    for r in con.execute("SELECT item_n FROM withdrawals ORDER BY item_n"):
        yield ("withdrawn", item_id(r["item_n"])), f"the withdrawal of {item_id(r['item_n'])}"
    for r in con.execute("SELECT * FROM decisions ORDER BY item_n"):
        label = {"approved": "the approval", "rejected": "the rejection"}[r["decision"]]
        key = (r["decision"], item_id(r["item_n"]), r["user"], r["note"])
        if r["decision"] == "approved":
            key += (bool(r["accepted_unverified"]),)
        yield key, f"{label} of {item_id(r['item_n'])} by {r['user']}"
    for r in con.execute("SELECT * FROM comments ORDER BY n"):
        yield (("commented", item_id(r["item_n"]), r["user"], r["text"]),
               f"a comment by {r['user']} on {item_id(r['item_n'])}")
    for r in con.execute("SELECT * FROM month_actions ORDER BY n"):
        yield ((r["action"], r["month"], r["user"], r["reason"]),
               f"the {r['action'].replace('_', ' ')} of {r['month']} by {r['user']}")
    yield from _user_fingerprints(con)


def _user_fingerprints(con):
    """Users, disablings, logins and logouts: a user or a token slipped into the store
    without close (to act as someone) has no audit record, and shows."""
    names = {}
    for r in con.execute("SELECT * FROM users ORDER BY n"):
        names[r["n"]] = r["name"]
        yield (("user_added", r["added_by"], r["name"], r["role"]),
               f"user {r['name']} ({r['role']}, added by {r['added_by']})")
    for r in con.execute("SELECT * FROM user_disabled ORDER BY user_n"):
        yield (("user_disabled", r["disabled_by"], names.get(r["user_n"]), r["reason"]),
               f"the disabling of user {names.get(r['user_n'])}")
    for r in con.execute("SELECT * FROM tokens ORDER BY issued_at"):
        yield (("logged_in", names.get(r["user_n"]), r["token_sha256"][:16], r["kind"],
                r["expires_at"]), f"a login of {names.get(r['user_n'])}")
    for r in con.execute("SELECT e.token_sha256, t.user_n FROM token_ends e "
                         "JOIN tokens t ON t.token_sha256 = e.token_sha256 ORDER BY e.at"):
        yield (("logged_out", names.get(r["user_n"]), r["token_sha256"][:16]),
               f"a logout of {names.get(r['user_n'])}")
