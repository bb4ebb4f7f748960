"""SWIFT MT940 customer statements, read with the `mt-940` library.

A file often concatenates many statements (one per account and day); each `:20:` block
is one, parsed on its own so its balances stay its own (`mt940.parse_statements`). All
of the library's corrections are switched on (`Options.all()`): a reversal of a credit
(`RC`) takes money out and must be negative, or statements with reversals do not tie.
The library gives amounts as Decimal. A `:61:` line it cannot read is refused with the
file's line number and the text of the line.
"""
from __future__ import annotations

from pathlib import Path

import mt940

from .problems import ImportProblem, ImportRefused
from .statement import BankLine, Statement

NO_REFERENCE = {"", "NONREF", "NOTPROVIDED"}


def _line_of(text: str, fragment: str, start: int = 0) -> int | None:
    at = text.find(fragment, start) if fragment else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def read_mt940(path: Path) -> list[Statement]:
    label = path.name
    data = path.read_bytes()
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    try:
        blocks = mt940.parse_statements(data, options=mt940.Options.all())
    except RuntimeError as exc:  # the library's "Unable to parse <tag> from <value>"
        tag, value = (exc.args[1], exc.args[2]) if len(exc.args) >= 3 else (None, "")
        tag_id = getattr(tag, "id", "?")
        first = str(value).splitlines()[0] if value else ""
        raise ImportRefused([ImportProblem(label, f"has a :{tag_id}: field that is not valid MT940 "
                                                  f"({getattr(tag, 'name', 'field')})", _line_of(text, first),
                                           f":{tag_id}:", first)]) from None
    except (ValueError, ArithmeticError) as exc:
        raise ImportRefused([ImportProblem(label, f"is not a readable MT940 file ({exc})")]) from None
    statements = []
    cursor = 0
    for block in blocks:
        d = block.data
        ref = d.get("transaction_reference") or "?"
        line = _line_of(text, f":20:{ref}", cursor)
        cursor = text.find(f":20:{ref}", cursor) + 1 if line else cursor
        number = "/".join(x for x in (d.get("statement_number"), d.get("sequence_number")) if x)
        stmt_id = f"{ref} {number}".strip()
        opening = d.get("final_opening_balance") or d.get("intermediate_opening_balance") or d.get("opening_balance")
        closing = d.get("final_closing_balance") or d.get("intermediate_closing_balance") or d.get("closing_balance")
        problems = []
        if opening is None:
            problems.append(ImportProblem(label, f"statement {stmt_id} has no opening balance (:60F: or :60M:)", line))
        lines = []
        for tx in block:
            t = tx.data
            lines.append(BankLine(
                booking_date=t.get("entry_date") or t["date"], value_date=t.get("date"),
                amount=t["amount"].amount, description=_description(t), reference=_reference(t)))
        stmt = Statement(label, "MT940", stmt_id, d.get("account_identification"), block.currency,
                         opening.amount.amount if opening is not None else None,
                         closing.amount.amount if closing is not None else None,
                         closing.date if closing is not None else None, lines, line, None, problems)
        statements.append(stmt)
    if not statements:
        raise ImportRefused([ImportProblem(label, "holds no MT940 statement (no :20: block)", 1)])
    bad = [p for s in statements for p in s.problems]
    if bad:
        raise ImportRefused(bad)
    return statements


def _description(t: dict) -> str | None:
    parts = [t.get(k) for k in ("applicant_name", "purpose", "posting_text", "end_to_end_reference",
                                "additional_purpose", "extra_details", "transaction_details")]
    text = " | ".join(dict.fromkeys(str(p).replace("\n", " ").strip() for p in parts if p and str(p).strip()))
    return text or None


def _reference(t: dict) -> str | None:
    for key in ("customer_reference", "bank_reference", "end_to_end_reference"):
        value = (t.get(key) or "").strip()
        if value.upper() not in NO_REFERENCE:
            return value
    return None
