"""Answers sized for an agent: what `close mcp` and the `--json` commands an agent is told
to use may print at once.

A whole close is a megabyte of JSON (statements, trial balances, a hundred findings):
far more than an agent's tool output can hold (Claude Code warns at 10,000 tokens,
refuses at 25,000, and moves an answer longer than 50,000 characters to a file). So
every agent-facing answer is:

- **compact**: JSON without indentation (a quarter to two fifths smaller);
- **a summary by default**: counts, and each result that did not pass in one line;
- **paged**: a list answers `limit` items from `cursor`, and says `total`, `shown` and
  the `next_cursor` to pass back for the rest (null on the last page);
- **within a budget**: a page stops before the answer would exceed BUDGET_TOKENS, and a
  single item larger than the budget on its own (a statement of five thousand lines)
  is cut, saying in `trimmed` what was cut and where the rest is.

Tokens are estimated at BYTES_PER_TOKEN bytes each: JSON full of digits, ids and hashes
tokenises more densely than prose, so three is safer than the usual four, and the
default budget, 16,000 tokens (48,000 bytes), keeps every answer under Claude Code's
50,000-character limit as well as the 20,000-token target. CLOSE_ANSWER_TOKENS changes it.

A cursor is the offset of the next item and a short hash of what was asked (the tool,
its filters, the books' sha256): a cursor from another listing, or from books that have
changed since, is refused with a line that says to start again, rather than silently
paging through something else.
"""
from __future__ import annotations

import copy
import hashlib
import json
import os

from close.results import (FINDINGS_FILE, SEVERITIES, jsonable, outcome_to_dict, read_results,
                           result_to_dict)

BUDGET_TOKENS = 16_000
BYTES_PER_TOKEN = 3
MIN_BUDGET_TOKENS = 2_000
NEXT_PAGE = "pass next_cursor back as cursor (MCP) or --cursor (command line) for the next page"
# Items per page unless `limit` says otherwise (the budget may stop a page sooner).
LIMITS = {"list_skills": 200, "run_skill": 50, "summary": 100, "full": 20,
          "list_findings": 50, "show_ref": 100, "review_queue": 50}
MAX_LIMIT = 1000


class BadCursor(ValueError):
    """A cursor this listing did not give out."""


def budget_tokens() -> int:
    """The answer budget in tokens: CLOSE_ANSWER_TOKENS, else BUDGET_TOKENS."""
    text = os.environ.get("CLOSE_ANSWER_TOKENS", "").strip()
    if not text:
        return BUDGET_TOKENS
    if not text.isdigit() or int(text) < MIN_BUDGET_TOKENS:
        raise ValueError(f"CLOSE_ANSWER_TOKENS={text!r}: give a whole number of tokens, at least {MIN_BUDGET_TOKENS}")
    return int(text)


