"""How much an item weighs: its worst severity, the amount its findings add up to, and the
currency that amount is in.

A reviewer works the queue riskiest first, and approves low-risk items in bulk only
when the list says which they are. The store keeps each item's content (the skill result
as results.json has it) but not the entity's currency, which lives in the catalog of the
run's results.json (written beside the reports, `closes.out_dir`); an item whose run left
no results.json behind shows its amount without a currency rather than a guessed one.
"""
from __future__ import annotations

import json
import sqlite3
from decimal import Decimal, InvalidOperation
from pathlib import Path

from close.results import SEVERITIES

RESULTS_NAME = "results.json"


def severity_rank(severity: str | None) -> int:
    """0 for high, 1 medium, 2 low; an item with no severity (a narrative section) last."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def item_weight(content: dict) -> dict:
    """{severity, amount, findings} of an item's content. severity: the worst of its
    findings, those listed and those counted in findings_omitted (None for a section);
    amount: the sum of every finding's amount as a decimal string (None when no finding
    has one); findings: how many."""
    listed = [f for f in content.get("findings") or [] if isinstance(f, dict)]
    omitted = content.get("findings_omitted") if isinstance(content.get("findings_omitted"), dict) else {}
    severities = {f.get("severity") for f in listed}
    severities |= {s for s, n in (omitted.get("by_severity") or {}).items() if n}
    worst = min(severities, key=severity_rank, default=None)
    amounts = [_decimal(f.get("amount")) for f in listed]
    amounts.append(_decimal(omitted.get("amount")) if omitted.get("count") else None)
    known = [a for a in amounts if a is not None]
    return {"severity": worst if worst in SEVERITIES else None,
            "amount": str(sum(known, Decimal(0))) if known else None,
            "findings": len(listed) + int(omitted.get("count") or 0)}


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def run_currencies(con: sqlite3.Connection, run_ids) -> dict[str, dict[str, str]]:
    """{run_id: {entity_id or "group": currency}} from the catalog of each run's
    results.json, where the run left one; runs without one are missing from the answer."""
    found: dict[str, dict[str, str]] = {}
    for run_id in sorted(set(run_ids)):
        for row in con.execute("SELECT out_dir FROM closes WHERE run_id = ? AND out_dir IS NOT NULL "
                               "ORDER BY n DESC", (run_id,)):
            currencies = _catalog_currencies(Path(row["out_dir"]) / RESULTS_NAME)
            if currencies:
                found[run_id] = currencies
                break
    return found


def _catalog_currencies(path: Path) -> dict[str, str] | None:
    """The run's currencies, read through close.results' reader: a results.json that is
    missing or not one close wrote gives none (amounts shown without a currency)."""
    from close.results import read_results

    try:
        doc = read_results(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):        # ResultsError is a ValueError
        return None
    currencies = {e: info.currency for e, info in doc.entities_catalog.items() if info.currency}
    if doc.reporting_currency:
        currencies["group"] = doc.reporting_currency
    return currencies or None


def weigh_items(con: sqlite3.Connection, items: list[dict]) -> list[dict]:
    """The items (views.list_items) each with severity, amount, currency and findings
    added; the list order is kept."""
    if not items:
        return items
    numbers = [int(i["id"].split("-")[1]) for i in items]
    contents = {}
    for start in range(0, len(numbers), 500):  # under SQLite's limit on bound parameters
        chunk = numbers[start:start + 500]
        contents.update((r["n"], json.loads(r["content"])) for r in con.execute(
            f"SELECT n, content FROM items WHERE n IN ({','.join('?' * len(chunk))})", chunk))
    currencies = run_currencies(con, {i["run_id"] for i in items})
    weighed = []
    for item, n in zip(items, numbers):
        content = contents.get(n) or {}
        weight = item_weight(content) if item["kind"] == "skill" else \
            {"severity": None, "amount": None, "findings": 0}
        entity = entity_of(item)
        currency = (currencies.get(item["run_id"]) or {}).get(entity) if weight["amount"] else None
        weighed.append({**item, **weight, "currency": currency, "entity": entity})
    return weighed


def entity_of(item: dict) -> str:
    """The entity a skill item is about ("group" for a group skill and for a section)."""
    if item["kind"] != "skill":
        return "group"
    return item["key"].partition("/")[2] or "group"


def riskiest_first(items: list[dict]) -> list[dict]:
    """Weighed items by severity (high first, sections last), then amount (largest
    first), then the queue's order."""
    return sorted(items, key=lambda i: (severity_rank(i["severity"]),
                                        -abs(_decimal(i["amount"]) or Decimal(0))))
