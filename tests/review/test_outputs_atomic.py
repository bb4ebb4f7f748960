"""A close's outputs appear whole or not at all, and the queue commits only with them."""
import errno
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from close.cli import app
from tests.support.books import mini_books, self_approved_entry

REPO = Path(__file__).resolve().parents[2]
OUTPUTS = ("results.json", "findings.csv", "report.html", "report.md", "report.xlsx", "workpapers.xlsx",
           "statutory.html")


def books(folder: Path, amount: str = "300.00") -> Path:
    return mini_books(*self_approved_entry("JE-9", amount)).write(folder)


@pytest.fixture
def closed(tmp_path):
    """A first close of the mini pack, outputs in out/; returns a runner for the next."""
    pack, ws, out = books(tmp_path / "pack"), tmp_path / "ws", tmp_path / "out"

    def close_run(*extra, out_dir=out):
        return CliRunner().invoke(app, ["run", "--month", "2026-05", "--pack", str(pack),
                                        "--workspace", str(ws), "--out", str(out_dir),
                                        "--as", "ana", *extra])

    first = close_run()
    assert first.exit_code == 0, first.stderr
    return pack, ws, out, close_run


def snapshot(out: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def queue_size(ws: Path) -> tuple[int, int]:
    import sqlite3
    con = sqlite3.connect(ws / "review.sqlite")
    try:
        return (con.execute("SELECT COUNT(*) FROM items").fetchone()[0],
                con.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
    finally:
        con.close()


def test_out_naming_a_file_is_a_one_line_error(closed, tmp_path):
    *_, close_run = closed
    target = tmp_path / "results.txt"
    target.write_text("keep me")
    result = close_run(out_dir=target)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "is a file, not a folder" in lines[0]
    assert target.read_text() == "keep me"


def test_a_writer_that_fails_leaves_the_outputs_and_the_queue_as_they_were(closed, monkeypatch):
    pack, ws, out, close_run = closed
    before, queued = snapshot(out), queue_size(ws)
    books(pack, "350.00")                       # changed books: new results and a new version

    def broken(report, path):
        Path(path).write_bytes(b"half a workbook")
        raise RuntimeError("writer crashed")

    monkeypatch.setattr("close.report.workbook.write_workbook", broken)
    result = close_run()
    assert result.exit_code != 0
    assert snapshot(out) == before              # no temporary file left, nothing replaced
    assert queue_size(ws) == queued


def test_a_full_disk_is_a_one_line_error_and_the_old_results_survive(closed, monkeypatch):
    pack, ws, out, close_run = closed
    before, queued = snapshot(out), queue_size(ws)
    books(pack, "350.00")

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", full)
    result = close_run()
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "could not write the outputs" in lines[0] and "No space left" in lines[0]
    assert snapshot(out) == before and queue_size(ws) == queued


def test_a_file_size_limit_mid_write_leaves_the_previous_outputs(closed):
    """The real thing: `ulimit -f` stops the writes of a second close part-way."""
    from close.pack import open_pack
    pack, ws, out, _ = closed
    before, queued = snapshot(out), queue_size(ws)
    books(pack, "350.00")
    con, _ = open_pack(pack, ws)    # the changed books loaded, so only the close's writes are left
    con.close()
    limit = 40_000                  # bytes: below the HTML report, above the review store's writes

    def limited():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "close", "run", "--month", "2026-05", "--pack", str(pack),
         "--workspace", str(ws), "--out", str(out), "--as", "ana"],
        capture_output=True, text=True, cwd=REPO, preexec_fn=limited,
        env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=300)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "could not write the outputs" in done.stderr and "File too large" in done.stderr
    assert snapshot(out) == before and queue_size(ws) == queued
    assert json.loads((out / "results.json").read_text())["month"] == "2026-05"


def test_a_killed_closes_temporary_files_are_removed_by_the_next(closed):
    """kill -9 while staging leaves `.report.xlsx.<pid>.tmp` and nothing else; the next
    close of the folder removes it (its process is gone) and keeps a live one's."""
    pack, ws, out, close_run = closed
    dead = out / ".report.xlsx.999999999.tmp"
    live = out / f".report.xlsx.{os.getppid()}.tmp"
    dead.write_bytes(b"half")
    live.write_bytes(b"busy")
    assert close_run().exit_code == 0
    assert not dead.exists() and live.exists()
    assert {p.name for p in out.iterdir()} == {*OUTPUTS, live.name}
