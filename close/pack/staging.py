"""Copying each table, as text, into a DuckDB staging table in file order.

Every check then runs as SQL over these all-VARCHAR tables, so a 10-million-line
journal is parsed once by DuckDB's CSV/Parquet readers and no Python loop touches its
rows. The staging table's rowid is the record's position in the file, which is how a
problem finds its line number again. Only column names from schema.py are ever
written into SQL; names read from a file are passed as bound values.
"""
from __future__ import annotations

import csv
from bisect import bisect_right
from dataclasses import dataclass, field

import duckdb

from .problems import Problem
from .schema import Table, table as schema_table
from .sources import PackSources, TableSource

STAGE = "stage"  # the attached database that holds staging tables


@dataclass
class StagedTable:
    spec: Table
    label: str
    present: tuple[str, ...]  # schema columns the file has
    line_offset: int  # line of rowid 0: 2 below a header line, 1 for Parquet rows
    skipped_lines: tuple[int, ...] = field(default=())  # malformed CSV lines left out

    @property
    def ref(self) -> str:
        return f'{STAGE}."{self.spec.name}"'

    def line_of(self, rowid: int) -> int:
        """File line of a staged row: rows after a skipped malformed line move down."""
        line = rowid + self.line_offset
        for skipped in self.skipped_lines:
            if skipped <= line:
                line += 1
            else:
                break
        return line


def stage_all(con: duckdb.DuckDBPyConnection, sources: PackSources) -> tuple[dict[str, StagedTable], list[Problem]]:
    staged: dict[str, StagedTable] = {}
    problems: list[Problem] = list(sources.problems)
    workbook = _open_workbook(sources) if sources.kind == "xlsx" else None
    try:
        for name, source in sources.tables.items():
            spec = schema_table(name)
            if source.fmt == "csv":
                result = _stage_csv(con, spec, source)
            elif source.fmt == "parquet":
                result = _stage_parquet(con, spec, source)
            else:
                result = _stage_sheet(con, spec, source, workbook)
            table, found = result
            problems.extend(found)
            if table is not None:
                staged[name] = table
    finally:
        if workbook is not None:
            workbook.close()
    return staged, problems


def _header_problems(spec: Table, label: str, header: list[str], line: int | None) -> tuple[tuple[str, ...], list[Problem]]:
    """Which schema columns the header has; problems for missing and repeated ones."""
    problems = []
    seen = set()
    for name in header:
        if name in seen and name in spec.column_names:
            problems.append(Problem(label, line, name, None, "appears twice in the header"))
        seen.add(name)
    for col in spec.columns:
        if col.name not in seen and not col.optional_column:
            problems.append(Problem(label, line, col.name, None, "is missing from the header (a required column)"))
    return tuple(c for c in spec.column_names if c in seen), problems


def _select_list(spec: Table, present: tuple[str, ...], expr=lambda c: f'"{c}"') -> str:
    return ", ".join(expr(c) if c in present else f'NULL::VARCHAR AS "{c}"' for c in spec.column_names)


