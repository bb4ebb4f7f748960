"""The one-pass load: read, check and store each table in a single statement.

A clean pack is the common case and the one that must be fast at ten million lines,
so load_pack first tries this path: each table's rows go straight from the reader
into the typed table, with every row check of checks.py fused into the same
scan as a guard that raises on the first offending row. A repeated key is one
aggregate per loaded table (repeats_a_key; the database keeps no index, build.py);
amount limits (limits.py) are one aggregate per loaded table, and references are
checked afterwards on the loaded tables.
Any failure just means "not clean": the caller then runs the full validation, which
finds and words every problem. Both paths use the same check conditions, so they
accept exactly the same packs.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import duckdb

from .build import cast_sql, create_sql, order_clause
from .checks import absent_ref_problems, control_guard, duplicate_keys, q, table_checks
from .database import load_cursor
from .limits import over_limit
from .pack_toml import PackSettings, check_settings
from .reader import source_query
from .schema import TABLES
from .sources import FileDigest, PackSources
from .staging import StagedTable, open_workbook


class NotClean(Exception):
    """The pack has (or may have) problems; the full validation will say which."""


def fast_build(con: duckdb.DuckDBPyConnection, sources: PackSources,
               scanned: Callable[[], tuple[FileDigest, ...]]) -> tuple[PackSettings, list[str]]:
    """Build every typed table into `con`'s main database, or raise NotClean.
    `scanned`: the pack's files as its digest read them (waiting for that read), whose
    `controls` say which CSV files need the control-character check (_check_controls)."""
    settings, problems = check_settings(sources)
    if problems or sources.problems:
        raise NotClean("settings or sources")
    if any(t.required and t.name not in sources.tables for t in TABLES):
        raise NotClean("missing table")
    specs = [spec for spec in TABLES if spec.name in sources.tables]
    workbook = open_workbook(sources)
    try:
        if workbook is None:
            loaded = _load_beside_the_largest(con, specs, sources)
        else:   # openpyxl's workbook is read on one thread
            loaded = {spec.name: _load_table(con, spec, sources.tables[spec.name], workbook)
                      for spec in specs}
    finally:
        if workbook is not None:
            workbook.close()
    loaded = {spec.name: loaded[spec.name] for spec in specs}
    _check_controls(con, loaded, sources, scanned())
    _check_references(con, loaded)
    return settings, list(loaded)


# Up to this size the largest file loads beside the other tables (_load_beside_the_largest).
# Measured on two cores: a load 11% faster with a 174 MB journal, 6% slower with a 1.7 GB
# one, whose sort works within the load's memory limit (close.pack.database) that the
# tables beside it would share.
BESIDE_UP_TO_BYTES = 512 * 2**20


def _load_beside_the_largest(con, specs, sources) -> dict[str, StagedTable]:
    """The largest file (the journal, as a rule) on a cursor of its own while the other
    tables load on `con`: the steps of a load that run on one core (a small table's
    statements, the aggregates that check each table) then overlap the other's scans.
    With a largest file over BESIDE_UP_TO_BYTES, the tables load one after the other."""
    size = {spec.name: sources.tables[spec.name].path.stat().st_size for spec in specs}
    largest = max(specs, key=lambda spec: size[spec.name])
    if size[largest.name] > BESIDE_UP_TO_BYTES:
        return {spec.name: _load_table(con, spec, sources.tables[spec.name], None) for spec in specs}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="close-load") as side:
        journal = side.submit(_load_on_cursor, con, largest, sources.tables[largest.name])
        try:
            loaded = {spec.name: _load_table(con, spec, sources.tables[spec.name], None)
                      for spec in specs if spec is not largest}
        finally:
            loaded_largest = journal.result()
    loaded[largest.name] = loaded_largest
    return loaded


def _load_on_cursor(con, spec, source) -> StagedTable:
    cursor = load_cursor(con)
    try:
        return _load_table(cursor, spec, source, None)
    finally:
        cursor.close()


def _load_table(con, spec, source, workbook) -> StagedTable:
    """One table in one statement, its row checks fused in; a CSV table's
    control-character check is left to _check_controls, which needs the file's bytes."""
    query, problems = source_query(con, spec, source, workbook, keep_rejects=False)
    if problems or query is None:
        raise NotClean(f"{spec.name}: header")
    view = StagedTable(spec, query.label, query.present, query.line_offset, db="main")
    later = {"ref", "control"} if source.fmt == "csv" else {"ref"}
    row_checks = [c for c in table_checks(view, {}) if c.cls not in later]
    control_guard(row_checks)
    params = dict(query.params)
    for check in row_checks:
        params.update(check.params)
    casts = [cast_sql(c) for c in spec.columns]
    if row_checks:
        bad = " OR ".join(f"({c.guard or c.cond})" for c in row_checks)
        casts[0] = f"CASE WHEN {bad} THEN error('row check failed') ELSE {casts[0]} END"
    selects = ", ".join(f'{expr} AS {q(c.name)}' for expr, c in zip(casts, spec.columns))
    con.execute(create_sql(spec))
    try:
        con.execute(f'INSERT INTO main."{spec.name}" SELECT {selects} FROM ({query.sql}){order_clause(spec)}',
                    params)
    except duckdb.Error as exc:
        raise NotClean(f"{spec.name}: {exc}") from exc
    if repeats_a_key(con, spec):
        raise NotClean(f"{spec.name}: duplicate key")
    if over_limit(con, view):
        raise NotClean(f"{spec.name}: amounts over the limit")
    return view


