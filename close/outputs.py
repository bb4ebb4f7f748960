"""A close's outputs appear whole, together, or not at all.

Each output (results.json, findings.csv, report.html, report.md, report.xlsx) is first written to a
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

from close.results import FINDINGS_FILE, dumps, jsonable

SUFFIX = ".tmp"


def staging_path(final: Path) -> Path:
    return final.with_name(f".{final.name}.{os.getpid()}{SUFFIX}")


def stage_text(final: Path, write) -> tuple[Path, Path]:
    """Write a text output aside with `write(file)`, durable before it is renamed;
    (temporary, final), or nothing left behind when writing fails."""
    temp = staging_path(final)
    try:
        with open(temp, "w", newline="", encoding="utf-8") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        discard([(temp, final)])
        raise
    return temp, final


def stage_results(doc: dict, out_dir: Path, text: str | None = None) -> tuple[Path, Path]:
    """results.json: `text` when the caller has made it (dumps(doc)), else made here."""
    return stage_text(Path(out_dir) / "results.json",
                      lambda fh: fh.write(dumps(doc) if text is None else text))


FINDINGS_COLUMNS = ("skill_id", "entity_id", "rank", "severity", "amount", "currency", "message", "refs")


def stage_findings(outcome, out_dir: Path) -> tuple[Path, Path]:
    """Every finding of the run, one CSV row each (refs separated by spaces), in the
    results' order and each result's ranking: the complete list that results.json and
    the reports cut at FINDINGS_PER_RESULT per result, for a reviewer to filter. Written
    row by row from the results, so a month with a million findings costs no second copy."""
    import csv

    currency = {e.id: e.functional_currency for e in outcome.entities}

    def write(fh):
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(FINDINGS_COLUMNS)
        for r in outcome.results:
            cur = currency.get(r.entity_id, outcome.pack.reporting_currency)
            for rank, f in enumerate(r.findings, start=1):
                writer.writerow((r.skill_id, r.entity_id or "", rank, f.severity,
                                 "" if f.amount is None else jsonable(f.amount), cur,
                                 f.message, " ".join(f.refs)))

    return stage_text(Path(out_dir) / FINDINGS_FILE, write)


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
