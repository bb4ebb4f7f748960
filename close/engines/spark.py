"""The close on Apache Spark: the ledger tables in Spark, the same skills, equal results.

Skills query through a connection-like object (`execute(sql, params)` with `.fetchall()`,
`.fetchone()`, `.description`, and `cursor()`), the surface of a DuckDB connection that
close's code uses. SparkConnection gives that surface over a SparkSession:

- a query is compiled from DuckDB SQL to Spark SQL by SQLGlot once per SQL text
  (close.engines.translate) and run with bound named parameters (`spark.sql(sql, args)`);
- its rows come back as the Python values DuckDB returns (Decimal at the column's scale,
  datetime.date, int, str, None), which is what keeps results.json identical;
- the scratch tables a skill keeps while it computes (recon.bank's matching: CREATE TEMP
  TABLE, INSERT INTO, DELETE FROM) are temporary views of materialised DataFrames, named
  per cursor so that entities closed side by side never see each other's.

The books are the pack DuckDB already loaded and validated: each table is written once to
Parquet in the workspace (keyed by the pack's sha256) and read by Spark from there, or,
on a Spark Connect server that cannot see local files, sent as Arrow; a table the
lakehouse already holds is read from there once it is proved to be the pack's
(close.engines.lakehouse).
pyspark is imported here only, so the default install never needs it.
"""
from __future__ import annotations

import datetime as _dt
import itertools
import logging
import os
import sys
from contextlib import contextmanager
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from sqlglot import exp

from close.engines.translate import param_names, parsed, spark_sql, to_spark

DEFAULT_MASTER = "local[2]"
# A close is many small queries: few shuffle partitions and no UI keep each one cheap.
SESSION_CONF = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    # The mode the parity test and the demo were verified in. Division by zero is where
    # the engines differ whatever the mode (DuckDB: inf; Spark: NULL, or an error under
    # ANSI): a skill guards its divisor (NULLIF(x, 0)), as PORTABLE-SQL.md's ratios do.
    "spark.sql.ansi.enabled": "false",
    "spark.sql.adaptive.enabled": "true",
    "spark.driver.memory": "2g",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
}


class SparkUnavailable(RuntimeError):
    """pyspark (or Java) is missing: `pip install "close[spark]"` and a Java runtime."""


def session(master: str | None = None, remote: str | None = None, conf: dict | None = None,
            log: Path | None = None):
    """A SparkSession for the close: local (`master`, default local[2]) or a Spark
    Connect server (`remote`, sc://host:15002). `log`: where a local Spark's own output
    goes (its JVM's start-up lines and log), rather than between the command's lines."""
    import warnings

    # pyspark warns at import that it does not yet test pandas 3; close hands Spark no
    # pandas objects, so the warning would only clutter the command's output.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    # pyspark logs every failed query with its Java stack (JSON, on stderr) before raising
    # it; close says what failed in one line of its own, so the log would only bury it.
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise SparkUnavailable("--engine spark needs pyspark: pip install \"close[spark]\" "
                               "(and a Java 17+ runtime)") from exc
    if remote:
        reachable(remote)
    builder = SparkSession.builder.appName("close")
    if remote:
        builder = builder.remote(remote)
    else:
        builder = builder.master(master or DEFAULT_MASTER)
        for key, value in {**SESSION_CONF, **(conf or {})}.items():
            builder = builder.config(key, value)
    try:
        with _stderr_to(None if remote else log):
            spark = builder.getOrCreate()
    except Exception as exc:  # no Java, a refused connection: one clear line at the edge
        where = f"; Spark's own output is in {log}" if log and not remote else ""
        raise SparkUnavailable(f"could not start Spark ({type(exc).__name__}: "
                               f"{str(exc).splitlines()[0] if str(exc) else ''}){where}") from exc
    if remote:
        for key in ("spark.sql.session.timeZone", "spark.sql.ansi.enabled"):
            spark.conf.set(key, SESSION_CONF[key])
    spark.sparkContext.setLogLevel("ERROR") if not remote else None
    return spark


