"""Each table's rows as one SQL query of text columns, whatever the file format.

The query selects exactly the schema's columns, in schema order, as VARCHAR (NULL for
blank), in file order. Both the staging copy (for validation) and the one-pass typed
load read from it, so CSV, Parquet and XLSX differ only here. Only column names from
schema.py are written into SQL; names read from a file are passed as bound values.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field

import duckdb

from .problems import Problem
from .schema import Table
from .sources import TableSource


@dataclass
class SourceQuery:
    spec: Table
    label: str
    present: tuple[str, ...]  # schema columns the file has
    sql: str  # SELECT <schema columns as text> FROM <reader>
    params: dict = field(default_factory=dict)
    line_offset: int = 2  # line of the first record: 2 below a header line, 1 for Parquet rows
    rejects: str | None = None  # CSV: the table DuckDB writes malformed lines into


def header_problems(spec: Table, label: str, header: list[str], line: int | None) -> tuple[tuple[str, ...], list[Problem]]:
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


def select_list(spec: Table, present: tuple[str, ...], expr=lambda c: f'"{c}"') -> str:
    return ", ".join(expr(c) if c in present else f'NULL::VARCHAR AS "{c}"' for c in spec.column_names)


def source_query(con, spec: Table, source: TableSource, workbook=None, keep_rejects: bool = True):
    """(SourceQuery or None, problems). With keep_rejects, malformed CSV lines are set
    aside into a rejects table (and reported); without, they make the read fail."""
    if source.fmt == "csv":
        return _csv_query(spec, source, keep_rejects)
    if source.fmt == "parquet":
        return _parquet_query(con, spec, source)
    return _sheet_query(con, spec, source, workbook)


def _csv_query(spec: Table, source: TableSource, keep_rejects: bool):
    label = source.label
    # Only the header line is read here; DuckDB reads the rest, and reports a data line
    # that is not UTF-8 as that line's problem.
    with open(source.path, "rb") as fh:
        first = fh.readline()
    try:
        header = next(csv.reader([first.decode("utf-8-sig")]), None)
    except UnicodeDecodeError as exc:
        return None, [Problem(label, 1, None, None, f"is not UTF-8 text ({exc.reason} at byte {exc.start})")]
    if not header or header == [""]:
        return None, [Problem(label, 1, None, None, "is empty: it needs a header line naming the columns")]
    present, problems = header_problems(spec, label, header, 1)
    # Column names go to DuckDB as a bound value; unknown or repeated ones get neutral names.
    names, used = [], set()
    for i, name in enumerate(header):
        names.append(name if name in spec.column_names and name not in used else f"_extra_{i}")
        used.add(name)
    rejects = f"_rejects_{spec.name}" if keep_rejects else None
    options = f", store_rejects = true, rejects_table = '{rejects}', rejects_scan = '{rejects}_scan'" if rejects else ""
    sql = (f"SELECT {select_list(spec, present)} FROM read_csv($path, header = true, columns = $columns, "
           f"auto_detect = false, delim = ',', quote = '\"', escape = '\"'{options})")
    params = {"path": str(source.path), "columns": {name: "VARCHAR" for name in names}}
    return SourceQuery(spec, label, present, sql, params, 2, rejects), problems


_FLOAT_TYPES = ("FLOAT", "DOUBLE", "REAL")
_EXACT_KINDS = ("money", "rate", "pct", "int")


def _parquet_query(con, spec: Table, source: TableSource):
    label = source.label
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(source.path)}).fetchall()
    except duckdb.Error as exc:
        return None, [Problem(label, None, None, None, f"is not a readable Parquet file ({exc})")]
    types = {row[0]: row[1] for row in described}
    present, problems = header_problems(spec, label, [row[0] for row in described], None)
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
    selects = select_list(spec, present, lambda c: f'{exprs[c]} AS "{c}"')
    return SourceQuery(spec, label, present, f"SELECT {selects} FROM read_parquet($path)",
                       {"path": str(source.path)}, 1), problems


def _sheet_query(con, spec: Table, source: TableSource, workbook):
    """Sheets are small by nature, so a Python loop over rows is fine here. Empty rows
    inside the data are kept (they report as blank values on their own row number);
    trailing empty rows, which spreadsheets leave behind, are dropped. The rows are
    registered with the connection as an Arrow table named after the sheet."""
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
    present, problems = header_problems(spec, label, header, 1)
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
    if not present:
        columns = {"_none": []}
    view = f"_sheet_{spec.name}"
    con.register(view, pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()}))
    return SourceQuery(spec, label, present, f"SELECT {select_list(spec, present)} FROM {view}", {}, 2), problems
