"""Reading a loaded database back as plain data, for comparisons in tests."""
from __future__ import annotations

import duckdb


def table_rows(db_path) -> dict[str, list[tuple]]:
    """Every table's rows in stored order, plus its column types; `_pack` without the
    fields that name the source (sha256, format), and not `_pack_files` (the source's
    files, which differ by format)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name").fetchall()]
        out = {}
        for name in names:
            if name == "_pack_files":
                continue
            if name == "_pack":
                out[name] = con.execute(
                    "SELECT name, reporting_currency, fiscal_year_start_month, materiality, tables FROM _pack").fetchall()
                continue
            types = con.execute(f'DESCRIBE "{name}"').fetchall()
            out[name] = [tuple((r[0], r[1]) for r in types)] + con.execute(f'SELECT * FROM "{name}"').fetchall()
        return out
