"""A close's outputs appear whole, together, or not at all.

Each output (results.json, report.html, report.md, report.xlsx) is first written to a
temporary file in the output folder, then renamed over its final name (os.replace is
atomic on one file system), results.json last: a close killed mid-write, or stopped by
a full disk, leaves the previous outputs exactly as they were and, at worst, a
temporary `.name.<pid>.tmp` file that the next close of the folder removes. The review
queue is committed only after every output is staged (close.review.queued_run), so a
close that could not write its outputs queues nothing.
"""
from __future__ import annotations

import os
from pathlib import Path

from close.results import dumps

SUFFIX = ".tmp"


def staging_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}{SUFFIX}")


def stage_results(doc: dict, out_dir: Path) -> tuple[Path, Path]:
    final = Path(out_dir) / "results.json"
    temp = staging_path(final)
    try:
        with open(temp, "w", encoding="utf-8") as fh:
            fh.write(dumps(doc))
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        discard([(temp, final)])
        raise
    return temp, final


def publish(staged: list[tuple[Path, Path]]) -> list[Path]:
    """Rename each staged file over its final name, in order; return the final paths."""
    for temp, final in staged:
        os.replace(temp, final)
    return [final for _, final in staged]


def discard(staged: list[tuple[Path, Path]]) -> None:
    for temp, _ in staged:
        try:
            temp.unlink()
        except FileNotFoundError:
            pass


def remove_leftovers(out_dir: Path) -> None:
    """Temporary files of closes that died before renaming them (their process is gone)."""
    for path in Path(out_dir).glob(f".*{SUFFIX}"):
        pid = path.name.rsplit(".", 2)[-2] if path.name.count(".") >= 3 else ""
        if pid.isdigit() and not _alive(int(pid)):
            try:
                path.unlink()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