def compact(doc) -> str:
    """JSON as an agent reads it: no indentation, no spaces after separators."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def size(doc) -> int:
    """Bytes of `doc` as compact JSON (UTF-8)."""
    return len(compact(doc).encode("utf-8"))


def tokens(text: str, per_token: int = BYTES_PER_TOKEN) -> int:
    """Estimated tokens of `text`: its UTF-8 bytes over `per_token`, rounded up."""
    return -(-len(text.encode("utf-8")) // per_token)


# -- cursors ---------------------------------------------------------------------------

def _scope_key(scope) -> str:
    return hashlib.sha256(compact(scope).encode("utf-8")).hexdigest()[:10]


def cursor_at(offset: int, scope) -> str:
    return f"{offset}.{_scope_key(scope)}"


def offset_of(cursor: str | None, scope) -> int:
    """The offset a cursor points at (0 without one); BadCursor for a foreign cursor."""
    if cursor is None or not str(cursor).strip():
        return 0
    text = str(cursor).strip()
    head, _, key = text.partition(".")
    if not head.isdigit() or not key:
        raise BadCursor(f"cursor {text!r} is not one close gave out: pass next_cursor from the "
                        f"previous answer as it is, or leave cursor out to start at the top")
    if key != _scope_key(scope):
        raise BadCursor(f"cursor {text!r} belongs to another listing, or the books changed since: "
                        f"ask again without cursor to start at the top")
    return int(head)


# -- pages -----------------------------------------------------------------------------

def page(items: list, *, frame: dict, key: str, scope, limit: int | None = None,
         cursor: str | None = None, budget: int | None = None, trim=None) -> dict:
    """`frame` plus up to `limit` of `items` from `cursor`, as many as fit the budget:
    {**frame, "total", "shown", "next_cursor", ["more"], key: [...]}. Counts come before
    the list, so even a reader that stops early knows how much there is. An item too
    large for the budget on its own is passed through `trim` (default trim_to)."""
    budget_bytes = (budget or budget_tokens()) * BYTES_PER_TOKEN
    start = offset_of(cursor, scope)
    if start > len(items):
        raise BadCursor(f"cursor {cursor!r} points past the end ({len(items)} items): ask again without cursor")
    stop = len(items) if limit is None else min(len(items), start + limit)
    shell = {**frame, "total": len(items), "shown": 0, "next_cursor": cursor_at(len(items), scope),
             "more": NEXT_PAGE, key: []}
    room = budget_bytes - size(shell) - 16      # digits of `shown`, and slack
    chosen: list = []
    used = 0
    trim = trim or trim_to
    for item in items[start:stop]:
        cost = size(item) + 1
        if used + cost > room:
            if chosen:
                break
            item = trim(item, room - 1)
            cost = size(item) + 1
        chosen.append(item)
        used += cost
    end = start + len(chosen)
    answer = {**frame, "total": len(items), "shown": len(chosen),
              "next_cursor": cursor_at(end, scope) if end < len(items) else None}
    if end < len(items):
        answer["more"] = NEXT_PAGE
    answer[key] = chosen
    return answer


def fits(doc, budget: int | None = None) -> bool:
    return size(doc) <= (budget or budget_tokens()) * BYTES_PER_TOKEN


def trim_to(item, room: int):
    """`item` cut to `room` bytes, saying in `trimmed` what was cut and where the whole is.
    First its largest lists are halved (down to empty), each cut noted as {path: {"shown",
    "total"}}; then its largest nested objects give way to their size
    ({path: {"omitted_bytes"}}); what still does not fit keeps its scalar fields only."""
    if size(item) <= room or not isinstance(item, dict):
        return item
    item = copy.deepcopy(item)
    cuts: dict[str, dict] = {}

    def noted():
        return {**item, "trimmed": {"cut": cuts, "whole": trimmed_note()}}

    while size(noted()) > room:
        found = _largest(item, lists=True)
        if found is None:
            break
        path, values, _ = found
        cut = cuts.setdefault(path, {"shown": len(values), "total": len(values)})
        del values[len(values) // 2:]
        cut["shown"] = len(values)
    while size(noted()) > room:
        found = _largest(item, lists=False)
        if found is None:
            break
        path, value, (parent, key) = found
        for inner in [p for p in cuts if p.startswith(path + ".") or p.startswith(path + "[")]:
            del cuts[inner]                       # the whole object goes: its cuts say nothing
        cuts[path] = {"omitted_bytes": size(value)}
        parent[key] = None
    if size(noted()) > room:
        item = {k: v for k, v in item.items() if not isinstance(v, (list, dict))}
        cuts = {"*": {"note": "only the scalar fields fit"}}
    return noted()


def trimmed_note() -> str:
    return ("too large for one answer: `close run` writes the whole result to results.json "
            f"and every finding to {FINDINGS_FILE}")


def _largest(value, *, lists: bool, path: str = "", depth: int = 0):
    """(dotted path, value, (parent, key)) of the largest non-empty list (lists=True) or
    the largest dict below the top (lists=False) inside `value`, looking into dicts and
    into the items of lists (statements nest their lines)."""
    if depth > 8:
        return None
    if isinstance(value, dict):
        children = [(f"{path}.{key}" if path else str(key), key, child) for key, child in value.items()]
    elif isinstance(value, list):
        children = [(f"{path}[{i}]", i, child) for i, child in enumerate(value)]
    else:
        return None
    best = None
    for where, key, child in children:
        candidates = []
        if lists and isinstance(child, list) and child:
            candidates.append((where, child, (value, key)))
        if not lists and isinstance(child, dict) and child and depth > 0:
            candidates.append((where, child, (value, key)))
        if isinstance(child, (dict, list)):
            inner = _largest(child, lists=lists, path=where, depth=depth + 1)
            if inner is not None:
                candidates.append(inner)
        for found in candidates:
            if best is None or size(found[1]) > size(best[1]):
                best = found
    return best


# -- a close, in brief -------------------------------------------------------------------

def close_answer(doc, *, detail: str = "summary", limit: int | None = None,
                 cursor: str | None = None, scope=None, budget: int | None = None) -> dict:
    """A results document (a dict close.results wrote, or a ResultsDoc) for an agent,
    read through the contract's reader (a document that is not ours: ResultsError).

    summary: status and severity counts, then each result that did not pass, one line
    each (id, entity, status, summary, number of findings). full: the results
    themselves, metrics and findings, a page at a time (the catalog on the first page).
    Both point at list_findings / findings.csv for the findings and at run_skill for one
    result in full. The counts are of every result, the close area's included: this
    answer states what each result says, not the report's count of the close."""
    read = read_results(doc)
    results = read.results
    severities = {s: sum(r.severity_counts[s] for r in results) for s in SEVERITIES}
    scope = {"doc": read.pack_sha256, "month": str(read.month), "detail": detail,
             "entities": list(read.entity_ids), **(scope or {})}
    frame = {"month": str(read.month), "pack": {"name": read.pack_name, "sha256": read.pack_sha256},
             "entities": list(read.entity_ids), "scope": {"complete": read.complete}, "detail": detail,
             "status_counts": read.status_counts(),
             "findings": {"total": sum(r.findings_count for r in results), **severities},
             "see": ("list_findings (MCP) pages the month's findings; run_skill gives one result in full; "
                     f"`close run` writes results.json and every finding to {FINDINGS_FILE}")}
    if detail == "summary":
        rows = [{"id": r.id, "entity_id": r.entity_id, "status": r.status,
                 "summary": r.summary, "findings": r.findings_count}
                for r in results if r.status != "pass"]
        return page(rows, frame=frame, key="skills", scope=scope, limit=limit, cursor=cursor, budget=budget)
    if cursor is None and "catalog" in read.present:
        frame["catalog"] = read.to_dict()["catalog"]
    return page([r.to_dict() for r in results], frame=frame, key="skills", scope=scope, limit=limit,
                cursor=cursor, budget=budget)


