"""Approving many items at once, all or nothing.

A month's queue holds dozens of low-severity exceptions that a reviewer has read in the
list and agrees with; approving them one command at a time invites approving the wrong
one. `close review approve` takes several ids, or a selection (month, severity, skill,
entity), and approves every item under the rules of a single approval (decisions.py):
not the preparer's own work, not a decided or replaced version, not in a locked month,
unverified figures only with a note. An item whose worst finding is high severity
needs a note too: approving it unread in a batch is exactly what the note guards
against.

All or nothing: every item is checked inside one transaction, and if any is refused
nothing is approved and every refused item is named with its reason (and each refusal
is recorded in the audit trail). A batch that half-succeeded would leave the reviewer
to work out which items went through; a refused batch leaves the queue as it was, and
the list of reasons says what to take out. Each approval that does go through is its
own audit event, exactly as one approval is, with the batch's size in its details.
"""
from __future__ import annotations

import json
import sqlite3
from fnmatch import fnmatchcase

from close.review import audit
from close.review.decisions import check_approvable, record_approval
from close.review.errors import Refused, UsageError
from close.review.store import item_id, writing
from close.review.users import authorize
from close.review.views import item_row, list_items, parse_item_id, summary
from close.review.weights import item_weight, severity_rank, weigh_items

NOTE_NEEDED = "high"


class BatchRefused(Refused):
    """Some items of a batch may not be approved; none was. `refused` holds (id, reason,
    the name of the rule that refused it)."""

    def __init__(self, refused: list[tuple[str, str, str]], size: int):
        self.refused = refused
        by_rule: dict[str, list[tuple[str, str]]] = {}
        for rid, reason, rule in refused:
            by_rule.setdefault(rule, []).append((rid, reason))
        parts = []
        for group in by_rule.values():
            rid, reason = group[0]
            if len(group) == 1:
                parts.append(reason if rid in reason else f"{rid}: {reason}")
            else:
                parts.append(f"{', '.join(r for r, _ in group)}: {reason} (likewise each of them)")
        super().__init__(f"approved none of {size} items, because {len(refused)} may not be approved: "
                         f"{'; '.join(parts)}; nothing was approved")


def select_pending(con: sqlite3.Connection, *, month: str | None = None, severity: str | None = None,
                   skill: str | None = None, entity: str | None = None) -> list[str]:
    """Ids of the current pending items that match every filter given: the month;
    severity S: items whose worst finding is S or less severe (sections have none and are
    left out); skill: a glob on the skill id (sections left out); entity: its id, or
    "group"."""
    if severity is not None and severity not in ("high", "medium", "low"):
        raise UsageError(f"--severity {severity!r}: choose high, medium or low")
    items = weigh_items(con, list_items(con, month=month, status="pending"))
    chosen = []
    for i in items:
        if severity is not None and (i["severity"] is None or severity_rank(i["severity"]) < severity_rank(severity)):
            continue
        if skill is not None and (i["kind"] != "skill" or not fnmatchcase(i["key"].partition("/")[0], skill)):
            continue
        if entity is not None and i["entity"] != entity:
            continue
        chosen.append(i["id"])
    return chosen


def approve_many(con: sqlite3.Connection, items: list[str], *, user: str, note: str | None = None,
                 accept_unverified: bool = False, shown: dict[str, str] | None = None,
                 month: str | None = None) -> list[dict]:
    """Approve every item, or none: BatchRefused names each that may not be approved.
    shown: the review page's fingerprint (content_sha256) of each item as the reviewer
    saw it; an item that no longer has it is refused, as a single approval would be.
    month: when given, every item must be of that month (the page approves a month's)."""
    note = (note or "").strip() or None
    ids = list(dict.fromkeys(item_id(parse_item_id(i)) for i in items))
    if not ids:
        raise UsageError("no items to approve: name them, or select them with --month, --severity, "
                         "--skill, --entity or --all-pending")
    try:
        with writing(con):
            authorize(con, user, "approve")
            rows = [item_row(con, rid) for rid in ids]
            strays = [item_id(r["n"]) for r in rows if month is not None and r["month"] != month]
            if strays:
                raise UsageError(f"{', '.join(strays)} {'is not an item' if len(strays) == 1 else 'are not items'} "
                                 f"of {month}")
            accepted, refused = {}, []
            for row in rows:
                rid = item_id(row["n"])
                try:
                    accepted[rid] = check_approvable(con, row, user=user, note=note,
                                                     accept_unverified=accept_unverified,
                                                     shown_sha256=None if shown is None else shown.get(rid, ""))
                except Refused as exc:
                    refused.append((rid, str(exc), type(exc).__name__))
                    continue
                if not note and item_weight(_content(row))["severity"] == NOTE_NEEDED and row["kind"] == "skill":
                    refused.append((rid, f"{rid} has high-severity findings; approve it in a batch only "
                                         "with a --note saying why its findings are acceptable", "HighNeedsNote"))
            if refused:
                raise BatchRefused(refused, len(rows))
            for row in rows:
                record_approval(con, row, user=user, note=note, accepted=accepted[item_id(row["n"])],
                                extra={"batch": len(rows)})
            return [summary(item_row(con, rid)) for rid in ids]
    except BatchRefused as exc:
        _record_refusals(con, user, exc.refused)
        raise
    except Refused as exc:
        _record_refusals(con, user, [(None, str(exc), type(exc).__name__)])
        raise


def _content(row) -> dict:
    return json.loads(row["content"])


def _record_refusals(con, user: str, refused) -> None:
    """One `refused` event per refused item, after the batch was rolled back."""
    if con.in_transaction:
        return
    with writing(con):
        for rid, reason, kind in refused:
            month = None
            if rid is not None:
                month = con.execute("SELECT month FROM items WHERE n = ?", (parse_item_id(rid),)).fetchone()[0]
            audit.append(con, actor=user, event="refused", month=month, item=rid,
                         details={"action": "approve", "reason": reason, "refusal": kind})
