"""A degenerate ledger pack: a real journal repeated until duplicates are everywhere.

    python benchmarks/degenerate_pack.py OUT_DIR [--copies 8] [--scale 1.0]

The demo group's books (fixtures.generate at `--scale`) are written to OUT_DIR, then
its journal is appended to itself `copies - 1` times under new entry ids (`JE-000123~3`),
every line otherwise unchanged. Every entry becomes a set of duplicates, every balance
is multiplied, and most reconciliations break: a close of such a pack raises findings
by the hundred thousand. It is what an export run twice, or a botched migration,
looks like, and what the close's outputs must survive with bounded size (see
benchmarks/close_run.py). Deterministic: same arguments, same bytes.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def build(out: Path, copies: int = 8, scale: float = 1.0, seed: int = 20260531) -> int:
    """Write the pack; return its journal line count."""
    from fixtures.generate import generate

    generate(str(out), seed=seed, scale=scale)
    journal = out / "journal_lines.csv"
    repeated = out / "journal_lines.repeated.csv"
    lines = 0
    with open(journal, newline="", encoding="utf-8") as src, \
            open(repeated, "w", newline="", encoding="utf-8") as dst:
        reader = csv.reader(src)
        header = next(reader)
        rows = list(reader)
        je = header.index("je_id")
        writer = csv.writer(dst, lineterminator="\n")
        writer.writerow(header)
        for k in range(copies):
            for row in rows:
                if k:
                    row = [*row[:je], f"{row[je]}~{k}", *row[je + 1:]]
                writer.writerow(row)
                lines += 1
    repeated.replace(journal)
    answer_key = out / "answer_key.json"
    if answer_key.exists():
        answer_key.unlink()    # the repeated books answer to no key
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    lines = build(args.out, args.copies, args.scale)
    print(f"{lines} journal lines ({args.copies} copies) -> {args.out}")


if __name__ == "__main__":
    main()
