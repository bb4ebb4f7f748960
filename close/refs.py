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


def _by_table(refs, tables) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Refs that name a table of the pack, grouped by table: (ref, key values); a bad
    ref is left out, as resolve_ref would refuse it."""
    wanted: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for ref in dict.fromkeys(refs):
        try:
            table_name, _columns, values = parse_ref(ref)
        except BadRef:
            continue
        if tables is not None and table_name not in tables:
            continue
        wanted.setdefault(table_name, []).append((ref, values))
    return wanted


def resolve_refs(con, refs, tables: frozenset[str] | set[str] | None = None) -> dict[str, list[dict]]:
    """The rows of many refs at once, {ref: rows in key order} for every ref that names a
    table of the pack (a bad ref is left out, as resolve_ref would refuse it). The refs of
    one table are looked up together, one query per BATCH, so the journal is scanned once
    for all the entries a report cites. A key column that is not text (fx_rates' date)
    compares the ref's text cast to its type, where two texts can name one row: those refs
    are looked up one by one, exactly as resolve_ref does."""
    found: dict[str, list[dict]] = {}
    for table_name, named in _by_table(refs, tables).items():
        table = TABLES_BY_NAME[table_name]
        columns = table.ref_key or table.key
        if not _text_columns(column_types(con, table_name), columns):
            for ref, _values in named:
                found[ref] = resolve_ref(con, ref)
            continue
        for start in range(0, len(named), BATCH):
            chunk = named[start:start + BATCH]
            by_key = _rows_by_key(con, table, columns, [values for _ref, values in chunk])
            for ref, values in chunk:
                found[ref] = by_key.get(values, [])
    return {ref: found[ref] for ref in dict.fromkeys(refs) if ref in found}


def first_rows_and_totals(con, refs, tables: frozenset[str] | set[str] | None = None,
                          limit: int = 25) -> tuple[dict[str, list[dict]], dict[str, dict]]:
    """For each ref that names a table of the pack: its first `limit` rows in key order
    (as resolve_refs gives them) and what all its rows add up to, however many (an opening
    entry can have a hundred thousand lines): `count`; `debit` and `credit` sums (None
    for a table without both, or a ref with no row); `columns`, those not empty (NULL or
    '') in some row, in the table's order; `earliest`, the smallest date a row carries in
    its first dated column (a column named *date holding a date: an item's age counts
    from it). Both from one scan of each table: the sums are window aggregates beside
    the rows."""
    rows: dict[str, list[dict]] = {}
    totals: dict[str, dict] = {}
    for table_name, named in _by_table(refs, tables).items():
        table = TABLES_BY_NAME[table_name]
        columns = table.ref_key or table.key
        types = column_types(con, table_name)
        if not _text_columns(types, columns):
            # one query a ref, as resolve_ref: two texts may name one row of a typed key
            for ref, values in named:
                rows[ref] = resolve_ref(con, ref)[:limit]
                totals[ref] = next(iter(_totals_by_key(con, table, columns, [values], types).values()),
                                   None) or _no_rows()
            continue
        for start in range(0, len(named), BATCH):
            chunk = named[start:start + BATCH]
            found, summed = _first_rows_by_key(con, table, columns, [values for _ref, values in chunk],
                                               types, limit)
            for ref, values in chunk:
                rows[ref] = found.get(values, [])
                totals[ref] = summed.get(values) or _no_rows()
    order = [ref for ref in dict.fromkeys(refs) if ref in rows]
    return {ref: rows[ref] for ref in order}, {ref: totals[ref] for ref in order}


def _no_rows() -> dict:
    return {"count": 0, "columns": [], "earliest": None, "debit": None, "credit": None}


def _text_columns(types: dict[str, str], columns: tuple[str, ...]) -> bool:
    """Whether every key column is text, so a ref's key equals a row's key as text."""
    return all(types.get(column) == "VARCHAR" for column in columns)


def column_types(con, table_name: str) -> dict[str, str]:
    """Column -> DuckDB type of a table of the books, in the table's order."""
    return dict(con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $t "
        "ORDER BY ordinal_position", {"t": table_name}).fetchall())


