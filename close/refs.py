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


# Refs looked up per query: enough to keep the statement small, few enough queries that a
# report citing hundreds of entries scans the journal once or twice, not once per ref.
BATCH = 500


def resolve_refs(con, refs, tables: frozenset[str] | set[str] | None = None) -> dict[str, list[dict]]:
    """The rows of many refs at once, {ref: rows in key order} for every ref that names a
    table of the pack (a bad ref is left out, as resolve_ref would refuse it). The refs of
    one table are looked up together, one query per BATCH, so the journal is scanned once
    for all the entries a report cites. A key column that is not text (fx_rates' date)
    compares the ref's text cast to its type, where two texts can name one row: those refs
    are looked up one by one, exactly as resolve_ref does."""
    wanted: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for ref in dict.fromkeys(refs):
        try:
            table_name, _columns, values = parse_ref(ref)
        except BadRef:
            continue
        if tables is not None and table_name not in tables:
            continue
        wanted.setdefault(table_name, []).append((ref, values))
    found: dict[str, list[dict]] = {}
    for table_name, named in wanted.items():
        table = TABLES_BY_NAME[table_name]
        columns = table.ref_key or table.key
        if not _text_columns(con, table_name, columns):
            for ref, _values in named:
                found[ref] = resolve_ref(con, ref)
            continue
        for start in range(0, len(named), BATCH):
            chunk = named[start:start + BATCH]
            by_key = _rows_by_key(con, table, columns, [values for _ref, values in chunk])
            for ref, values in chunk:
                found[ref] = by_key.get(values, [])
    return {ref: found[ref] for ref in dict.fromkeys(refs) if ref in found}


def _text_columns(con, table_name: str, columns: tuple[str, ...]) -> bool:
    """Whether every key column is text, so a ref's key equals a row's key as text."""
    types = dict(con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $t",
        {"t": table_name}).fetchall())
    return all(types.get(column) == "VARCHAR" for column in columns)


def _rows_by_key(con, table, columns: tuple[str, ...], keys: list[tuple[str, ...]]) -> dict:
    """{key values: rows in key order} for the keys given (text key columns only)."""
    params, alternatives = {}, []
    for n, values in enumerate(keys):
        terms = []
        for index, (column, value) in enumerate(zip(columns, values)):
            params[f"k{n}_{index}"] = value
            terms.append(f"{column} = $k{n}_{index}")
        alternatives.append(" AND ".join(terms))
    if len(columns) == 1:
        where = f"{columns[0]} IN ({', '.join(f'$k{n}_0' for n in range(len(keys)))})"
    else:
        where = " OR ".join(f"({a})" for a in alternatives)
    order = ", ".join(table.key)
    cursor = con.execute(f"SELECT * FROM {table.name} WHERE {where} ORDER BY {order}", params)
    names = [d[0] for d in cursor.description]
    by_key: dict[tuple[str, ...], list[dict]] = {}
    for row in cursor.fetchall():
        record = dict(zip(names, row))
        by_key.setdefault(tuple(record[c] for c in columns), []).append(record)
    return by_key
