"""What the review page shows, built from the review store: plain dicts for the templates.

Kept apart from the web code so that what a reviewer sees (which items, in which group,
which figure of a draft was verified) can be read and tested without a server. Nothing
here writes.
"""
from __future__ import annotations

import re
import sqlite3

from close.identity import same_person
from close.review import audit
from close.review.signoff import lock_record
from close.review.store import item_id
from close.review.views import STATUSES, list_items, readiness_share, show

FILTERS = ("all", "mine", "pending", "stale", "rejected")
NARRATIVE_AREA = "narrative"
AREA_TITLES = {NARRATIVE_AREA: "Monthly Financial Review", "je": "Journal entries",
               "recon": "Reconciliations", "tax": "Tax", "stmt": "Statements",
               "flux": "Flux analysis", "close": "Close checklist"}


def months(con: sqlite3.Connection) -> list[str]:
    """Every month with a close, newest first."""
    return [r[0] for r in con.execute("SELECT DISTINCT month FROM closes ORDER BY month DESC")] or \
        [r[0] for r in con.execute("SELECT DISTINCT month FROM items ORDER BY month DESC")]


def area_of(item: dict) -> tuple[str, str]:
    """(area, entity) of an item: a skill's area is its id's first part; a narrative
    section belongs to the Monthly Financial Review, for the group."""
    if item["kind"] == "section":
        return NARRATIVE_AREA, "group"
    skill, _, entity = item["key"].partition("/")
    return skill.split(".")[0], entity or "group"


def month_page(con: sqlite3.Connection, month: str, *, user: str, show: str = "all",
               area: str | None = None, entity: str | None = None) -> dict:
    """The month's queue: counts per filter, the MFR sections, items grouped by area and
    entity after the filters, and whether it can be signed off."""
    current = list_items(con, month=month)
    stale = list_items(con, month=month, status="stale")
    responsible = {item_id(r["n"]): r["responsible"] for r in con.execute(
        "SELECT n, responsible FROM items WHERE month = ?", (month,))}
    for i in current + stale:
        i["area"], i["entity"] = area_of(i)
        i["mine"] = same_person(user, responsible.get(i["id"], "")) or \
            (i["decided_by"] is not None and same_person(user, i["decided_by"]))
    chosen = {
        "all": current, "mine": [i for i in current if i["mine"]],
        "pending": [i for i in current if i["status"] == "pending"],
        "stale": stale, "rejected": [i for i in current if i["status"] == "rejected"],
    }
    counts = {name: len(rows) for name, rows in chosen.items()}
    rows = chosen.get(show, current)
    areas = sorted({i["area"] for i in current + stale}, key=_area_order)
    entities = sorted({i["entity"] for i in current + stale})
    if area:
        rows = [i for i in rows if i["area"] == area]
    if entity:
        rows = [i for i in rows if i["entity"] == entity]
    groups = []
    for a in sorted({i["area"] for i in rows}, key=_area_order):
        in_area = [i for i in rows if i["area"] == a]
        groups.append({"area": a, "title": AREA_TITLES.get(a, a), "count": len(in_area),
                       "entities": [{"entity": e, "rows": [i for i in in_area if i["entity"] == e]}
                                    for e in sorted({i["entity"] for i in in_area})]})
    approved = sum(1 for i in current if i["status"] == "approved")
    lock = lock_record(con, month)
    close = con.execute("SELECT * FROM closes WHERE month = ? ORDER BY n DESC LIMIT 1", (month,)).fetchone()
    return {
        "month": month, "filter": show, "area": area or "", "entity": entity or "",
        "filters": FILTERS, "counts": counts, "areas": areas, "entities": entities,
        "area_titles": AREA_TITLES, "groups": groups, "shown": len(rows),
        "sections": [i for i in current if i["kind"] == "section"],
        "by_status": {s: sum(1 for i in current if i["status"] == s) for s in STATUSES if s != "stale"},
        "readiness": {"approved": approved, "total": len(current),
                      "share": readiness_share(approved, len(current))},
        "waiting": [i for i in current if i["status"] != "approved"],
        "locked": None if lock is None else {"by": lock["user"], "at": lock["at"], "note": lock["reason"]},
        "close": None if close is None else {"run_id": close["run_id"], "by": close["user"],
                                             "at": close["at"], "complete": bool(close["complete"]),
                                             "errors": close["errors"]},
    }


