"""Benchmark: the whole close of a month, cold and warm, against raw DuckDB.

    python benchmarks/close_run.py                      # the generator's ~1M-line group
    python benchmarks/close_run.py --scale 67.2 --runs 1   # ~10M lines
    python benchmarks/close_run.py --degenerate         # a journal repeated 8 times
    python benchmarks/close_run.py --pack DIR           # an existing pack

Each figure is the `close run --month 2026-05` command line in a fresh child process
(every skill and entity, the offline drafter, all reports, the review queue): cold is a
new workspace (load included), warm reuses the loaded database. Wall time is taken
around the child, peak memory from its rusage. Beside each, in the same run, raw DuckDB
computes the trial balance of the same journal CSV (read, group, sum): the ratio of the
two is what holds on a noisy machine, where absolute seconds follow the load average.
Output sizes (results.json, report.html, findings.csv) show the outputs stay bounded.
A script, not a timed test: the figures depend on the machine.

Targets (2-core machine): ~1M lines <= 5 s warm, <= 8 s cold, <= 1 GB; 10M lines
<= 30 s warm, <= 2 GB; the degenerate pack <= 60 s, report.html <= 10 MB, results.json
<= 50 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load_pack import cpu_model  # noqa: E402

TRIAL_BALANCE = """
SELECT entity_id, account_id, SUM(CAST(debit AS DECIMAL(18,2)) - CAST(credit AS DECIMAL(18,2)))
FROM read_csv($p, all_varchar = true, header = true)
GROUP BY entity_id, account_id
"""


def close_child(pack: Path, workspace: Path, out: Path, month: str) -> dict:
    """One `close run` in a child process: wall seconds and peak RSS."""
    command = [sys.executable, "-m", "close", "run", "--month", month, "--pack", str(pack),
               "--workspace", str(workspace), "--out", str(out), "--as", "benchmark"]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": str(ROOT), "ANTHROPIC_API_KEY": ""})
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):   # 1: a skill errored; still a close to measure
        raise SystemExit(f"close run failed ({code}): {err.decode()[-2000:]}")
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024}


def compile_bytecode() -> None:
    """Write the bytecode cache of close and its skills, as pip does when it installs
    them: the figures are of an installed close, not of one that compiles ~70 modules at
    every start because the shell that runs the benchmark sets PYTHONDONTWRITEBYTECODE."""
    import compileall

    for package in ("close", "skills"):
        compileall.compile_dir(ROOT / package, quiet=1)


def raw_trial_balance(pack: Path) -> float:
    """Seconds for DuckDB alone to read the journal CSV and sum it by account."""
    import duckdb

    start = time.perf_counter()
    with duckdb.connect() as con:
        con.execute(TRIAL_BALANCE, {"p": str(pack / "journal_lines.csv")}).fetchall()
    return time.perf_counter() - start


def sizes(out: Path) -> dict:
    return {name: (out / name).stat().st_size / 2**20 for name in
            ("results.json", "report.html", "report.xlsx", "findings.csv") if (out / name).exists()}


def make_pack(args, work: Path) -> Path:
    if args.pack:
        return Path(args.pack)
    pack = work / "pack"
    if args.degenerate:
        from benchmarks.degenerate_pack import build

        build(pack, copies=args.copies)
    else:
        subprocess.run([sys.executable, "-m", "fixtures.generate", str(pack), "--scale", str(args.scale)],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return pack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", help="an existing pack")
    parser.add_argument("--scale", type=float, default=6.2, help="generator scale (6.2: ~940,000 lines)")
    parser.add_argument("--degenerate", action="store_true", help="the demo's journal repeated --copies times")
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--month", default="2026-05")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="close-bench-"))
    try:
        pack = make_pack(args, work)
        compile_bytecode()
        cold, warm, raw = [], [], []
        for n in range(args.runs):
            workspace, out = work / f"ws{n}", work / f"out{n}"
            raw.append(raw_trial_balance(pack))
            cold.append(close_child(pack, workspace, out, args.month))
            warm.append(close_child(pack, workspace, out, args.month))
            print(f"run {n + 1}: raw {raw[-1]:.2f} s, cold {cold[-1]['wall_s']:.2f} s, "
                  f"warm {warm[-1]['wall_s']:.2f} s, peak {max(cold[-1]['peak_rss_mb'], warm[-1]['peak_rss_mb']):,.0f} MB",
                  file=sys.stderr)
        import duckdb

        with duckdb.connect() as con:
            lines = con.execute("SELECT count(*) FROM read_csv($p, all_varchar = true)",
                                {"p": str(pack / "journal_lines.csv")}).fetchone()[0]
        med = statistics.median
        report = {
            "journal_lines": lines,
            "machine": {"nproc": os.cpu_count(), "cpu": cpu_model(), "load_average": os.getloadavg()},
            "duckdb": duckdb.__version__,
            "raw_trial_balance_s": med(raw),
            "cold_s": med(r["wall_s"] for r in cold), "warm_s": med(r["wall_s"] for r in warm),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in cold + warm),
            "outputs_mb": sizes(work / f"out{args.runs - 1}"),
            "runs": {"cold": cold, "warm": warm, "raw": raw},
        }
        report["warm_over_raw"] = report["warm_s"] / report["raw_trial_balance_s"]
        report["cold_over_raw"] = report["cold_s"] / report["raw_trial_balance_s"]
        if args.json:
            print(json.dumps(report, indent=2))
            return
        m = report["machine"]
        print(f"{lines:,} journal lines; {m['nproc']} CPUs ({m['cpu']}), DuckDB {report['duckdb']}, "
              f"load average {m['load_average'][0]:.1f}; medians of {args.runs}")
        print(f"{'':24}{'seconds':>9}{'x raw TB':>10}")
        print(f"{'raw DuckDB trial balance':24}{report['raw_trial_balance_s']:9.2f}{1:10.1f}")
        print(f"{'close run, cold':24}{report['cold_s']:9.2f}{report['cold_over_raw']:10.1f}")
        print(f"{'close run, warm':24}{report['warm_s']:9.2f}{report['warm_over_raw']:10.1f}")
        print(f"peak memory {report['peak_rss_mb']:,.0f} MB; outputs: "
              + ", ".join(f"{k} {v:,.1f} MB" for k, v in report["outputs_mb"].items()))
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
