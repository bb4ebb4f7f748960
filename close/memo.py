"""Reads of the books that several skills of one close make alike, made once.

A close asks the same question of an entity's books many times: every statement skill
wants its accounts' monthly movements, several identity checks want its trial balance
and the entries that do not balance. The books do not change during a close, so the
runner gives each run one ReadMemo: the first skill to ask runs the query, the others
(on any worker thread) get copies of its rows. Only the reads that ask for it through
`Context.shared_rows` are kept, each small (per account, per month), never a list of
journal lines.
"""
from __future__ import annotations

import threading
from typing import Callable


class ReadMemo:
    """(sql, parameters) -> rows, computed once however many threads ask together."""

    def __init__(self):
        self._lock = threading.Lock()
        self._entries: dict[tuple, "_Entry"] = {}

    def rows(self, key: tuple, compute: Callable[[], list[dict]]) -> list[dict]:
        with self._lock:
            entry = self._entries.get(key)
            owner = entry is None
            if owner:
                entry = self._entries[key] = _Entry()
        if owner:
            try:
                entry.rows = compute()
            except BaseException:
                with self._lock:      # the next asker tries again and sees the error itself
                    del self._entries[key]
                entry.failed = True
                raise
            finally:
                entry.ready.set()
        else:
            entry.ready.wait()
            if entry.failed:
                return self.rows(key, compute)
        return [dict(row) for row in entry.rows]


class _Entry:
    def __init__(self):
        self.ready = threading.Event()
        self.rows: list[dict] = []
        self.failed = False
