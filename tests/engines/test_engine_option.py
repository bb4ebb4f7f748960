"""`close run --engine`: a wrong engine or a Spark option without Spark is one line on
stderr and exit 2, with nothing written; DuckDB stays the default and never imports
pyspark."""
from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from close.cli import app
from tests.support.books import mini_books

runner = CliRunner()


@pytest.fixture
def pack(tmp_path):
    return mini_books().write(tmp_path / "pack")


@pytest.mark.parametrize("options, message", [
    (["--engine", "oracle"], "--engine 'oracle': choose one of duckdb, spark"),
    (["--spark-master", "local[1]"], "--spark-master and --spark-remote go with --engine spark"),
    (["--engine", "spark", "--spark-master", "local[1]", "--spark-remote", "sc://localhost:15002"],
     "--spark-master or --spark-remote, not both"),
])
def test_bad_engine_options_exit_2_with_one_line(pack, tmp_path, options, message):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--month", "2026-05", "--pack", str(pack), "--out", str(out),
                                 "--as", "tester", *options])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (out / "results.json").exists()


def test_the_default_close_never_imports_pyspark():
    code = ("import sys; import close.cli, close.engines, close.pipeline, close.runner; "
            "assert not any(m == 'pyspark' or m.startswith('pyspark.') or m == 'sqlglot' for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_spark_without_the_extra_says_what_to_install(pack, tmp_path, monkeypatch):
    """The default install has neither sqlglot nor pyspark: --engine spark is one line
    naming the extra, not a traceback."""
    for name in [m for m in sys.modules if m == "close.engines.spark" or m == "close.engines.translate"
                 or m == "sqlglot" or m.startswith("sqlglot.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "sqlglot", None)   # import sqlglot -> ImportError
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--month", "2026-05", "--pack", str(pack), "--out", str(out),
                                 "--as", "tester", "--engine", "spark"])
    assert result.exit_code == 2, result.output
    assert 'needs the spark extra (sqlglot is not installed): pip install "close[spark]"' in result.output
    assert not (out / "results.json").exists()


def unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("remote, message", [
    ("http://spark.example.com:15002", "expected sc://host:port"),
    ("sc://:15002", "names no host"),
    ("sc://127.0.0.1:99999", "--spark-remote 'sc://127.0.0.1:99999'"),
    ("sc://127.0.0.1:{free}", "could not reach the Spark Connect server at 127.0.0.1:{free}"),
])
def test_a_spark_connect_server_that_cannot_be_reached_is_one_line_at_once(pack, tmp_path, remote, message):
    """The Connect client retries a wrong address for minutes; close says so at once."""
    pytest.importorskip("pyspark", reason='pyspark is not installed (pip install -e ".[test,spark]")')
    pytest.importorskip("sqlglot", reason='sqlglot is not installed (pip install -e ".[test,spark]")')
    free = unused_port()
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--month", "2026-05", "--pack", str(pack), "--out", str(out),
                                 "--as", "tester", "--engine", "spark",
                                 "--spark-remote", remote.format(free=free)])
    assert result.exit_code == 2, result.output
    assert message.format(free=free) in result.output
    assert not (out / "results.json").exists()


def test_a_local_sparks_own_output_goes_to_its_log_not_stderr(tmp_path, capfd):
    """What the JVM prints as it starts (and later) reaches the log file, not between the
    command's lines; standard error is the command's again afterwards."""
    pytest.importorskip("sqlglot")
    from close.engines.spark import _stderr_to

    log = tmp_path / "spark" / "spark.log"
    with _stderr_to(log):
        subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('WARNING: Using incubator modules\\n')"],
                       check=True)
    print("the command's own line", file=sys.stderr)
    err = capfd.readouterr().err
    assert "incubator" in log.read_text() and "incubator" not in err
    assert "the command's own line" in err


def test_spark_without_java_is_one_line_naming_its_log(tmp_path):
    """No Java on the PATH: exit 2, one line on stderr that says Spark could not start and
    where its own output went."""
    import os

    pytest.importorskip("pyspark")
    pack = mini_books().write(tmp_path / "pack")
    env = {k: v for k, v in os.environ.items() if k != "JAVA_HOME"}
    env.update(PATH=str(tmp_path / "no-java-here"), ANTHROPIC_API_KEY="")
    done = subprocess.run([sys.executable, "-m", "close", "run", "--month", "2026-05", "--pack", str(pack),
                           "--workspace", str(tmp_path / "ws"), "--out", str(tmp_path / "out"), "--as", "t",
                           "--engine", "spark"], capture_output=True, text=True, env=env)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("close: error: could not start Spark")
    assert f"Spark's own output is in {tmp_path / 'ws' / 'spark' / 'spark.log'}" in lines[0]