@contextmanager
def _stderr_to(path: Path | None):
    """Standard error (the file descriptor, which a child process inherits) appended to
    `path` while a local Spark starts: its JVM keeps that descriptor, so its start-up
    chatter (module warnings, log4j's default profile, host name notes) and later log
    lines go to the file, and the command's stderr keeps its one line an error."""
    if path is None:
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(path, "ab") as file:
            os.dup2(file.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


CONNECT_PORT = 15002          # Spark Connect's default
REACH_TIMEOUT_S = 10


def reachable(remote: str) -> tuple[str, int]:
    """(host, port) of a Spark Connect URL (sc://host[:port][/;param=value...]) whose
    server accepts a connection. Checked before the client starts: it retries a server
    that is down or a wrong port for many minutes before it gives up, where a user wants
    one line now."""
    import socket
    from urllib.parse import urlsplit

    if not remote.startswith("sc://"):
        raise SparkUnavailable(f"--spark-remote {remote!r}: expected sc://host:port, "
                               "for example sc://spark.example.com:15002")
    try:
        address = urlsplit("//" + remote[len("sc://"):].split("/", 1)[0])
        host, port = address.hostname, address.port or CONNECT_PORT
    except ValueError as exc:
        raise SparkUnavailable(f"--spark-remote {remote!r}: {exc}") from None
    if not host:
        raise SparkUnavailable(f"--spark-remote {remote!r} names no host: expected sc://host:port")
    try:
        socket.create_connection((host, port), timeout=REACH_TIMEOUT_S).close()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SparkUnavailable(f"could not reach the Spark Connect server at {host}:{port} "
                               f"({reason})") from None
    return host, port


def load_books(spark, duck, tables, cache_dir: Path | None, *, remote: bool = False,
               lakehouse: dict | None = None) -> dict:
    """Register each pack table in Spark as a temporary view of the same name, from the
    DuckDB database that loaded and checked the pack, or, for a table `lakehouse` maps
    to a Spark table (close.toml [spark.tables]), from that table once it is proved to
    hold the same rows (close.engines.lakehouse). Returns name -> DataFrame."""
    from close.engines.lakehouse import attach

    frames = {}
    for name in sorted(tables):
        if name in (lakehouse or {}):
            frame = attach(spark, duck, name, lakehouse[name])
        elif remote or cache_dir is None:
            frame = spark.createDataFrame(duck.execute(f'SELECT * FROM "{name}"').to_arrow_table())
        else:
            path = Path(cache_dir) / f"{name}.parquet"
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_name(f".{path.name}.partial")
                duck.execute(f"COPY (SELECT * FROM \"{name}\") TO '{_quote(str(partial))}' (FORMAT parquet)")
                partial.replace(path)
            frame = spark.read.parquet(str(path))
        frame.createOrReplaceTempView(name)
        frames[name] = frame
    return frames


def _quote(text: str) -> str:
    return text.replace("'", "''")


class SparkResult:
    """What execute() returns: DuckDB's cursor surface over collected rows."""

    def __init__(self, columns: list[str], rows: list[tuple]):
        self.description = [(c, None, None, None, None, None, None) for c in columns]
        self._rows = rows
        self._at = 0

    def fetchall(self) -> list[tuple]:
        rows, self._at = self._rows[self._at:], len(self._rows)
        return rows

    def fetchone(self):
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchmany(self, size: int = 1) -> list[tuple]:
        rows = self._rows[self._at:self._at + size]
        self._at += len(rows)
        return rows


_cursor_numbers = itertools.count(1)


class SparkConnection:
    """A DuckDB-connection-shaped handle on a SparkSession (see the module docstring)."""

    engine = "spark"   # what the runner compares with a skill's declared engines

    def __init__(self, spark, *, owner: bool = False, on_close=None):
        self.spark = spark
        self._owner = owner
        self._on_close = on_close
        self._scratch: dict[str, str] = {}   # a skill's temp table name -> this cursor's view
        self._prefix = f"close_c{next(_cursor_numbers)}_"

    # --- the surface close's code uses ---------------------------------------------------

    def cursor(self) -> "SparkConnection":
        """Same session, own scratch tables (entities close side by side)."""
        return SparkConnection(self.spark)

    def close(self) -> None:
        for view in self._scratch.values():
            self._drop_view(view)
        self._scratch.clear()
        if self._owner and self._on_close:
            self._on_close()

    def execute(self, sql: str, params: dict | None = None) -> SparkResult:
        params = params or {}
        wanted = param_names(sql)
        dates = tuple(n for n in wanted if isinstance(params.get(n), _dt.date)
                      and not isinstance(params.get(n), _dt.datetime))
        tree = typed(sql, dates)
        args = _spark_args(params, wanted)
        if isinstance(tree, (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Subquery)):
            return self._query(sql, dates, tree, args)
        if isinstance(tree, exp.Create):
            return self._create(tree, args)
        if isinstance(tree, exp.Insert):
            return self._insert(tree, args)
        if isinstance(tree, exp.Delete):
            return self._delete(tree, args)
        if isinstance(tree, exp.Drop):
            return self._drop(tree)
        raise NotImplementedError(f"the Spark engine runs queries and scratch tables, not {type(tree).__name__}")

    # --- queries --------------------------------------------------------------------------

    def _query(self, sql: str, dates: tuple, tree: exp.Expression, args: dict) -> SparkResult:
        text = typed_spark_sql(sql, dates) if not self._scratch else to_spark(self._renamed(tree))
        frame = self.spark.sql(text, args=args or None)
        return _collect(frame)

    def _frame(self, tree: exp.Expression, args: dict):
        return self.spark.sql(to_spark(self._renamed(tree)), args=args or None)

    def _renamed(self, tree: exp.Expression) -> exp.Expression:
        """The tree with this cursor's scratch tables under their per-cursor names."""
        if not self._scratch:
            return tree
        tree = tree.copy()
        for table in list(tree.find_all(exp.Table)):
            name = table.name.lower()
            view = self._scratch.get(name)
            if view is not None and (not table.db or table.db.lower() == "temp"):
                table.set("this", exp.to_identifier(view))
                table.set("db", None)
                if not table.alias:  # t.col and name.col keep working
                    table.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
        return tree

    # --- scratch tables -----------------------------------------------------------------

    def _create(self, tree: exp.Create, args: dict) -> SparkResult:
        if str(tree.args.get("kind", "")).upper() != "TABLE" or not _temporary(tree):
            raise NotImplementedError("on Spark a skill may create temporary tables only")
        target = tree.this
        if isinstance(target, exp.Schema):
            name = target.this.name.lower()
            columns = ", ".join(to_spark(col) for col in target.expressions)
            frame = self.spark.createDataFrame([], schema=columns)
        else:
            name = target.name.lower()
            frame = self._frame(tree.expression, args)
        self._store(name, frame)
        return SparkResult(["Count"], [(0,)])

    def _insert(self, tree: exp.Insert, args: dict) -> SparkResult:
        name = tree.this.name.lower()
        current = self._view(name)
        new = self._frame(tree.expression, args).localCheckpoint()
        added = new.count()
        self._store(name, current.union(new.toDF(*current.columns)))
        return SparkResult(["Count"], [(added,)])

    def _delete(self, tree: exp.Delete, args: dict) -> SparkResult:
        name = tree.this.name.lower()
        where = tree.args.get("where")
        before = self._view(name)
        if where is None:
            kept_sql = exp.select("*").from_(exp.to_table(name)).where(exp.false())
        else:
            keep = exp.Not(this=exp.Coalesce(this=exp.Paren(this=where.this.copy()),
                                              expressions=[exp.false()]))
            kept_sql = exp.select("*").from_(exp.to_table(name)).where(keep)
        kept = self._frame(kept_sql, args).localCheckpoint()
        removed = before.count() - kept.count()
        self._store(name, kept)
        return SparkResult(["Count"], [(removed,)])

    def _drop(self, tree: exp.Drop) -> SparkResult:
        for table in tree.args.get("tables") or [tree.this]:
            name = table.name.lower()
            view = self._scratch.pop(name, None)
            if view is not None:
                self._drop_view(view)
        return SparkResult(["Success"], [])

    def _view(self, name: str):
        view = self._scratch.get(name)
        if view is None:
            raise LookupError(f"no scratch table {name} on this cursor")
        return self.spark.table(view)

    def _store(self, name: str, frame) -> None:
        """Materialise (a scratch table is read many times and rewritten in place) and
        register under this cursor's name."""
        view = self._scratch.get(name) or f"{self._prefix}{name}"
        frame = frame.localCheckpoint()
        frame.createOrReplaceTempView(view)
        self._scratch[name] = view

    def _drop_view(self, view: str) -> None:
        try:
            self.spark.catalog.dropTempView(view)
        except Exception:  # the session is gone: nothing left to clean
            pass


def _temporary(tree: exp.Create) -> bool:
    props = tree.args.get("properties")
    return props is not None and any(isinstance(p, exp.TemporaryProperty) for p in props.expressions)


@lru_cache(maxsize=4096)
def typed(sql: str, dates: tuple[str, ...]) -> exp.Expression:
    """The parsed query with each date parameter read as CAST(:name AS DATE): dates are
    bound as ISO text, which Spark turns into a DATE without passing through a time zone
    (and any year, 0001-01-01 included)."""
    tree = parsed(sql)
    if not dates:
        return tree
    tree = tree.copy()
    for node in list(tree.find_all(exp.Placeholder, exp.Parameter)):
        if node.name in dates:
            node.replace(exp.Cast(this=node.copy(), to=exp.DataType.build("DATE")))
    return tree


@lru_cache(maxsize=4096)
def typed_spark_sql(sql: str, dates: tuple[str, ...]) -> str:
    """Spark text compiled once per SQL text (and which of its parameters are dates)."""
    return spark_sql(sql) if not dates else to_spark(typed(sql, dates))


def _spark_args(params: dict, wanted: list[str]) -> dict:
    """Bound values as Spark takes them: lists become array literals, dates ISO text."""
    args = {}
    for name in wanted:
        if name not in params:
            continue
        value = params[name]
        if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            value = value.isoformat()
        args[name] = _literal(value)
    return args


def _literal(value):
    """A list becomes array(...), a dict (a row of a list) struct(...): what Spark binds.
    An empty list is array(): the query casts it to its element type (CAST($x AS
    VARCHAR[])), as DuckDB needs too."""
    if isinstance(value, (list, tuple)):
        from pyspark.sql import functions as F

        return F.array(*[_column(v) for v in value])
    if isinstance(value, dict):
        return _column(value)
    return value


def _column(value):
    from pyspark.sql import functions as F

    if isinstance(value, dict):
        return F.struct(*[_column(v).alias(k) for k, v in value.items()])
    if isinstance(value, (list, tuple)):
        return F.array(*[_column(v) for v in value])
    return F.lit(value)


def _collect(frame) -> SparkResult:
    columns = frame.columns
    rows = [tuple(_python(v) for v in row) for row in frame.collect()]
    return SparkResult(columns, rows)


def _python(value):
    """Spark's Python values as DuckDB returns them (structs as dicts, lists as lists)."""
    if value is None or isinstance(value, (str, int, float, bool, Decimal, _dt.date)):
        return value
    if isinstance(value, list):
        return [_python(v) for v in value]
    if hasattr(value, "asDict"):
        return {k: _python(v) for k, v in value.asDict().items()}
    if isinstance(value, dict):
        return {k: _python(v) for k, v in value.items()}
    return value
