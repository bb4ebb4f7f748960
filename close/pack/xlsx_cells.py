"""Turning a workbook cell into the exact text a CSV export would have held.

openpyxl returns numbers as int or float, dates as datetime. Floats are the danger:
the rule is that a float cell becomes the shortest decimal that reads back as the
same binary number (Python's repr), which is the number as typed whenever it had at
most 15 significant digits. So a typed 1234.5 stays '1234.5', while a formula result
like 0.1+0.2 becomes '0.30000000000000004' and is then refused as money with more
than two decimals, instead of being silently rounded. Cells stored as text are taken
as they are, which is what a careful export should use for money.
Excel datetimes carry no offset: they are taken as UTC.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal


def cell_text(value, kind: str) -> str | None:
    """The text of a cell for a column of the given schema kind; None for blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, dt.datetime):
        if kind == "date" and value.time() == dt.time(0):
            return value.date().isoformat()
        if value.tzinfo is None:
            return value.isoformat() + "Z"
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    text = str(value)
    return None if text == "" else text
