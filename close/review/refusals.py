"""Refused attempts are part of the record: who tried what, and why close said no.

An approval of one's own work, a sign-off with items pending, a reopen by someone who
may not: each is refused with a one-line reason, and each refusal is appended to the
audit trail (event `refused`) in its own transaction, after the refused one was rolled
back, so the attempt is kept while nothing it tried to change is.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from close.review import audit
from close.review.errors import Refused
from close.review.store import writing


@contextmanager
def recorded(con: sqlite3.Connection | None, *, actor: str, action: str,
             month: str | None = None, item: str | None = None):
    try:
        yield
    except Refused as exc:
        if con is not None and not con.in_transaction:
            with writing(con):
                audit.append(con, actor=actor, event="refused", month=month, item=item,
                             details={"action": action, "reason": str(exc),
                                      "refusal": type(exc).__name__})
        raise
