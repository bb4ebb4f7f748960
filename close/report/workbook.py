"""Excel workpapers for the review: one sheet per area, figures as real numbers.

Reviewers tick and tie in Excel, so amounts go in as numeric cells built from the exact
Decimals (openpyxl writes Decimal as a number), formatted with thousands separators and
negatives in parentheses; every sheet has a frozen, filterable header row and widths
that fit its content, so it opens ready to use.

Text comes from the pack (its name, descriptions, finding messages) and is never a
formula: `put_text` writes every text cell as a string, so `=HYPERLINK(...)` in a journal
description is shown, not run, and marks text that Excel would read as a formula if the
cell were edited (`=`, `+`, `-`, `@`) with a quote prefix.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from close.report.model import Report
from close.report.rows import ExceptionRow, SkillRow
from close.report.numbers import to_decimal

MONEY_FORMAT = "#,##0.00;(#,##0.00)"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = '0.0"%"'
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"))
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 70
FIGURE_KINDS = ("money", "count", "percent")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _visible(match) -> str:
    return f"\\x{ord(match.group()):02x}"


def put_text(cell, value: str) -> None:
    """Write pack text into a cell as a string, never as a formula or an error value.

    openpyxl takes a string starting with `=` for a formula (and `#REF!` for an error);
    forcing the type back to "s" saves it as an inline string, and the quote prefix keeps
    Excel from reading it as a formula if a reviewer edits the cell. Control characters a
    worksheet cannot hold are shown escaped (`\\x1b`) instead of failing the whole report.
    """
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub(_visible, value)
    cell.value = value
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True


def _numeric(value):
    """A Decimal for a figure (int stays int); None for blanks; text otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return value
    number = to_decimal(value)
    return number if number is not None else str(value)


class Sheet:
    """A sheet written row by row under one header, with formats per column."""

    def __init__(self, wb: Workbook, title: str, headers: list[tuple[str, str]]):
        self.ws = wb.create_sheet(title)
        self.kinds = [kind for _, kind in headers]
        self.widths = [len(name) + 2 for name, _ in headers]
        self.row = 1
        for column, (name, _) in enumerate(headers, start=1):
            cell = self.ws.cell(row=1, column=column)
            put_text(cell, name)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(vertical="center")

    def add(self, values: list, bold: bool = False) -> None:
        """One row; kept O(1) a cell (the row is counted here, not asked of the sheet)."""
        self.row += 1
        for index, (value, kind) in enumerate(zip(values, self.kinds)):
            cell = self.ws.cell(row=self.row, column=index + 1)
            value = _numeric(value) if kind in FIGURE_KINDS else ("" if value is None else str(value))
            if isinstance(value, str):
                put_text(cell, value)
            else:
                cell.value = value
            if kind == "money":
                cell.number_format = MONEY_FORMAT
            elif kind == "count":
                cell.number_format = COUNT_FORMAT
            elif kind == "percent":
                cell.number_format = PERCENT_FORMAT
            elif kind == "wrap":
                cell.alignment = WRAP
            if bold:
                cell.font, cell.border = TOTAL_FONT, TOTAL_BORDER
            text = f"{cell.value:,.2f}" if isinstance(cell.value, Decimal) else str(cell.value or "")
            self.widths[index] = min(MAX_WIDTH, max(self.widths[index], len(text) + 2))

    def finish(self, freeze_columns: int = 0) -> None:
        self.ws.freeze_panes = self.ws.cell(row=2, column=freeze_columns + 1)
        if self.row > 1:
            self.ws.auto_filter.ref = self.ws.dimensions
        for index, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width


def _summary(wb: Workbook, report: Report) -> None:
    sheet = Sheet(wb, "Summary", [("Item", "text"), ("Value", "text"), ("Figure", "money")])
    sheet.add(["Monthly Financial Review", report.pack_name, None])
    sheet.add(["Month", report.month, None])
    sheet.add(["Reporting currency", report.reporting_currency, None])
    sheet.add(["Entities", ", ".join(e.id for e in report.entities), None])
    for status, count in report.status_counts.items():
        sheet.add([f"Skills: {status}", "", None])
        sheet.ws.cell(row=sheet.row, column=3, value=count).number_format = COUNT_FORMAT
    for severity, count in report.severity_counts.items():
        sheet.add([f"Exceptions: {severity}", "", None])
        sheet.ws.cell(row=sheet.row, column=3, value=count).number_format = COUNT_FORMAT
    if report.review.available:
        sheet.add(["Review readiness %", f"{report.review.approved} of {report.review.total} approved",
                   report.review.share])
    for kpi in report.kpis:
        sheet.add([kpi.label, kpi.unit, kpi.value])
    sheet.add(["Narrative cost", report.cost_line, None])
    sheet.finish()