def _key_filter(columns: tuple[str, ...], keys: list[tuple[str, ...]]) -> tuple[str, dict]:
    """The WHERE clause naming `keys` (bound parameters) and its parameters."""
    params, alternatives = {}, []
    for n, values in enumerate(keys):
        terms = []
        for index, (column, value) in enumerate(zip(columns, values)):
            params[f"k{n}_{index}"] = value
            terms.append(f"{column} = $k{n}_{index}")
        alternatives.append(" AND ".join(terms))
    if len(columns) == 1:
        return f"{columns[0]} IN ({', '.join(f'$k{n}_0' for n in range(len(keys)))})", params
    return " OR ".join(f"({a})" for a in alternatives), params


def _rows_by_key(con, table, columns: tuple[str, ...], keys: list[tuple[str, ...]]) -> dict:
    """{key values: rows in key order} for the keys given (text key columns only)."""
    where, params = _key_filter(columns, keys)
    order = ", ".join(table.key)
    cursor = con.execute(f"SELECT * FROM {table.name} WHERE {where} ORDER BY {order}", params)
    names = [d[0] for d in cursor.description]
    by_key: dict[tuple[str, ...], list[dict]] = {}
    for row in cursor.fetchall():
        record = dict(zip(names, row))
        by_key.setdefault(tuple(record[c] for c in columns), []).append(record)
    return by_key


def _quoted(column: str) -> str:
    return f'"{column}"'


def _aggregates(types: dict[str, str]) -> list[str]:
    """first_rows_and_totals' figures as SQL aggregates over a ref's rows, in this order:
    count, earliest, debit, credit, then per column the rows where it is not empty."""
    dated = [c for c, t in types.items() if c.endswith("date") and t == "DATE"]
    both = "debit" in types and "credit" in types
    filled = [f"SUM(CASE WHEN {_quoted(c)} IS NOT NULL" + (f" AND {_quoted(c)} <> ''" if t == "VARCHAR" else "")
              + " THEN 1 ELSE 0 END)" for c, t in types.items()]
    return (["COUNT(*)",
             f"MIN(COALESCE({', '.join(_quoted(c) for c in dated)}))" if dated else "MIN(NULL)",
             'SUM(COALESCE("debit", 0))' if both else "MIN(NULL)",
             'SUM(COALESCE("credit", 0))' if both else "MIN(NULL)"] + filled)


def _figures(types: dict[str, str], values) -> dict:
    count, earliest, debit, credit, *filled = values
    return {"count": count, "earliest": earliest, "debit": debit, "credit": credit,
            "columns": [c for c, n in zip(types, filled) if n]}


def _first_rows_by_key(con, table, columns: tuple[str, ...], keys: list[tuple[str, ...]],
                       types: dict[str, str], limit: int) -> tuple[dict, dict]:
    """({key: first `limit` rows in key order}, {key: figures}) for the keys given (text
    key columns only): the figures are window aggregates over each key's rows, so the
    table is scanned once and only the rows shown come to Python."""
    where, params = _key_filter(columns, keys)
    params["limit"] = limit
    order = ", ".join(table.key)
    window = f"OVER (PARTITION BY {', '.join(columns)})"
    figures = [f"{expr} {window} AS ref_figure_{i}" for i, expr in enumerate(_aggregates(types))]
    cursor = con.execute(
        f"SELECT * EXCLUDE (ref_row) FROM (SELECT *, row_number() OVER (PARTITION BY {', '.join(columns)} "
        f"ORDER BY {order}) AS ref_row, {', '.join(figures)} FROM {table.name} WHERE {where}) AS numbered "
        f"WHERE ref_row <= $limit ORDER BY {order}", params)
    width = len(types)
    names = [d[0] for d in cursor.description][:width]
    rows: dict[tuple[str, ...], list[dict]] = {}
    summed: dict[tuple[str, ...], dict] = {}
    for row in cursor.fetchall():
        record = dict(zip(names, row[:width]))
        key = tuple(record[c] for c in columns)
        rows.setdefault(key, []).append(record)
        if key not in summed:
            summed[key] = _figures(types, row[width:])
    return rows, summed


def _totals_by_key(con, table, columns: tuple[str, ...], keys: list[tuple[str, ...]],
                   types: dict[str, str]) -> dict:
    """{key values: figures} for the keys given, grouped in DuckDB."""
    where, params = _key_filter(columns, keys)
    cursor = con.execute(f"SELECT {', '.join(columns)}, {', '.join(_aggregates(types))} "
                         f"FROM {table.name} WHERE {where} GROUP BY {', '.join(columns)}", params)
    width = len(columns)
    return {tuple(row[:width]): _figures(types, row[width:]) for row in cursor.fetchall()}
