"""Copying each table, as text, into a DuckDB staging table in file order.

Every check then runs as SQL over these all-VARCHAR tables, so a 10-million-line
journal is parsed once by DuckDB's CSV/Parquet readers and no Python loop touches its
rows. The staging table's rowid is the record's position in the file, which is how a
problem finds its line number again.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from .problems import Problem
from .reader import SourceQuery, source_query
from .schema import Table, table as schema_table
from .sources import PackSources

STAGE = "stage"  # the attached database that holds staging tables


@dataclass
class StagedTable:
    spec: Table
    label: str
    present: tuple[str, ...]  # schema columns the file has
    line_offset: int  # line of rowid 0: 2 below a header line, 1 for Parquet rows
    skipped_lines: tuple[int, ...] = field(default=())  # malformed CSV lines left out
    db: str = STAGE  # where the table lives: `stage` (text) or `main` (typed, loaded)

    @property
    def ref(self) -> str:
        return f'{self.db}."{self.spec.name}"'

    def line_of(self, rowid: int) -> int:
        """File line of a staged row: rows after a skipped malformed line move down."""
        line = rowid + self.line_offset
        for skipped in self.skipped_lines:
            if skipped <= line:
                line += 1
            else:
                break
        return line


def open_workbook(sources: PackSources):
    """The pack's workbook (read-only) for an .xlsx pack, else None; openpyxl is imported
    only then (a fifth of a second a CSV or Parquet load need not spend)."""
    if sources.kind != "xlsx":
        return None
    from openpyxl import load_workbook

    return load_workbook(sources.path, read_only=True, data_only=True)


def stage_all(con: duckdb.DuckDBPyConnection, sources: PackSources) -> tuple[dict[str, StagedTable], list[Problem]]:
    staged: dict[str, StagedTable] = {}
    problems: list[Problem] = list(sources.problems)
    workbook = open_workbook(sources)
    try:
        for name, source in sources.tables.items():
            query, found = source_query(con, schema_table(name), source, workbook, keep_rejects=True)
            problems.extend(found)
            if query is not None:
                table, found = _stage(con, query)
                staged[name] = table
                problems.extend(found)
    finally:
        if workbook is not None:
            workbook.close()
    return staged, problems


def _stage(con, query: SourceQuery) -> tuple[StagedTable, list[Problem]]:
    spec = query.spec
    if query.rejects:
        con.execute(f"DROP TABLE IF EXISTS {query.rejects}")
        con.execute(f"DROP TABLE IF EXISTS {query.rejects}_scan")
    con.execute(f'CREATE TABLE {STAGE}."{spec.name}" AS {query.sql}', query.params)
    problems, skipped = [], []
    if query.rejects:
        columns = len(query.params["columns"])
        for line, error_type, message in con.execute(
            f"SELECT line, min(error_type), min(error_message) FROM {query.rejects} GROUP BY line ORDER BY line"
        ).fetchall():
            skipped.append(int(line))
            problems.append(Problem(query.label, int(line), None, None, _reject_message(error_type, message, columns)))
    return StagedTable(spec, query.label, query.present, query.line_offset, tuple(skipped)), problems


def _reject_message(error_type: str, message: str, columns: int) -> str:
    if error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
        found = message.rsplit("Found:", 1)[-1].strip()
        return f"has {found} values where the header has {columns}"
    if error_type in ("INVALID UNICODE", "INVALID ENCODING"):
        return "is not UTF-8 text"
    if error_type == "UNQUOTED VALUE":
        return "has a quote inside an unquoted value (quote the whole value and double the inner quotes)"
    return f"cannot be read as CSV ({message})"
