"""Tables on the terminal that fit its width and never cut an id.

rich shrinks a table to the terminal by cutting cells with an ellipsis or dropping a
column altogether, and on an 80-column terminal that cut skill ids
(`je.closed_period_po…`) and every column of a journal entry. Here the widths are
decided before rich sees the table: an id or amount column is as wide as its widest
value and never wraps, text columns share what is left and wrap at word boundaries, and
optional columns are shown only while the text keeps a readable width, so a wider
terminal shows more. Cells are rich Text, never markup, after safe_text: text from the
books is displayed, not obeyed. The width is COLUMNS, else the terminal's, else 80.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from close.cli.safe_text import safe_text

NARROW = 80
MIN_TEXT = 24       # a text column narrower than this reads badly: drop optional columns first
MIN_TEXT_FOLDING = 12   # only to keep this much for each text column is an id folded
FOLDED_MIN = 12     # an id column folded to fit is never narrower than this
GAP = 2             # between two columns: a space of padding and the (blank) separator


def width() -> int:
    """The terminal's width: COLUMNS when set (as rich reads it), else the terminal's size."""
    try:
        return max(int(os.environ.get("COLUMNS", "")), 20)
    except ValueError:
        return shutil.get_terminal_size((NARROW, 24)).columns


def console() -> Console:
    """A console for tables and lines: no emoji codes or highlighting, so what is shown is
    the text as it is."""
    return Console(emoji=False, highlight=False, width=width())


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "id"          # "id": never wrapped; "amount": the same, right-aligned; "text": wraps
    optional: bool = False    # shown only while every text column keeps MIN_TEXT characters


def cell(value) -> Text:
    """A cell from any value: None is blank, text is shown with controls escaped."""
    if isinstance(value, Text):
        return value
    return Text("" if value is None else safe_text(value))


def fitted_table(title: str | None, columns: list[Column], rows: list[dict], *,
                 sections: list[list[dict]] = (), total_width: int | None = None,
                 one_field_a_line: bool = True) -> Table:
    """A table of rows (dicts keyed by header) that fits total_width (the terminal's):
    ids and amounts at their full width, text wrapped into what is left, optional
    columns dropped from the right while the text would get fewer than MIN_TEXT
    characters, and only then the widest ids folded. sections: further groups of rows,
    each after a rule (totals). When even that cannot fit, the rows are shown one field
    a line (one_field_a_line=False: squeeze instead, as that layout itself does)."""
    available = total_width or width()
    everything = [*rows, *(r for group in sections for r in group)]
    natural = {c.header: max([cell_len(c.header), *(_longest_line(r.get(c.header)) for r in everything)])
               for c in columns}
    shown = list(columns)
    while True:
        texts = [c for c in shown if c.kind == "text"]
        need = sum(min(natural[c.header], MIN_TEXT) for c in texts)
        optional = [c for c in shown if c.optional]
        if _left(shown, natural, available) >= need or not optional:
            break
        shown.remove(optional[-1])
    widths = dict(natural)
    need = sum(min(natural[c.header], MIN_TEXT_FOLDING) for c in texts)
    folded = _fold_widest_ids(shown, widths, need - _left(shown, widths, available))
    if _left(shown, widths, available) < need and one_field_a_line:
        return _records(title, shown, rows, sections, available)
    widths.update(_share_out(texts, natural, _left(shown, widths, available)))
    t = Table(title=Text(safe_text(title)) if title else None, box=box.SIMPLE_HEAD, show_edge=False,
              pad_edge=False, padding=(0, 1, 0, 0))
    for c in shown:
        if c.kind == "text":
            t.add_column(c.header, overflow="fold", width=widths[c.header])
        else:
            t.add_column(c.header, no_wrap=c.header not in folded, overflow="fold", width=widths[c.header],
                         justify="right" if c.kind == "amount" else "left")
    for r in rows:
        t.add_row(*(cell(r.get(c.header)) for c in shown), style=r.get("_style"))
    for group in sections:
        t.add_section()
        for r in group:
            t.add_row(*(cell(r.get(c.header)) for c in shown), style=r.get("_style"))
    return t


def _records(title, shown: list[Column], rows: list[dict], sections, available: int) -> Table:
    """The rows one field a line (a rule between rows): for a terminal too narrow for the
    columns side by side, where a table would have to cut them."""
    groups = [[{"field": c.header, "value": r.get(c.header)} for c in shown if r.get(c.header) not in (None, "")]
              for r in [*rows, *(r for group in sections for r in group)]]
    groups = [g for g in groups if g]
    return fitted_table(title, [Column("field"), Column("value", "text")], groups[0] if groups else [],
                        sections=groups[1:], total_width=available, one_field_a_line=False)


def _share_out(texts: list[Column], natural: dict[str, int], left: int) -> dict[str, int]:
    """The text columns' widths: a column that needs less than an even share gets what it
    needs, and the others share the rest evenly."""
    widths: dict[str, int] = {}
    waiting = sorted(texts, key=lambda c: natural[c.header])
    while waiting:
        fair = max(left // len(waiting), 1)
        if natural[waiting[0].header] > fair:
            widths.update((c.header, fair) for c in waiting)
            break
        column = waiting.pop(0)
        widths[column.header] = natural[column.header]
        left -= natural[column.header]
    return widths


def _left(shown: list[Column], widths: dict[str, int], available: int) -> int:
    """What the text columns have once the ids, amounts and the gaps between columns are laid."""
    return available - sum(widths[c.header] for c in shown if c.kind != "text") - GAP * (len(shown) - 1)


def _fold_widest_ids(shown: list[Column], widths: dict[str, int], deficit: int) -> set[str]:
    """When ids alone are wider than the terminal (a third-party skill's long id), narrow
    the widest id columns (never below FOLDED_MIN) until the text has its room; their ids
    fold onto more lines, every character kept. Returns the folded columns' headers."""
    folded: set[str] = set()
    while deficit > 0:
        candidates = [c for c in shown if c.kind == "id" and widths[c.header] > _floor(c)]
        if not candidates:
            break
        widest = max(candidates, key=lambda c: widths[c.header])
        cut = min(deficit, widths[widest.header] - _floor(widest))
        widths[widest.header] -= cut
        deficit -= cut
        folded.add(widest.header)
    return folded


def _floor(column: Column) -> int:
    return max(FOLDED_MIN, cell_len(column.header))


def _longest_line(value) -> int:
    text = value.plain if isinstance(value, Text) else ("" if value is None else safe_text(value))
    return max((cell_len(line) for line in text.splitlines()), default=0)
