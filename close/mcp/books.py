"""The server's hold on one pack: a read-only DuckDB connection kept for its whole life.

A server answers many calls, so it keeps one connection instead of opening the ledger
database per call. The books can still change under it (someone edits a CSV, or adds a
close.toml), so before each use it compares a cheap fingerprint of the pack's files
(name, size, modification time) with the one it loaded; when they differ it closes its
connection and lets `open_pack` reload. Closing first matters: DuckDB shares one
database instance per file path within a process, so a connection left open would hand
the reload the old database. The reload itself writes a new file and renames it over
the old one, so other processes reading the books are never blocked (DuckDB allows one
writer per file; this server never writes the ledger).

Calls are serialised by one lock: a close already spreads its entities over worker
threads, and a reload must not happen under a running skill.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from close.config import config_path_for


def pack_fingerprint(pack_path: Path) -> tuple:
    """(name, size, mtime) of every file that makes up the pack, and of its close.toml.

    Stat calls only: hashing a ten-million-line pack on every call would cost seconds.
    """
    pack_path = Path(pack_path)
    files = []
    if pack_path.is_dir():
        with os.scandir(pack_path) as entries:
            files = [e.path for e in entries if e.is_file()]
    else:
        files = [str(pack_path), str(config_path_for(pack_path))]
    stamp = []
    for file in sorted(files):
        try:
            st = os.stat(file)
        except FileNotFoundError:
            continue
        stamp.append((os.path.basename(file), st.st_size, st.st_mtime_ns))
    return tuple(stamp)


class Books:
    """One pack, opened on first use and reopened when its files change.

    Opening is lazy so the server answers the MCP handshake at once, even when the demo
    group still has to be generated or a large pack loaded.
    """

    def __init__(self, pack_path: Path | None, workspace: Path | None = None):
        self._pack_arg = Path(pack_path) if pack_path is not None else None
        self.workspace_arg = Path(workspace) if workspace is not None else None
        self._lock = threading.RLock()
        self._con = None
        self._info = None
        self._stamp = None
        self._pack_path: Path | None = None
        # Whole closes already computed on the books as they are now, by month: the
        # runner is deterministic, so a repeat would give the same results.
        self.closes: dict[str, object] = {}

    @property
    def pack_path(self) -> Path:
        """The pack folder or workbook; the demo group's when none was named."""
        if self._pack_path is None:
            if self._pack_arg is None:
                from fixtures.demo import demo_pack_path

                self._pack_path = demo_pack_path()
            else:
                self._pack_path = self._pack_arg.resolve()
        return self._pack_path

    @contextmanager
    def opened(self):
        """(connection, PackInfo), current with the pack's files, held under the lock."""
        with self._lock:
            stamp = pack_fingerprint(self.pack_path)
            if self._con is None or stamp != self._stamp:
                self._reopen(stamp)
            yield self._con, self._info

    def _reopen(self, stamp) -> None:
        from close.pack import open_pack

        self.close()
        con, info = open_pack(self.pack_path, self.workspace_arg)
        self._con, self._info, self._stamp = con, info, stamp

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con = self._info = self._stamp = None
            self.closes.clear()