def repeats_a_key(con, spec) -> bool:
    """Whether two loaded rows share a key whose parts are all required (the typed
    values: line_no 01 and 1 are one key). A key with a part that may be blank is the
    full check's (duplicate_keys in _check_references), where a blank counts as a value."""
    if not spec.key or not all(spec.column(k).required for k in spec.key):
        return False
    key = ", ".join(q(k) for k in spec.key)
    return con.execute(f'SELECT count(*) <> count(DISTINCT ({key})) FROM main."{spec.name}"').fetchall()[0][0]


def _check_controls(con, loaded: dict[str, StagedTable], sources: PackSources,
                    files: tuple[FileDigest, ...]) -> None:
    """The control-character check of the CSV tables loaded without it, on the loaded
    rows (text loads as it is read), for just the files whose bytes may hold one
    (close.pack.control_bytes): none, as a rule."""
    clean = {f.name for f in files if f.controls is False}
    for name, view in loaded.items():
        source = sources.tables[name]
        if source.fmt != "csv" or source.path.name in clean:
            continue
        controls = [c for c in table_checks(view, {}) if c.cls == "control"]
        if controls and con.execute("SELECT count(*) FROM " + view.ref + " WHERE "
                                    + " OR ".join(f"({c.cond})" for c in controls)).fetchall()[0][0]:
            raise NotClean(f"{name}: control character")


def _check_references(con, loaded: dict[str, StagedTable]) -> None:
    """Reference checks over the loaded tables, counted in one scan per table; plus
    the duplicate check of keys with a part that may be blank (repeats_a_key leaves
    those: a blank counts as a value)."""
    for view in loaded.values():
        if absent_ref_problems(view, loaded, con):
            raise NotClean(f"{view.spec.name}: absent referenced table")
        refs = [c for c in table_checks(view, loaded) if c.cls == "ref"]
        if refs:
            counts = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {c.cond})" for c in refs)
                                 + f" FROM {view.ref}").fetchone()
            if any(counts):
                raise NotClean(f"{view.spec.name}: unknown reference")
        if not all(view.spec.column(k).required for k in view.spec.key) and duplicate_keys(con, view):
            raise NotClean(f"{view.spec.name}: duplicate key")
