"""The journal lines behind a ref, read from the pack's DuckDB file opened read-only.

The same rows `close ref` prints (close.refs.resolve_ref). The file is opened for each
page and closed at once: DuckDB lets a process write a database only while no other
process has it open, so a page that kept it open would stop the next `close run` from
reloading changed books. While a close is loading the books, the page says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from close.refs import BadRef, resolve_ref


@dataclass
class Lines:
    """The rows of each ref, the pack sha256 the ledger file holds, and why not, if not."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    books_sha256: str | None = None
    unavailable: str | None = None


def lines_for(db_path: Path | None, refs: list[str]) -> Lines:
    found = Lines()
    if db_path is None or not Path(db_path).is_file():
        found.unavailable = ("the books are not loaded in this workspace: run `close run` or "
                             "`close ref` on the pack once")
        return found
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:
        found.unavailable = "the books are being loaded by a close right now: reload in a moment"
        return found
    try:
        try:
            found.books_sha256 = con.execute("SELECT sha256 FROM _pack").fetchone()[0]
        except duckdb.Error:
            found.books_sha256 = None
        for ref in refs:
            try:
                found.rows[ref] = [{k: _text(v) for k, v in row.items()}
                                   for row in resolve_ref(con, ref)]
            except BadRef as exc:
                found.problems[ref] = str(exc)
            except duckdb.Error:
                found.problems[ref] = f"the books have no table for {ref.split(':', 1)[0]}"
    finally:
        con.close()
    return found


def _text(value) -> str:
    """Every cell as text, as `close ref` prints it: Decimals exact, dates ISO."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)