def _stage_csv(con, spec: Table, source: TableSource):
    label = source.label
    try:
        with open(source.path, newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError as exc:
        return None, [Problem(label, None, None, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})")]
    if not header:
        return None, [Problem(label, 1, None, None, "is empty: it needs a header line naming the columns")]
    present, problems = _header_problems(spec, label, header, 1)
    # Column names go to DuckDB as a bound list; unknown or repeated ones get neutral names.
    names, used = [], set()
    for i, name in enumerate(header):
        names.append(name if name in spec.column_names and name not in used else f"_extra_{i}")
        used.add(name)
    rejects = f"_rejects_{spec.name}"
    con.execute(f"DROP TABLE IF EXISTS {rejects}")
    con.execute(f"DROP TABLE IF EXISTS {rejects}_scan")
    con.execute(
        f'CREATE TABLE {STAGE}."{spec.name}" AS SELECT {_select_list(spec, present)} '
        f"FROM read_csv($path, header = true, columns = $columns, auto_detect = false, "
        f"delim = ',', quote = '\"', escape = '\"', store_rejects = true, "
        f"rejects_table = '{rejects}', rejects_scan = '{rejects}_scan')",
        {"path": str(source.path), "columns": {name: "VARCHAR" for name in names}},
    )
    skipped = []
    for line, error_type, message, found in con.execute(
        f"SELECT line, min(error_type), min(error_message), count(*) FROM {rejects} GROUP BY line ORDER BY line"
    ).fetchall():
        skipped.append(int(line))
        problems.append(Problem(label, int(line), None, None, _reject_message(error_type, message, len(header))))
    return StagedTable(spec, label, present, 2, tuple(skipped)), problems


def _reject_message(error_type: str, message: str, columns: int) -> str:
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        found = message.rsplit("Found:", 1)[-1].strip()
        return f"has {found} values where the header has {columns}"
    if error_type == "INVALID UNICODE":
        return "is not UTF-8 text"
    if error_type == "UNQUOTED VALUE":
        return "has a quote inside an unquoted value (quote the whole value and double the inner quotes)"
    return f"cannot be read as CSV ({message})"


_FLOAT_TYPES = ("FLOAT", "DOUBLE", "REAL")
_EXACT_KINDS = ("money", "rate", "pct", "int")


def _stage_parquet(con, spec: Table, source: TableSource):
    label = source.label
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(source.path)}).fetchall()
    except duckdb.Error as exc:
        return None, [Problem(label, None, None, None, f"is not a readable Parquet file ({exc})")]
    types = {row[0]: row[1] for row in described}
    present, problems = _header_problems(spec, label, [row[0] for row in described], None)
    exprs = {}
    for name in present:
        kind, typ = spec.column(name).kind, types[name].upper()
        if kind in _EXACT_KINDS and typ in _FLOAT_TYPES:
            problems.append(Problem(label, None, name, None,
                                    f"is stored as {typ}: store it as DECIMAL, an integer or text so it stays exact"))
        if typ.startswith("TIMESTAMP"):
            # Naive Parquet timestamps are taken as UTC; the text keeps the offset explicit.
            exprs[name] = f"strftime(\"{name}\"::TIMESTAMPTZ, '%Y-%m-%dT%H:%M:%S.%fZ')"
        elif typ == "BOOLEAN":
            exprs[name] = f"CASE WHEN \"{name}\" THEN 'true' WHEN NOT \"{name}\" THEN 'false' END"
        else:
            exprs[name] = f"NULLIF(CAST(\"{name}\" AS VARCHAR), '')"
    selects = _select_list(spec, present, lambda c: f'{exprs[c]} AS "{c}"')
    con.execute(
        f'CREATE TABLE {STAGE}."{spec.name}" AS SELECT {selects} FROM read_parquet($path)',
        {"path": str(source.path)},
    )
    return StagedTable(spec, label, present, 1), problems


def _open_workbook(sources: PackSources):
    from openpyxl import load_workbook

    return load_workbook(sources.path, read_only=True, data_only=True)


def _stage_sheet(con, spec: Table, source: TableSource, workbook):
    """Sheets are small by nature, so a Python loop over rows is fine here. Empty rows
    inside the data are kept (they report as blank values on their own row number);
    trailing empty rows, which spreadsheets leave behind, are dropped."""
    import pyarrow as pa

    from .xlsx_cells import cell_text

    label = source.label
    rows = workbook[spec.name].iter_rows(min_row=1, values_only=True)
    first = next(rows, None)
    header = [] if first is None else [("" if v is None else str(v)) for v in first]
    while header and header[-1] == "":
        header.pop()
    if not header:
        return None, [Problem(label, 1, None, None, "is empty: it needs a header row naming the columns")]
    present, problems = _header_problems(spec, label, header, 1)
    index = {name: header.index(name) for name in present}
    kinds = {name: spec.column(name).kind for name in present}
    columns = {name: [] for name in present}
    pending_blank = 0
    for row in rows:
        if all(v is None or v == "" for v in row):
            pending_blank += 1
            continue
        for _ in range(pending_blank):
            for name in present:
                columns[name].append(None)
        pending_blank = 0
        for name in present:
            i = index[name]
            columns[name].append(cell_text(row[i], kinds[name]) if i < len(row) else None)
    arrow = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()}) if present \
        else pa.table({"_none": pa.array([], pa.string())})
    con.register("_sheet_rows", arrow)
    try:
        con.execute(f'CREATE TABLE {STAGE}."{spec.name}" AS SELECT {_select_list(spec, present)} FROM _sheet_rows')
    finally:
        con.unregister("_sheet_rows")
    return StagedTable(spec, label, present, 2), problems
