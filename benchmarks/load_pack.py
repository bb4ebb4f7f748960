"""Benchmark: load a ten-million-line ledger pack into DuckDB.

    python benchmarks/load_pack.py                 # synthetic 10M-line pack, 3 runs
    python benchmarks/load_pack.py --pack DIR      # an existing pack
    python benchmarks/load_pack.py --fixtures-scale N   # the demo generator's pack

Each run is a fresh child process, so its peak memory is its own: wall time is taken
around the child, CPU time and peak memory (ru_maxrss) from os.wait4's rusage for that
child. CPU time is shown because wall time on a shared machine depends on the load
average, which is printed too. The
target on the project's 2-core machine is at most 30 s and 2 GB per load. A script,
not a timed test: the figures depend on the machine and on what else runs on it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 30
TARGET_BYTES = 2 * 1024**3

CHILD = """
import json, sys, time
from close.pack import load_pack, validate_pack
what, pack, db = sys.argv[1:4]
start = time.perf_counter()
if what == "load":
    load_pack(pack, db)
else:
    assert validate_pack(pack) == []
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def measure(what: str, pack: Path, db: Path) -> dict:
    """One load (or validation) in a child process: wall, in-process time, peak RSS."""
    if db.exists():
        db.unlink()
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, what, str(pack), str(db)],
                             stdout=subprocess.PIPE, cwd=ROOT)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{what} failed with exit code {child.returncode}")
    return {"wall_s": wall, "in_process_s": json.loads(out.decode().strip().splitlines()[-1])["seconds"],
            "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_bytes": usage.ru_maxrss * 1024,
            "load_average_after": os.getloadavg()[0]}


def make_pack(args, work: Path) -> Path:
    if args.pack:
        return Path(args.pack)
    pack = work / "pack"
    start = time.perf_counter()
    if args.fixtures_scale:
        subprocess.run([sys.executable, "-m", "fixtures.generate", str(pack), "--scale", str(args.fixtures_scale)],
                       check=True, cwd=ROOT)
    else:
        from benchmarks.synthetic_pack import write_pack

        write_pack(pack, args.lines, args.format)
    print(f"generated {pack} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return pack


def journal_lines(pack: Path) -> int:
    import duckdb

    with duckdb.connect() as con:
        if (pack / "journal_lines.parquet").exists():
            return con.execute("SELECT count(*) FROM read_parquet($p)", {"p": str(pack / "journal_lines.parquet")}).fetchone()[0]
        return con.execute("SELECT count(*) FROM read_csv($p, all_varchar = true)",
                           {"p": str(pack / "journal_lines.csv")}).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", help="benchmark this pack instead of generating one")
    parser.add_argument("--lines", type=int, default=10_000_000, help="journal lines of the synthetic pack")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", help="journal file format")
    parser.add_argument("--fixtures-scale", type=float, help="generate with `python -m fixtures.generate --scale N`")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--validate", action="store_true", help="also time validate_pack (the full check)")
    parser.add_argument("--keep", action="store_true", help="keep the generated pack and database")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="close-bench-"))
    try:
        pack = make_pack(args, work)
        db = work / "ledger.duckdb"
        runs = {"load": [measure("load", pack, db) for _ in range(args.runs)]}
        if args.validate:
            runs["validate"] = [measure("validate", pack, db) for _ in range(args.runs)]
        import duckdb

        from close.pack.database import MEMORY_LIMIT, THREADS

        report = {
            "pack": str(pack),
            "journal_lines": journal_lines(pack),
            "pack_bytes": sum(f.stat().st_size for f in pack.iterdir() if f.is_file()),
            "database_bytes": db.stat().st_size if db.exists() else None,
            "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "load_average": os.getloadavg()},
            "duckdb": duckdb.__version__, "threads": THREADS, "memory_limit": MEMORY_LIMIT,
            "runs": runs,
        }
        for what, results in runs.items():
            report[what] = {
                "median_wall_s": statistics.median(r["wall_s"] for r in results),
                "median_cpu_s": statistics.median(r["cpu_s"] for r in results),
                "median_peak_rss_mb": statistics.median(r["peak_rss_bytes"] for r in results) / 2**20,
                "max_peak_rss_mb": max(r["peak_rss_bytes"] for r in results) / 2**20,
            }
        load = report["load"]
        report["meets_target"] = (load["median_wall_s"] <= TARGET_SECONDS
                                  and load["max_peak_rss_mb"] * 2**20 <= TARGET_BYTES)
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print(f"{report['journal_lines']:,} journal lines, {report['pack_bytes'] / 2**20:,.0f} MB pack, "
                  f"{report['machine']['nproc']} CPUs ({report['machine']['cpu']}), DuckDB {report['duckdb']}, "
                  f"load average {report['machine']['load_average'][0]:.1f}")
            for what in runs:
                walls = ", ".join(f"{r['wall_s']:.1f}" for r in runs[what])
                print(f"{what}: median {report[what]['median_wall_s']:.1f} s wall (runs: {walls}), "
                  f"{report[what]['median_cpu_s']:.1f} s CPU, "
                      f"peak memory median {report[what]['median_peak_rss_mb']:,.0f} MB, "
                      f"max {report[what]['max_peak_rss_mb']:,.0f} MB")
            print(f"target <= {TARGET_SECONDS} s and <= 2 GB: {'met' if report['meets_target'] else 'NOT met'}")
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
