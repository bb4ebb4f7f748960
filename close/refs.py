"""Refs: from a finding back to the rows of the books it is about.

A ref is `<table>:<key>` (LEDGER-PACK.md); a composite key joins its parts with `/`
(`payroll:2026-05/E-0107`). `journal_lines:JE-000123` names a whole entry, so it
resolves to all of its lines. Table and column names come from the schema only, never
from the ref text, which is bound as a parameter.
"""
from __future__ import annotations

from close.pack.schema import TABLES_BY_NAME


class BadRef(ValueError):
    """A ref that names no table of the pack or has the wrong number of key parts."""


def parse_ref(ref: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(table, key columns, key values) of a ref, or BadRef with what is expected."""
    if ":" not in ref:
        raise BadRef(f"ref {ref!r} must look like <table>:<key>, e.g. journal_lines:JE-000123")
    table_name, key_text = ref.split(":", 1)
    table = TABLES_BY_NAME.get(table_name)
    if table is None or not (table.ref_key or table.key):
        raise BadRef(f"ref {ref!r} names no keyed pack table")
    columns = table.ref_key or table.key
    values = tuple(key_text.split("/")) if len(columns) > 1 else (key_text,)
    if len(values) != len(columns):
        raise BadRef(f"ref {ref!r}: {table_name} refs have {len(columns)} key part(s): "
                     f"{'/'.join(columns)}")
    return table_name, columns, values


def resolve_ref(con, ref: str, tables: frozenset[str] | set[str] | None = None) -> list[dict]:
    """The rows a ref names, in key order; an empty list when nothing has that key."""
    table_name, columns, values = parse_ref(ref)
    if tables is not None and table_name not in tables:
        raise BadRef(f"ref {ref!r}: the pack has no {table_name} table")
    table = TABLES_BY_NAME[table_name]
    where = " AND ".join(f"{column} = $k{index}" for index, column in enumerate(columns))
    order = ", ".join(table.key)
    cursor = con.execute(f"SELECT * FROM {table_name} WHERE {where} ORDER BY {order}",
                         {f"k{i}": v for i, v in enumerate(values)})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