def _area_order(area: str) -> tuple[int, str]:
    order = list(AREA_TITLES)
    return (order.index(area) if area in order else len(order), area)


def item_page(con: sqlite3.Connection, item: str) -> dict:
    """One item in full (views.show) with what the page adds: the draft's paragraphs cut
    into plain text and marked figures, every ref of its findings, and the history of
    every version of the item, not just this one."""
    detail = show(con, item)
    content = detail["content"]
    detail["area"], detail["entity"] = area_of(detail)
    detail["paragraphs"] = [mark_figures(p, content.get("figures") or [],
                                         content.get("unverified_figures") or [])
                            for p in content.get("paragraphs") or []]
    detail["findings"] = [f for f in content.get("findings") or [] if isinstance(f, dict)]
    metrics = content.get("metrics") if isinstance(content.get("metrics"), dict) else {}
    lines = metrics.get("lines")     # a statement's lines; other skills may count lines here
    detail["lines"] = [line for line in lines if isinstance(line, dict)] if isinstance(lines, list) else []
    detail["metrics"] = _metrics(metrics if not detail["lines"] else
                                 {k: v for k, v in metrics.items() if k != "lines"})
    ids = [v["id"] for v in detail["versions"]]
    detail["full_history"] = [r for i in ids for r in audit.records(con, item=i)]
    detail["full_history"].sort(key=lambda r: r["seq"])
    detail["locked"] = lock_record(con, detail["month"]) is not None
    return detail


def _metrics(metrics: dict) -> list[tuple[str, str]]:
    """Scalar metrics as (name, value) rows; statement lines are shown on their own."""
    return [(str(k), str(v)) for k, v in metrics.items() if not isinstance(v, (dict, list))]


def mark_figures(text: str, figures: list, unverified: list) -> list[dict]:
    """A paragraph as segments {text, kind, title}: kind 'verified' for a figure that
    matched a computed fact (title says which, and its value), 'unverified' for one that
    matched none, None for plain text. The template escapes every segment, so a draft
    cannot bring markup onto the page."""
    marks: dict[str, tuple[str, str]] = {}
    for f in unverified:
        if isinstance(f, dict) and f.get("text"):
            marks[str(f["text"])] = ("unverified", f"not verified: {f.get('reason') or 'matches no fact'}")
    for f in figures:
        if isinstance(f, dict) and f.get("text") and str(f["text"]) not in marks:
            marks[str(f["text"])] = ("verified", f"verified: {f.get('fact')} = {f.get('value')}")
    if not marks:
        return [{"text": text, "kind": None, "title": None}]
    # Whole figures only: a "3" is not marked inside "R-0003", "379.36" or "3rd".
    alternatives = "|".join(re.escape(t) for t in sorted(marks, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w|[.,]\d)")
    segments, at = [], 0
    for match in pattern.finditer(text):
        if match.start() > at:
            segments.append({"text": text[at:match.start()], "kind": None, "title": None})
        kind, title = marks[match.group()]
        segments.append({"text": match.group(), "kind": kind, "title": title})
        at = match.end()
    if at < len(text):
        segments.append({"text": text[at:], "kind": None, "title": None})
    return segments


def refs_of(findings: list[dict], limit: int) -> list[str]:
    """The distinct refs of an item's findings, in order, at most `limit`."""
    seen: dict[str, None] = {}
    for f in findings:
        for ref in f.get("refs") or []:
            seen.setdefault(str(ref), None)
    return list(seen)[:limit]