# -- the answers of the commands and tools an agent is told to use -----------------------

def check_answer(outcome, *, detail: str = "summary", skills=None, limit: int | None = None,
                 cursor: str | None = None) -> dict:
    """`close check` and MCP run_close: a close (close.runner's outcome) in brief, or in
    full by pages."""
    return close_answer(outcome_to_dict(outcome), detail=detail, limit=limit, cursor=cursor,
                        scope={"skills": sorted(skills or [])})


def skill_run_answer(outcome, skill_id: str, month: str, pack, *, entities=None, params=None,
                     limit: int | None = None, cursor: str | None = None) -> dict:
    """`close skills run --json` and MCP run_skill: one skill's results, a page at a time."""
    results = [result_to_dict(r) for r in outcome.results if r.skill_id == skill_id]
    return page(results, key="skills", limit=limit, cursor=cursor,
                frame={"month": month, "pack": {"name": pack.name, "sha256": pack.sha256}},
                scope={"tool": "run_skill", "skill": skill_id, "month": month, "pack": pack.sha256,
                       "entities": sorted(entities or []),
                       "params": {k: str(v).lower() if isinstance(v, bool) else str(v)
                                  for k, v in sorted((params or {}).items())}})


def ref_answer(ref: str, table: str, rows, sha256: str, *, limit: int | None = None,
               cursor: str | None = None) -> dict:
    """`close ref --json` and MCP show_ref: the rows a ref names, a page at a time."""
    return page(jsonable(rows), frame={"ref": ref, "table": table}, key="rows", limit=limit,
                cursor=cursor, scope={"tool": "show_ref", "ref": ref, "pack": sha256})
