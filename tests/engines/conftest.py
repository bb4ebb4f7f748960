"""One SparkSession for the whole test run (starting one costs seconds), local[2] with
few shuffle partitions and no UI; skipped, with the reason, where pyspark or Java is
missing."""
from __future__ import annotations

import shutil

import pytest


def spark_missing() -> str | None:
    """Why Spark cannot run here, or None when it can."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return 'pyspark is not installed (pip install -e ".[test,spark]")'
    if shutil.which("java") is None:
        return "no Java runtime on PATH (Spark needs Java 17+)"
    return None


@pytest.fixture(scope="session")
def spark():
    reason = spark_missing()
    if reason:
        pytest.skip(reason)
    from close.engines.spark import session

    spark = session(master="local[2]")
    yield spark
    spark.stop()
