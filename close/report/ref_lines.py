"""The rows of the books behind each ref the review cites, for its appendix.

Principle 4: every finding points at the books. In the HTML every ref is a link to an
anchor in the appendix, where the rows behind it are listed (with debit and credit
totals for journal lines). The rows are plain data close.pipeline fetched for the
workpapers (Inputs.lines); the report never reaches the books itself, so a ref whose
rows were not passed (the books changed since the close, or the ref names nothing) is
listed with that said.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from close.report.numbers import to_decimal

MAX_ROWS = 25


def ref_anchor(ref) -> str:
    """An HTML id for a ref, one-to-one: letters, digits and '-' kept, every other
    character written as _ and its code point, so 'journal_lines:JE-1' and
    'journal_lines:JE_1' never share an anchor."""
    out = []
    for ch in str(ref):
        out.append(ch if (ch.isascii() and ch.isalnum()) or ch == "-" else f"_{ord(ch):x}_")
    return "ref-" + "".join(out)


@dataclass
class RefLines:
    ref: str
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    more: int = 0                   # rows not shown (over MAX_ROWS)
    resolved: bool = False
    debit: Decimal | None = None
    credit: Decimal | None = None

    @property
    def anchor(self) -> str:
        return ref_anchor(self.ref)


def _text(value) -> str:
    return "" if value is None else str(value)


def ref_lines(refs: list[str], lines: dict[str, list[dict]] | None,
              totals: dict[str, dict] | None = None) -> list[RefLines]:
    """One entry per ref, in the order given; columns that are empty in every row are
    dropped so that an entry's lines fit a page. `totals` (close.refs.first_rows_and_totals): what
    all the ref's rows add up to, when `lines` holds only the first of them."""
    lines = lines or {}
    found = []
    for ref in dict.fromkeys(refs):
        rows = lines.get(ref)
        entry = RefLines(ref)
        if rows is not None:
            whole = (totals or {}).get(ref) or totals_of(rows)
            entry.resolved = True
            entry.columns = [c for c in whole["columns"]]
            entry.rows = [[_text(r.get(c)) for c in entry.columns] for r in rows[:MAX_ROWS]]
            entry.more = max(0, whole["count"] - MAX_ROWS)
            if whole["count"] and whole["debit"] is not None and whole["credit"] is not None:
                entry.debit, entry.credit = whole["debit"], whole["credit"]
        found.append(entry)
    return found


def totals_of(rows: list[dict]) -> dict:
    """What the rows at hand add up to, as close.refs.first_rows_and_totals gives it for all of them."""
    columns = [c for c in (rows[0].keys() if rows else []) if any(r.get(c) not in (None, "") for r in rows)]
    both = bool(rows) and "debit" in rows[0] and "credit" in rows[0]
    return {"count": len(rows), "columns": columns,
            "debit": sum((to_decimal(r.get("debit")) or Decimal(0) for r in rows), Decimal(0)) if both else None,
            "credit": sum((to_decimal(r.get("credit")) or Decimal(0) for r in rows), Decimal(0)) if both else None}
