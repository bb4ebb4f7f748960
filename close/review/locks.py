"""The month's lock, written beside its outputs and its books, not only in the workspace.

A sign-off recorded only in review.sqlite binds only that workspace: a close run with
another --workspace, or after review.sqlite is deleted, would run the signed month again
and overwrite its reports. So sign-off also appends its entry (anchors.py: who, when,
the audit head) to `signoffs.jsonl` in the month's output folder and in the pack's own
folder (for a workbook pack, `<stem>.signoffs.jsonl` beside it), and a reopen appends
its own. Before a close writes anything it reads both: a month whose last entry there
is a sign-off is locked whatever the workspace says, until a controller reopens it
(recorded in the audit trail of the workspace that reopens it).
"""
from __future__ import annotations

from pathlib import Path

from close.review.anchors import read_lines

LOCK_NAME = "signoffs.jsonl"


def pack_lock_file(pack_path) -> Path:
    pack = Path(pack_path)
    if pack.is_file():
        return pack.with_name(f"{pack.stem}.{LOCK_NAME}")
    return pack / LOCK_NAME


def out_lock_file(out_dir) -> Path:
    return Path(out_dir) / LOCK_NAME


def lock_files(pack_path=None, out_dir=None) -> list[Path]:
    files = []
    if pack_path is not None and Path(pack_path).exists():
        files.append(pack_lock_file(pack_path))
    if out_dir is not None:
        files.append(out_lock_file(out_dir))
    return files


def locked_in(files, month: str) -> dict | None:
    """The sign-off entry that locks the month in any of the files, or None."""
    for path in files:
        last = None
        for entry in read_lines(path):
            if entry.get("month") == month and entry.get("event") in ("signed_off", "reopened"):
                last = entry
        if last is not None and last["event"] == "signed_off":
            return last
    return None


def file_locked_message(month: str, entry: dict) -> str:
    where = entry["_source"].rsplit(" line ", 1)[0]
    return (f"{month} was signed off by {entry.get('by')} at {entry.get('at')} ({where}); it is "
            f"locked: a controller reopens it with --reopen --reason \"...\" to run it again")
