"""Writing a workpaper tab row by row, the way an accountant's file looks.

The workbook is written in openpyxl's write-only mode (rows streamed to disk, never
held), so every tab is built top-down: a `Tab` counts its own rows and hands out the
row number of each line it writes, which is how formulas further down refer to cells
above them. The accountant's conventions live here once: amounts in the currency's
decimals with negatives in parentheses, bold totals with a rule above, formula cells
locked and input cells (a supporting balance, a reconciling item) left open under sheet
protection without a password, frozen headers, print titles and fit-to-width.

Text from the books goes through `put_text`, as in the values-only workbook: it is
stored as a string and quote-prefixed when Excel would read it as a formula, so no cell
written from pack text is ever a formula. Formulas are written only by `formula()`,
from references this package builds.
"""
from __future__ import annotations

from copy import copy
from decimal import Decimal

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties

from close.report.workbook import put_text

TITLE_FONT = Font(bold=True, size=14, color="1F4E79")
HEAD_FONT = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
LABEL_FONT = Font(bold=True)
LINK_FONT = Font(color="0563C1", underline="single")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")   # cells a preparer may change
PASS_FONT = Font(bold=True, color="006100")
NOTE_FONT = Font(italic=True, color="595959")
TOTAL_BORDER = Border(top=Side(style="thin"), bottom=Side(style="double"))
SUB_BORDER = Border(top=Side(style="thin"))
WRAP = Alignment(wrap_text=True, vertical="top")
OPEN = Protection(locked=False)
INVALID_SHEET_CHARS = set('[]:*?/\\')
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = '0.0"%";(0.0"%")'
DATE_FORMAT = "yyyy-mm-dd"


def money_format(places: int) -> str:
    """Thousands separators, the currency's decimals, negatives in parentheses."""
    digits = "0." + "0" * places if places else "0"
    body = "#,##" + digits
    return f"{body}_);({body});{digits}_)"


def quote_sheet(name: str) -> str:
    """A sheet name as a formula reference: always quoted, quotes doubled."""
    return "'" + name.replace("'", "''") + "'"


def ref(sheet: str, column: int | str, row: int, absolute: bool = True) -> str:
    letter = column if isinstance(column, str) else get_column_letter(column)
    mark = "$" if absolute else ""
    return f"{quote_sheet(sheet)}!{mark}{letter}{mark}{row}"


def string_literal(text: str) -> str:
    """Text as a formula string literal: inside quotes, quotes doubled, nothing else
    special (so text from the books in a literal stays data)."""
    return '"' + str(text).replace('"', '""') + '"'


class SheetNames:
    """Unique, valid sheet names (31 characters, none of []:*?/\\)."""

    def __init__(self):
        self.used: set[str] = set()

    def take(self, wanted: str) -> str:
        clean = "".join("_" if ch in INVALID_SHEET_CHARS or ord(ch) < 32 else ch for ch in wanted)
        clean = clean.strip("'") or "Sheet"
        name, n = clean[:31], 2
        while name.lower() in self.used:
            suffix = f"~{n}"
            name, n = clean[:31 - len(suffix)] + suffix, n + 1
        self.used.add(name.lower())
        return name