def _statements(wb: Workbook, title: str, blocks) -> None:
    if not blocks:
        return
    figure_cols: list[tuple[str, str, str]] = []  # key, label, kind
    for block in blocks:
        for table in block.tables:
            for col in table.figure_columns:
                if col.kind != "text" and col.key not in [k for k, _, _ in figure_cols]:
                    figure_cols.append((col.key, col.label, col.kind))
    headers = [("Entity", "text"), ("Currency", "text"), ("Statement", "text"), ("Section", "text"),
               ("Line", "text")]
    headers += [(label, kind) for _, label, kind in figure_cols]
    sheet = Sheet(wb, title, headers)
    for block in blocks:
        for table in block.tables:
            section = ""
            for row in table.rows:
                label = row.cells.get(table.label_column.key, "")
                if row.style == "heading":
                    section = label
                    continue
                sheet.add([block.entity.id, block.entity.currency, table.title,
                           section if not row.style else "", label,
                           *[row.cells.get(key) for key, _, _ in figure_cols]], bold=row.style == "total")
    sheet.finish(freeze_columns=5)


def _schedules(wb: Workbook, report: Report) -> None:
    """Supporting schedules of the stmt skills in long form (one figure a row), so any
    of them can be filtered or pivoted without a column per schedule."""
    if not report.schedules:
        return
    sheet = Sheet(wb, "Schedules", [("Entity", "text"), ("Currency", "text"), ("Schedule", "text"),
                                    ("Line", "text"), ("Column", "text"), ("Amount", "money")])
    for block in report.schedules:
        for table in block.tables:
            for row in table.rows:
                if row.style == "heading":
                    continue
                label = row.cells.get(table.label_column.key, "")
                for col in table.figure_columns:
                    value = row.cells.get(col.key)
                    if col.kind == "text" or value is None:
                        continue
                    sheet.add([block.entity.id, block.entity.currency, table.title, label, col.label, value])
    sheet.finish(freeze_columns=4)


def _checks(wb: Workbook, title: str, rows: list[SkillRow], review: bool) -> None:
    headers = [("Skill", "text"), ("Check", "text"), ("Entity", "text"), ("Currency", "text"),
               ("Status", "text"), ("Key figure", "text"), ("Value", "money"), ("Findings", "count"),
               ("Findings amount", "money"), ("Summary", "wrap")]
    if review:
        headers.append(("Review", "text"))
    sheet = Sheet(wb, title, headers)
    for row in rows:
        value = row.key_value if to_decimal(row.key_value) is not None else None
        values = [row.skill_id, row.title, row.entity_id or "Group", row.currency, row.status,
                  row.key_label, value, row.findings, row.findings_amount, row.summary]
        if review:
            values.append(row.review.label if row.review else "")
        sheet.add(values)
    sheet.finish(freeze_columns=3)


def _exceptions(wb: Workbook, title: str, rows: list[ExceptionRow], reporting: str) -> None:
    sheet = Sheet(wb, title, [
        ("Rank", "count"), ("Severity", "text"), ("Skill", "text"), ("Entity", "text"),
        ("Currency", "text"), ("Amount", "money"), (f"Amount {reporting}".strip(), "money"),
        ("Message", "wrap"), ("Refs", "wrap")])
    for e in rows:
        sheet.add([e.rank or None, e.severity, e.skill_id, e.entity_id or "Group", e.currency,
                   e.amount, e.amount_reporting, e.message, ", ".join(e.refs)])
    sheet.finish(freeze_columns=1)


def _flux_detail(wb: Workbook, report: Report) -> None:
    if not report.flux_tables:
        return
    figure_cols: list[tuple[str, str, str]] = []
    for _, table in report.flux_tables:
        for col in table.figure_columns:
            if col.key not in [k for k, _, _ in figure_cols]:
                figure_cols.append((col.key, col.label, col.kind if col.kind != "text" else "wrap"))
    headers = [("Entity", "text"), ("Table", "text"), ("Line", "text")]
    headers += [(label, kind) for _, label, kind in figure_cols]
    sheet = Sheet(wb, "Flux detail", headers)
    for label, table in report.flux_tables:
        for row in table.rows:
            if row.style == "heading":
                continue
            sheet.add([label, table.title, row.cells.get(table.label_column.key, ""),
                       *[row.cells.get(key) for key, _, _ in figure_cols]], bold=row.style == "total")
    sheet.finish(freeze_columns=3)


def write_workbook(report: Report, path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "close"
    wb.properties.title = ILLEGAL_CHARACTERS_RE.sub(
        _visible, f"Monthly Financial Review {report.month} {report.pack_name}")
    _summary(wb, report)
    _statements(wb, "Statements", report.statements)
    _checks(wb, "Reconciliations", report.reconciliations, report.review.available)
    _checks(wb, "Tax", report.tax, report.review.available)
    _exceptions(wb, "Flux", report.flux_findings, report.reporting_currency)
    _flux_detail(wb, report)
    _exceptions(wb, "Exceptions", report.exceptions, report.reporting_currency)
    _schedules(wb, report)
    not_run = Sheet(wb, "Not run", [("Skill", "text"), ("Entity", "text"), ("Status", "text"), ("Reason", "wrap")])
    for row in report.not_run:
        not_run.add([row.skill_id, row.entity_id or "Group", row.status, row.summary])
    not_run.finish()
    wb.save(path)
    return path
