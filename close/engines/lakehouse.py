"""Tables a lakehouse already holds, read by Spark in place of the pack's copy of them.

    # close.toml
    [spark.tables]
    journal_lines = "finance.gl.journal_lines"          # a table of the Spark catalog
    bank_transactions = "parquet.`/lake/bank/2026`"     # or files Spark reads as a table

A group whose journal lives in a lakehouse should not have close write a second copy of
it for Spark (or send it to a Spark Connect server as Arrow). With `--engine spark`, a
pack table named here is read from that table instead: its columns matched to the pack
table's by name (case aside, extra columns left out) and cast to the pack's types.

The pack's own file stays the record: it is what the loader checked, what results.json's
sha256 and a sign-off name, and what the workpapers cite. So before any skill runs,
close proves the lakehouse table holds the same rows: per entity, the number of rows and
the sum of a digest of each row (md5 of its values as text), computed by DuckDB on the
pack's table and by Spark on the lakehouse table. A table that differs, lacks a column
or cannot be read stops the close with one line that names it, so a skill never reads
books other than the ones that were checked.
"""
from __future__ import annotations

import re

from close.config import Config, ConfigError
from close.refs import column_types

# A table name as Spark SQL reads it: dot-separated parts, each a plain name or a
# backquoted one (a path: parquet.`/lake/x`), up to catalog.schema.table. Nothing else
# reaches the SQL text: no spaces, quotes, comments or a second statement.
_PART = r"(?:[A-Za-z_][A-Za-z0-9_]*|`[^`\x00-\x1f]+`)"
IDENTIFIER = re.compile(rf"{_PART}(?:\.{_PART}){{0,3}}")

# DuckDB type of a pack column -> the Spark type it is read as (the types of the Parquet
# copy: a timestamp is read without a time zone).
_SPARK_TYPES = {"VARCHAR": "string", "DATE": "date", "INTEGER": "int", "BIGINT": "bigint",
                "BOOLEAN": "boolean", "TIMESTAMP": "timestamp_ntz", "DOUBLE": "double"}
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")

# How many differing entities a refusal names.
NAMED_DIFFERENCES = 3


class LakehouseError(RuntimeError):
    """A lakehouse table close.toml names cannot stand in for the pack's table."""


def spark_tables(config: Config, pack_tables) -> dict[str, str]:
    """close.toml's [spark.tables]: pack table -> the Spark table read in its place.
    Refuses, naming close.toml, a table the pack does not have and a name Spark SQL would
    not read as one table."""
    section = config.section("spark")
    unknown = sorted(set(section) - {"tables"})
    if unknown:
        raise ConfigError(f"{config.path}: [spark] has no setting {unknown[0]!r} (it takes tables)")
    tables = section.get("tables", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{config.path}: [spark] tables must be a table of pack table = \"Spark table\"")
    out = {}
    for name, identifier in sorted(tables.items()):
        if name not in pack_tables:
            raise ConfigError(f"{config.path}: [spark.tables] names {name!r}, which the pack does not "
                              f"have (its tables: {', '.join(sorted(pack_tables))})")
        if not isinstance(identifier, str) or not IDENTIFIER.fullmatch(identifier.strip()):
            raise ConfigError(f"{config.path}: [spark.tables] {name} = {identifier!r} is not a table "
                              "name Spark reads, such as catalog.schema.table or parquet.`/path`")
        out[name] = identifier.strip()
    return out


def spark_type(duck_type: str) -> str:
    decimal = _DECIMAL.fullmatch(duck_type)
    if decimal:
        return f"decimal({decimal.group(1)},{decimal.group(2)})"
    try:
        return _SPARK_TYPES[duck_type]
    except KeyError:
        raise LakehouseError(f"a pack column of type {duck_type} has no Spark type here") from None


