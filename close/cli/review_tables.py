"""The review queue as a table: what to look at first, and what each item weighs.

Columns a reviewer needs on any terminal: the item id, its severity (sev), the amount its
findings add up to with the currency, the skill (or the narrative section: a key without a dot), the entity and
its status with anything that needs attention (unverified figures, a stale approval, a
replaced version). A wider terminal adds the version and the preparer.
"""
from __future__ import annotations

from close.cli.tables import Column, fitted_table
from close.money import cents

COLUMNS = [Column("id"), Column("sev"), Column("amount", "amount"), Column("skill/section"),
           Column("entity"), Column("status", "text"), Column("v", "amount", optional=True),
           Column("preparer", "text", optional=True)]


def amount_text(item: dict) -> str:
    """"12,644.43 USD"; blank for an item without amounts (a narrative section)."""
    if item.get("amount") is None:
        return ""
    currency = item.get("currency")
    figure = f"{cents(item['amount'], currency):,}"
    return f"{figure} {currency}" if currency else figure


def status_text(item: dict) -> str:
    """The status, who decided, and every flag a reviewer must not miss."""
    flags = []
    if item["unverified"]:
        flags.append("unverified")
    if item["state"] != "current":
        flags.append(item["state"])
    if item["stale"]:
        flags.append("stale approval")
    if item["stale_approvals"]:
        flags.append(f"{item['stale_approvals']} stale approval(s) of earlier versions")
    decided = f" by {item['decided_by']}" if item["decided_by"] else ""
    return item["status"] + decided + (f" [{'; '.join(flags)}]" if flags else "")


def queue_row(item: dict) -> dict:
    skill, _, _ = item["key"].partition("/")
    return {"id": item["id"], "sev": item.get("severity") or "",
            "amount": amount_text(item),
            "skill/section": skill if item["kind"] == "skill" else item["key"],
            "entity": item.get("entity") or "", "status": status_text(item),
            "v": str(item["version"]), "preparer": item["preparer"]}


def queue_table(items: list[dict], title: str | None = None):
    return fitted_table(title, COLUMNS, [queue_row(i) for i in items])
