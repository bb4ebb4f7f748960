"""Benchmark: the same close on DuckDB and on Spark (local[2]), and whether they agree.

    python benchmarks/spark_vs_duckdb.py                     # the demo group (162,804 lines)
    python benchmarks/spark_vs_duckdb.py --scale 6.2         # the generator's ~1M-line group
    python benchmarks/spark_vs_duckdb.py --pack DIR --runs 3 # an existing pack

Each figure is `close run --month 2026-05 [--engine spark]` in a fresh child process
(every skill and entity, the offline drafter, all reports, the review queue), warm: the
pack is loaded into DuckDB by a first run that is not timed (Spark's first timed run
writes the tables to Parquet, a few seconds). Spark's time includes starting its JVM and session, which a cluster keeps
running; both engines' results.json are compared byte for byte. A script, not a timed
test: the figures depend on the machine (Spark needs `pip install "close[spark]"` and
Java 17+).
"""
from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_pack import cpu_model  # noqa: E402


def close_child(pack: Path, workspace: Path, out: Path, engine: str, master: str) -> float:
    """One `close run` in a child process on `engine`: wall seconds."""
    command = [sys.executable, "-m", "close", "run", "--month", "2026-05", "--pack", str(pack),
               "--workspace", str(workspace), "--out", str(out), "--as", "benchmark",
               "--engine", engine]
    if engine == "spark":
        command += ["--spark-master", master]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "ANTHROPIC_API_KEY": ""})
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):   # 1: a skill errored; still a close to measure
        raise SystemExit(f"close run --engine {engine} failed ({done.returncode}): "
                         f"{done.stderr.decode()[-2000:]}")
    return wall


def journal_lines(pack: Path, workspace: Path) -> int:
    from close.pack import open_pack

    con, _ = open_pack(pack, workspace)
    try:
        return con.execute("SELECT COUNT(*) FROM journal_lines").fetchone()[0]
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pack", type=Path, help="an existing pack (default: generate one)")
    parser.add_argument("--scale", type=float, default=1.0, help="generator scale (1.0: the demo)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="close-spark-bench-") as tmp:
        work = Path(tmp)
        pack = args.pack
        if pack is None:
            pack = work / "pack"
            subprocess.run([sys.executable, "-m", "fixtures.generate", str(pack), "--scale", str(args.scale)],
                           cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        workspace = work / "workspace"
        lines = journal_lines(pack, workspace)
        print(f"{lines:,} journal lines; {cpu_model()}, {os.cpu_count()} cores", flush=True)
        times: dict[str, list[float]] = {"duckdb": [], "spark": []}
        for engine in times:
            if engine == "duckdb":   # loads the pack; Spark's first run then writes the Parquet
                close_child(pack, workspace, work / f"out-{engine}", engine, args.master)
            for run in range(args.runs):
                wall = close_child(pack, workspace, work / f"out-{engine}", engine, args.master)
                times[engine].append(wall)
                print(f"{engine} run {run + 1}: {wall:.1f} s (load average {os.getloadavg()[0]:.1f})", flush=True)
        same = filecmp.cmp(work / "out-duckdb" / "results.json", work / "out-spark" / "results.json",
                           shallow=False)
        duck, spark = statistics.median(times["duckdb"]), statistics.median(times["spark"])
        print(f"median of {args.runs}: DuckDB {duck:.1f} s, Spark {args.master} {spark:.1f} s "
              f"({spark / duck:.0f}x); results.json {'identical' if same else 'DIFFERENT'}")


if __name__ == "__main__":
    main()
