"""The typed tables' layout and casts: the database the skills read.

The casts run only on text that passed every check, so each one is known to succeed.
Types come from schema.DUCKDB_TYPES; money is DECIMAL from its text (never through a
float); timestamps are converted to UTC and stored as TIMESTAMP. Keys are checked, not
declared: the load refuses a repeated key (close.pack.fastload.repeats_a_key), and the
database, which the close only reads, keeps no index of them. No skill looks a row up
by its key, and the journal's index was an eighth of a million-line load (0.4 s, on one
core, after the rows) and more than half of the database.
"""
from __future__ import annotations

import hashlib

from .pack_toml import PackSettings
from .schema import DUCKDB_TYPES, TABLES, Column, Table

LOADER_VERSION = 2  # bump when the load changes in a way the layout below does not show


def cast_sql(col: Column) -> str:
    c = f'"{col.name}"'
    if col.kind == "bool":
        return f"CASE {c} WHEN 'true' THEN true WHEN 'false' THEN false END"
    if col.kind == "timestamp":
        return f"CAST(CAST({c} AS TIMESTAMPTZ) AS TIMESTAMP)"  # session TimeZone is UTC
    typ = DUCKDB_TYPES[col.kind]
    return c if typ == "VARCHAR" else f"CAST({c} AS {typ})"


def create_sql(spec: Table) -> str:
    """CREATE TABLE with NOT NULL on required columns."""
    cols = [
        f'"{c.name}" {DUCKDB_TYPES[c.kind]}' + (" NOT NULL" if c.required else "")
        for c in spec.columns
    ]
    return f'CREATE TABLE main."{spec.name}" ({", ".join(cols)})'


def order_clause(spec: Table) -> str:
    """ORDER BY for the rows' stored order (Table.stored_order), or nothing."""
    if not spec.stored_order:
        return ""
    return " ORDER BY " + ", ".join(f'"{name}"' for name in spec.stored_order)


def layout_fingerprint() -> str:
    """LOADER_VERSION and a digest of every table's CREATE statement and casts.

    A workspace database built by another layout (an optional column added since, a type
    changed) must reload rather than fail mid-close on a column it lacks; deriving the
    fingerprint from the schema means no one has to remember to bump a number.
    """
    layout = "\n".join(create_sql(t) + "|" + ",".join(cast_sql(c) for c in t.columns)
                       + "|" + ",".join(t.stored_order) for t in TABLES)
    return f"{LOADER_VERSION}:{hashlib.sha256(layout.encode()).hexdigest()[:16]}"


FILE_DIGESTS = "SELECT name, sha256, size, stamp FROM main._pack_files ORDER BY name"
# A database whose files were recorded before their stamps: they count as unstamped.
FILE_DIGESTS_UNSTAMPED = "SELECT name, sha256, size, '' FROM main._pack_files ORDER BY name"


def write_file_digests(con, files) -> None:
    """The `_pack_files` rows: each file's name, SHA-256, size and stamp as the load read
    them (close.pack.sources.FileDigest), so a reopen that finds the files unchanged has
    their digests without reading them again."""
    con.execute("CREATE TABLE main._pack_files (name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, "
                "size BIGINT NOT NULL, stamp VARCHAR NOT NULL)")
    con.executemany("INSERT INTO main._pack_files VALUES (?, ?, ?, ?)",
                    [(f.name, f.sha256, f.size, f.stamp) for f in files])


def write_metadata(con, settings: PackSettings, sha256: str, tables: list[str], fmt: str) -> None:
    """The `_pack` row: what was loaded, so a reopen can tell whether the pack changed."""
    con.execute(
        "CREATE TABLE main._pack (name VARCHAR NOT NULL, reporting_currency VARCHAR NOT NULL, "
        "fiscal_year_start_month INTEGER NOT NULL, materiality DECIMAL(18,2) NOT NULL, "
        "sha256 VARCHAR NOT NULL, tables VARCHAR[] NOT NULL, source_format VARCHAR NOT NULL, "
        "loader_version VARCHAR NOT NULL)"
    )
    con.execute(
        "INSERT INTO main._pack VALUES ($name, $cur, $fy, CAST($mat AS DECIMAL(18,2)), $sha, $tables, $fmt, $ver)",
        {"name": settings.name, "cur": settings.reporting_currency, "fy": settings.fiscal_year_start_month,
         "mat": str(settings.materiality), "sha": sha256, "tables": sorted(tables), "fmt": fmt,
         "ver": layout_fingerprint()},
    )
