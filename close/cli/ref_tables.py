"""The rows behind a ref, laid out for the terminal's width.

A journal entry is read as an accountant reads one: line, date, account, description,
debit, credit and the currency they are in, with debit and credit totalled per currency
so a reviewer sees at once whether the entry balances. On 80 columns the entity and the
entry are named once in the title when all lines share them; a wider terminal shows
them as columns, then the document, source, preparer and approver as room allows. Any
other table's rows are shown one field per line, which fits any width and cuts nothing.
"""
from __future__ import annotations

from decimal import Decimal

from rich.text import Text

from close.cli.tables import Column, fitted_table, width
from close.money import cents
from close.results import jsonable

WIDE = 120
UNKNOWN_CURRENCY = "?"


def _text(value) -> str | None:
    return None if value is None else str(jsonable(value))


def _decimal(value) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))


def _amount(value: Decimal, currency: str) -> str:
    return f"{cents(value, None if currency == UNKNOWN_CURRENCY else currency):,}"


def _line_amount(value, currency: str) -> str:
    """A line's debit or credit; the side a line does not post to is left blank."""
    amount = _decimal(value)
    return "" if amount == 0 else _amount(amount, currency)


def journal_totals(rows: list[dict], currencies: dict[str, str]) -> dict[str, tuple[Decimal, Decimal]]:
    """{currency: (debits, credits)} of journal lines; a line's debit and credit are in its
    entity's functional currency ("?" when the entity has none on record)."""
    totals: dict[str, tuple[Decimal, Decimal]] = {}
    for row in rows:
        currency = currencies.get(str(row.get("entity_id")), UNKNOWN_CURRENCY)
        debit, credit = totals.get(currency, (Decimal(0), Decimal(0)))
        totals[currency] = (debit + _decimal(row.get("debit")), credit + _decimal(row.get("credit")))
    return totals


def journal_table(ref: str, rows: list[dict], currencies: dict[str, str]) -> list:
    """The entry's lines and a totals row per currency; then, for each currency whose
    debits and credits differ, a line saying by how much."""
    wide = width() >= WIDE
    entities = sorted({str(r.get("entity_id")) for r in rows})
    entries = sorted({str(r.get("je_id")) for r in rows})
    show_entity = wide or len(entities) > 1
    show_entry = wide or len(entries) > 1
    title = " · ".join([ref, *([] if show_entity else [f"entity {entities[0]}"]),
                        *([] if show_entry else [f"entry {entries[0]}"])])
    columns = ([Column("entity")] if show_entity else []) + ([Column("entry")] if show_entry else []) + [
        Column("line", "amount"), Column("date"), Column("account"), Column("description", "text"),
        Column("debit", "amount"), Column("credit", "amount"), Column("cur")]
    columns += [Column(name, optional=True) for name in ("document", "source", "preparer", "approver")
                if wide and any(r.get(_SOURCE.get(name, name)) for r in rows)]
    lines = []
    for r in rows:
        currency = currencies.get(str(r.get("entity_id")), UNKNOWN_CURRENCY)
        lines.append({"entity": _text(r.get("entity_id")), "entry": _text(r.get("je_id")),
                      "line": _text(r.get("line_no")), "date": _text(r.get("posting_date")),
                      "account": _text(r.get("account_id")), "description": _description(r),
                      "debit": _line_amount(r.get("debit"), currency),
                      "credit": _line_amount(r.get("credit"), currency), "cur": currency,
                      **{name: _text(r.get(_SOURCE.get(name, name))) for name in
                         ("document", "source", "preparer", "approver")}})
    totals = journal_totals(rows, currencies)
    total_rows = [{"description": Text("total"), "debit": _amount(debit, currency),
                   "credit": _amount(credit, currency), "cur": currency, "_style": "bold"}
                  for currency, (debit, credit) in totals.items()]
    out = [fitted_table(title, columns, lines, sections=[total_rows])]
    for currency, (debit, credit) in totals.items():
        if debit != credit:
            side = "debits exceed credits" if debit > credit else "credits exceed debits"
            out.append(Text(f"out of balance in {currency}: {side} by {_amount(abs(debit - credit), currency)}"))
    return out


_SOURCE = {"document": "doc_ref"}


def _description(row: dict) -> str:
    """The line's description, with its transaction currency and amount when it was
    booked in another currency than the entity's."""
    text = _text(row.get("description")) or ""
    if row.get("currency") and row.get("amount_txn") is not None:
        text += f" ({_text(row.get('currency'))} {_text(row.get('amount_txn'))})"
    return text


def records_table(ref: str, rows: list[dict]):
    """Any table's rows one field per line (field, value), a rule between rows."""
    title = ref + (f" · {len(rows)} rows" if len(rows) > 1 else "")
    groups = [[{"field": column, "value": _text(value)} for column, value in row.items()] for row in rows]
    return fitted_table(title, [Column("field"), Column("value", "text")], groups[0], sections=groups[1:])
