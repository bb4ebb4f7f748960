"""A second process that writes the workpapers of a large close beside the other reports.

The report writers are pure Python (openpyxl, Jinja) and hold the GIL, so threads cannot
write two files at once: at a million journal lines the workpapers (half a second) and
the other reports (as long again) were written one after the other while the second core
sat idle. For a large pack the close starts one helper process as its skills begin, and
at the outputs hands it the workpapers while this process writes the rest.

The helper is `python -m close.report.helper`: a fresh interpreter (not a fork of this
threaded process, and not multiprocessing, which would import the caller's main module
again) that imports the writers while the skills run, then reads one job from its stdin
(pickled: the writer calls), runs it and answers on stdout (pickled: the results, or the
exception). It writes to the staging paths it is given and nothing else, so the outputs
still commit together (close.outputs). A helper that cannot start or dies is not a failed
close: its files are written here instead. An error of the writing itself (a full disk)
is raised here as it would have been.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

# A pack with at least this many journal lines gets a helper: below it the outputs take
# about as long as starting one (the demo group, 162,804 lines, writes them in 0.3 s).
HELPER_MIN_LINES = 400_000
# How long a helper that has answered may take to exit before it is stopped.
EXIT_WAIT_S = 10


def wanted(journal_lines: int) -> bool:
    return journal_lines >= HELPER_MIN_LINES


class Helper:
    """One helper process: `start` a job of writer calls, then `finish` for their results."""

    def __init__(self):
        package_root = str(Path(__file__).resolve().parents[2])   # where `close` imports from
        env = {**os.environ,
               "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)}
        try:
            self._child = subprocess.Popen([sys.executable, "-m", "close.report.helper"],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL, env=env)
        except OSError:
            self._child = None
        self._calls: list | None = None

    def start(self, calls: list[tuple]) -> None:
        """Hand the helper `calls`, each (function, *args) of module-level functions."""
        self._calls = calls
        if self._child is None:
            return
        try:
            pickle.dump(calls, self._child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._child.stdin.close()
        except (OSError, pickle.PicklingError):
            self._stop()

    def finish(self) -> list:
        """The calls' results, from the helper or, when it failed, computed here."""
        calls, self._calls = self._calls or [], None
        if self._child is not None:
            try:
                answer = pickle.loads(self._child.stdout.read())
                self._child.wait(timeout=EXIT_WAIT_S)   # it exits once it has answered
            except Exception:   # it died or never read the job: write the files here
                answer = None
            self._stop()
            if answer is not None:
                ok, value = answer
                if ok:
                    return value
                raise value
        return [function(*args) for function, *args in calls]

    def _stop(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        for stream in (child.stdin, child.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if child.poll() is None:
            child.kill()
        child.wait()

    def close(self) -> None:
        self._stop()

    def __enter__(self) -> "Helper":
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False


def serve(stdin, stdout) -> None:
    """The helper's side: import the workbook writers now (not the templates: the
    helper renders none), then run the one job that arrives."""
    from close.report import workbook, workpapers  # noqa: F401

    try:
        calls = pickle.load(stdin)
    except EOFError:   # the close ended (or failed) without handing any work over
        return
    try:
        answer = (True, [function(*args) for function, *args in calls])
    except Exception as exc:   # raised again in the close, as if written there
        answer = (False, exc)
    pickle.dump(answer, stdout, protocol=pickle.HIGHEST_PROTOCOL)
    stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
