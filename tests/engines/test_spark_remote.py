"""`close run --engine spark --spark-remote sc://host:port` against a real Spark Connect
server (started here from pyspark's own sbin script, in its own JVM): the books go over
gRPC as Arrow, the skills' SQL runs on the server, and results.json is DuckDB's byte for
byte. The journal-entry skills on one entity keep it to seconds; the whole demo was
compared the same way (README, Spark)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.engines.conftest import spark_missing


def connect_missing() -> str | None:
    reason = spark_missing()
    if reason:
        return reason
    try:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pyspark.sql.connect.utils import check_dependencies
            check_dependencies()
    except Exception as exc:  # ImportError and pyspark's own PySparkImportError
        return f'Spark Connect\'s client libraries are missing (pip install -e ".[test,spark]"): {exc}'
    return None


pytestmark = pytest.mark.skipif(connect_missing() is not None, reason=connect_missing() or "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def connect_server(tmp_path_factory):
    import pyspark

    home = Path(pyspark.__file__).parent
    work = tmp_path_factory.mktemp("spark-connect")
    port = free_port()
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOG_DIR": str(work / "logs"),
           "SPARK_PID_DIR": str(work / "pids"), "SPARK_IDENT_STRING": f"close-test-{port}"}
    subprocess.run(["bash", str(home / "sbin" / "start-connect-server.sh"), "--master", "local[2]",
                    "--conf", f"spark.connect.grpc.binding.port={port}",
                    "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2"],
                   env=env, check=True, capture_output=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    logs = "\n".join(p.read_text()[-2000:] for p in (work / "logs").glob("*"))
                    pytest.fail(f"the Spark Connect server did not start:\n{logs}")
                time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        subprocess.run(["bash", str(home / "sbin" / "stop-connect-server.sh")], env=env,
                       capture_output=True)


def close_run(pack: Path, workspace: Path, out: Path, *extra: str) -> bytes:
    done = subprocess.run([sys.executable, "-m", "close", "run", "--month", "2026-05", "--pack", str(pack),
                           "--workspace", str(workspace), "--out", str(out), "--entity", "US01",
                           "--skills", "je.*", "--as", "tester", *extra],
                          capture_output=True, text=True, env={**os.environ, "ANTHROPIC_API_KEY": ""})
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return (out / "results.json").read_bytes()


def test_a_spark_connect_server_gives_duckdbs_results_json(connect_server, tmp_path):
    pack = tmp_path / "pack"
    subprocess.run([sys.executable, "-m", "fixtures.generate", str(pack), "--scale", "0.05"],
                   check=True, capture_output=True)
    on_duckdb = close_run(pack, tmp_path / "ws", tmp_path / "duckdb")
    on_spark = close_run(pack, tmp_path / "ws", tmp_path / "spark", "--engine", "spark",
                         "--spark-remote", connect_server)
    assert on_spark == on_duckdb
    assert b'"je.unbalanced_entries"' in on_spark and b'"exceptions"' in on_spark