def pack_columns(duck, name: str) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a pack table, in its order."""
    return list(column_types(duck, name).items())


def read_table(spark, duck, name: str, identifier: str):
    """The lakehouse table as the pack's table: its columns, typed as the pack's."""
    from pyspark.sql import functions as F

    try:   # analysed at once locally, at the first schema request over Spark Connect
        frame = spark.sql(f"SELECT * FROM {identifier}")
        available = {column.lower(): column for column in frame.columns}
    except Exception as exc:   # not found, no access, not a table: Spark's own words
        raise LakehouseError(f"close.toml [spark.tables] {name} = {identifier!r}: Spark cannot read "
                             f"it ({_first_line(exc)})") from None
    wanted = pack_columns(duck, name)
    missing = [column for column, _ in wanted if column.lower() not in available]
    if missing:
        raise LakehouseError(f"close.toml [spark.tables] {name} = {identifier!r} lacks the column(s) "
                             f"{', '.join(missing)} that the pack's {name} has")
    return frame.select([F.col(_quoted(available[column.lower()])).cast(spark_type(kind)).alias(column)
                         for column, kind in wanted])


def _quoted(column: str) -> str:
    """A lakehouse column's name as Spark reads one, whatever it holds: in backquotes,
    a backquote in it doubled."""
    return "`" + column.replace("`", "``") + "`"


def _row_text(columns: list[tuple[str, str]], quote: str, text_type: str) -> str:
    """One row's values as text, separated by chr(31), NULL as chr(30). Both engines
    write dates, timestamps, integers and booleans alike; a decimal goes as its unscaled
    integer (12.50 -> 1250), since Spark writes a small one as 1E-10 where DuckDB writes
    0.0000000001."""
    values = []
    for column, kind in columns:
        value = f"{quote}{column}{quote}"
        decimal = _DECIMAL.fullmatch(kind)
        if decimal and int(decimal.group(2)):
            scale = int(decimal.group(2))
            # Widened first (DuckDB keeps the product of two 18-digit decimals in 18
            # digits), to 36 - scale digits: Spark types the product with p + (scale + 1)
            # + 1 = 38 digits, the most it keeps without giving up decimals.
            value = (f"CAST(CAST({value} AS DECIMAL({36 - scale},{scale})) * "
                     f"CAST({10 ** scale} AS DECIMAL({scale + 1},0)) AS DECIMAL(38,0))")
        values.append(f"coalesce(CAST({value} AS {text_type}), chr(30))")
    return f"concat_ws(chr(31), {', '.join(values)})"


def _group(columns: list[tuple[str, str]], quote: str) -> str:
    return f"{quote}entity_id{quote}" if "entity_id" in dict(columns) else "''"


def duckdb_digest(duck, name: str) -> dict:
    """entity -> (rows, digest) of the pack's table, in DuckDB."""
    columns = pack_columns(duck, name)
    digest = f"CAST(CAST(('0x' || substr(md5({_row_text(columns, chr(34), 'VARCHAR')}), 1, 15)) AS BIGINT) AS DECIMAL(38,0))"
    sql = (f'SELECT {_group(columns, chr(34))} AS grp, COUNT(*) AS n, SUM({digest}) AS digest '
           f'FROM "{name}" GROUP BY 1')
    return {grp: (n, digest) for grp, n, digest in duck.execute(sql).fetchall()}


def spark_digest(spark, frame, columns: list[tuple[str, str]]) -> dict:
    """entity -> (rows, digest) of the lakehouse table read as the pack's, in Spark: the
    same digest as duckdb_digest, in Spark's words (conv for the hex, no 0x casts)."""
    view = "close_lakehouse_digest"
    frame.createOrReplaceTempView(view)
    try:
        digest = (f"CAST(CAST(conv(substr(md5({_row_text(columns, '`', 'STRING')}), 1, 15), 16, 10) "
                  f"AS BIGINT) AS DECIMAL(38,0))")
        rows = spark.sql(f"SELECT {_group(columns, '`')} AS grp, COUNT(*) AS n, SUM({digest}) AS digest "
                         f"FROM {view} GROUP BY 1").collect()
    finally:
        spark.catalog.dropTempView(view)
    return {row["grp"]: (row["n"], row["digest"]) for row in rows}


def check_same_rows(name: str, identifier: str, pack: dict, lake: dict) -> None:
    """Refuse a lakehouse table whose rows are not the pack's, naming where they differ."""
    differing = sorted((g for g in set(pack) | set(lake) if pack.get(g) != lake.get(g)),
                       key=lambda g: (g is None, str(g)))   # a lakehouse row may lack an entity
    if not differing:
        return
    said = []
    for group in differing[:NAMED_DIFFERENCES]:
        in_pack, in_lake = pack.get(group, (0, None))[0], lake.get(group, (0, None))[0]
        where = "rows without an entity" if group is None else f"entity {group}" if group else "the table"
        if in_pack != in_lake:
            said.append(f"{where}: {in_pack:,} rows in the pack, {in_lake:,} in the table")
        else:
            said.append(f"{where}: the same {in_pack:,} rows in number, other values")
    more = len(differing) - NAMED_DIFFERENCES
    raise LakehouseError(f"close.toml [spark.tables] {name} = {identifier!r} does not hold the pack's "
                         f"{name} ({'; '.join(said)}{f'; {more} more entities' if more > 0 else ''}): "
                         f"the close runs on the books that were checked, so load the table's "
                         f"current rows into the pack or point close.toml at the matching table")


def attach(spark, duck, name: str, identifier: str):
    """The lakehouse table for pack table `name`, proved to hold the pack's rows."""
    frame = read_table(spark, duck, name, identifier)
    check_same_rows(name, identifier, duckdb_digest(duck, name),
                    spark_digest(spark, frame, pack_columns(duck, name)))
    return frame


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
