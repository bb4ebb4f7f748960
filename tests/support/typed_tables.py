"""Hand-built books for skill tests, typed exactly as the pack loader types them.

Every area's small-book builder states only the rows that matter; the tables themselves
come from close.pack.schema through these functions, so a skill under test reads the
same column types it reads on a loaded pack, and the pack description is the real
PackInfo the runner hands to skills.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from close.pack import PackInfo
from close.pack.schema import DUCKDB_TYPES, TABLES_BY_NAME

EXACT_KINDS = ("money", "rate", "pct")


def create_table(con, name: str) -> None:
    spec = TABLES_BY_NAME[name]
    columns = ", ".join(f'"{c.name}" {DUCKDB_TYPES[c.kind]}' for c in spec.columns)
    con.execute(f'CREATE TABLE "{name}" ({columns})')


def insert_rows(con, name: str, rows: list[dict]) -> None:
    """Rows as dicts of column -> value; an unknown column is an error, money goes in as
    Decimal (from its string form) so no float reaches a DECIMAL column."""
    spec = TABLES_BY_NAME[name]
    names = spec.column_names
    values = []
    for row in rows:
        unknown = set(row) - set(names)
        if unknown:
            raise KeyError(f"{name} has no column(s) {sorted(unknown)}")
        values.append([_typed(c.kind, row.get(c.name)) for c in spec.columns])
    if values:
        marks = ", ".join("?" for _ in names)
        con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', values)


def create_tables(con, tables: dict[str, list[dict]]) -> None:
    for name, rows in tables.items():
        create_table(con, name)
        insert_rows(con, name, rows)


def pack_info(tables, *, name: str = "test", reporting_currency: str = "USD",
              materiality: str = "1000.00", fiscal_year_start_month: int = 1) -> PackInfo:
    return PackInfo(name, reporting_currency, fiscal_year_start_month, Decimal(materiality),
                    "0" * 64, Path("."), frozenset(tables))


def _typed(kind: str, value):
    if value is None or kind not in EXACT_KINDS:
        return value
    return Decimal(str(value))
