"""close.engines: where the skills' SQL runs. DuckDB by default; Apache Spark on request.

    with connect("spark", duck=con, pack=info, cache_dir=...) as books:
        run_close(books, info, month)

Every engine hands the runner the same connection-shaped object (execute(sql, params)
with fetchall/fetchone/description, cursor(), close()), so skills, results, narrative,
review and reports do not know which one computed. DuckDB is the pack's own database;
Spark gets the pack's tables from it (close.engines.spark), and pyspark is imported
only when Spark is asked for.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

ENGINES = ("duckdb", "spark")


class EngineError(RuntimeError):
    """The engine asked for cannot run here (pyspark or Java missing, a bad option)."""


@contextmanager
def connect(engine: str, *, duck, pack, cache_dir: Path | None = None,
            spark_master: str | None = None, spark_remote: str | None = None,
            lakehouse: dict | None = None):
    """The connection skills query on `engine`. `duck` is the pack's DuckDB connection
    (the books as loaded and checked); for Spark its tables are registered in a session
    (Parquet files in `cache_dir`, keyed by the pack's sha256) and the session stops on
    exit. `lakehouse`: pack table -> a Spark table read in its place (close.toml
    [spark.tables], close.engines.lakehouse)."""
    if engine not in ENGINES:
        raise EngineError(f"--engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "duckdb":
        if spark_master or spark_remote:
            raise EngineError("--spark-master and --spark-remote go with --engine spark")
        yield duck
        return
    if spark_master and spark_remote:
        raise EngineError("--spark-master or --spark-remote, not both")
    try:
        from close.engines.lakehouse import LakehouseError
        from close.engines.spark import SparkConnection, SparkUnavailable, load_books, session
    except ImportError as exc:   # the default install: neither sqlglot nor pyspark
        raise EngineError(f"--engine spark needs the spark extra ({exc.name} is not installed): "
                          "pip install \"close[spark]\", and a Java 17+ runtime") from None

    try:
        spark = session(master=spark_master, remote=spark_remote,
                        log=None if cache_dir is None else Path(cache_dir) / "spark.log")
    except SparkUnavailable as exc:
        raise EngineError(str(exc)) from None
    try:
        folder = None if cache_dir is None or spark_remote else Path(cache_dir) / pack.sha256[:16]
        try:
            load_books(spark, duck, pack.tables, folder, remote=bool(spark_remote), lakehouse=lakehouse)
        except LakehouseError as exc:
            raise EngineError(str(exc)) from None
        books = SparkConnection(spark)
        try:
            yield books
        finally:
            books.close()
    finally:
        spark.stop()