class Tab:
    """One worksheet, written top-down; `add` returns the row number it wrote."""

    def __init__(self, wb, name: str, widths: list[float], *, freeze: str | None = None,
                 title_rows: str | None = None, landscape: bool = True, protect: bool = True):
        self.name = name
        self.ws = wb.create_sheet(name)
        self.row = 0
        self._styles: dict[tuple, tuple] = {}
        self.widths = list(widths)
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        if freeze:
            self.ws.freeze_panes = freeze
        if title_rows:
            self.ws.print_title_rows = title_rows
        setup = self.ws.page_setup
        setup.orientation = "landscape" if landscape else "portrait"
        setup.fitToWidth, setup.fitToHeight = 1, 0
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.ws.print_options.gridLines = False
        self.ws.oddFooter.center.text = "&A  page &P of &N"
        if protect:
            protection = self.ws.protection
            protection.sheet = True
            protection.sort = protection.autoFilter = False
            protection.formatColumns = protection.formatRows = False

    def add(self, cells: list | tuple = ()) -> int:
        self.row += 1
        cells = [c if isinstance(c, Cell) or c is None else self.text(c) for c in cells]
        lines = max([self._lines(i, c) for i, c in enumerate(cells)] or [1])
        if lines > 1:   # no reader measures wrapped text reliably: size the row here
            self.ws.row_dimensions[self.row].height = min(409, 15 * lines)
        self.ws.append(cells)
        return self.row

    def _lines(self, index: int, cell) -> int:
        if cell is None or not isinstance(cell.value, str) or not cell.alignment.wrap_text:
            return 1
        per = max(1, int((self.widths[index] if index < len(self.widths) else 10) * 1.1))
        return sum(max(1, -(-len(part) // per)) for part in cell.value.split("\n"))

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            self.add([])

    # cells -----------------------------------------------------------------------
    def _styled(self, cell: Cell, recipe: tuple, dress) -> Cell:
        """Give `cell` the style `dress(cell)` sets, worked out once per recipe (a tuple of
        the arguments that decide it) and copied after that: each font, fill or format
        set on a cell makes openpyxl hash it and look it up in the workbook's lists, a
        fifth of the workpapers' time when done for every cell. Fonts and fills are keyed
        by identity (hashing them is the cost saved) and kept with the style, so an id in
        a key stays theirs."""
        key = tuple(id(x) if isinstance(x, (Font, PatternFill)) else x for x in recipe)
        known = self._styles.get(key)
        if known is None:
            dress(cell)
            self._styles[key] = (copy(cell._style), recipe)
        else:
            cell._style = copy(known[0])
        return cell

    def text(self, value, *, bold: bool = False, font: Font | None = None, wrap: bool = False,
             fill: PatternFill | None = None, editable: bool = False) -> Cell:
        def dress(cell):
            if bold or font:
                cell.font = font or LABEL_FONT
            if wrap:
                cell.alignment = WRAP
            if fill:
                cell.fill = fill
            if editable:
                cell.protection, cell.fill = OPEN, INPUT_FILL

        cell = self._styled(WriteOnlyCell(self.ws), ("text", bool(bold), font, bool(wrap), fill, bool(editable)), dress)
        put_text(cell, "" if value is None else str(value))   # after: it may set quotePrefix
        return cell

    def amount(self, value: Decimal | int | None, places: int = 2, *, editable: bool = False,
               total: bool = False, bold: bool = False) -> Cell:
        def dress(cell):
            cell.number_format = money_format(places)
            self._dress(cell, editable, total, bold)

        return self._styled(WriteOnlyCell(self.ws, value=value),
                            ("amount", places, bool(editable), bool(total), bool(bold)), dress)

    def count(self, value: int | None) -> Cell:
        def dress(cell):
            cell.number_format = COUNT_FORMAT

        return self._styled(WriteOnlyCell(self.ws, value=value), ("count",), dress)

    def formula(self, expression: str, places: int | None = 2, *, number_format: str | None = None,
                total: bool = False, bold: bool = False, font: Font | None = None) -> Cell:
        """A formula this package built (never text from the books): `expression`
        without the leading '='. Locked under the sheet's protection."""
        def dress(cell):
            if number_format:
                cell.number_format = number_format
            elif places is not None:
                cell.number_format = money_format(places)
            self._dress(cell, False, total, bold)
            if font:
                cell.font = font

        return self._styled(WriteOnlyCell(self.ws, value="=" + expression),
                            ("formula", places, number_format, bool(total), bool(bold), font), dress)

    def link(self, label: str, sheet: str, cell: str = "A1") -> Cell:
        """An in-workbook hyperlink (not a formula): a click goes to `sheet`!`cell`."""
        out = self.text(label, font=LINK_FONT)
        out.hyperlink = Hyperlink(ref="", location=f"{quote_sheet(sheet)}!{cell}", display=str(label)[:255])
        return out

    @staticmethod
    def _dress(cell, editable: bool, total: bool, bold: bool) -> None:
        if editable:
            cell.protection, cell.fill = OPEN, INPUT_FILL
        if total:
            cell.font, cell.border = LABEL_FONT, TOTAL_BORDER
        elif bold:
            cell.font = LABEL_FONT

    def header(self, names: list[str]) -> int:
        cells = []
        for name in names:
            cell = self.text(name, font=HEAD_FONT, fill=HEAD_FILL)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cells.append(cell)
        return self.add(cells)

    def title(self, text: str, back: tuple[str, str] | None = None) -> int:
        """The tab's title line, with a link back (label, sheet) at its right."""
        cells = [self.text(text, font=TITLE_FONT)]
        if back:
            cells += [None] * 3 + [self.link(*back)]
        return self.add(cells)

    def filter(self, first_row: int, columns: int) -> None:
        if self.row > first_row:
            self.ws.auto_filter.ref = f"A{first_row}:{get_column_letter(columns)}{self.row}"
