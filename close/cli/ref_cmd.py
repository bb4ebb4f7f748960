"""`close ref REF`: from a finding's ref to the rows of the books behind it."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from close.agent import LIMITS, ref_answer
from close.cli.common import CURSOR, answer_or_fail, fail, limit_option, open_pack_or_fail, print_json
from close.cli.safe_text import safe_markup
from close.refs import BadRef, parse_ref, resolve_ref
from close.results import jsonable


def register(app: typer.Typer) -> None:
    app.command("ref")(show_ref)


def show_ref(
    ref: str = typer.Argument(..., help="A finding's ref, e.g. journal_lines:JE-000123 or payroll:2026-05/E-0107."),
    pack: Optional[Path] = typer.Option(None, "--pack", help="Ledger pack; default: the demo group."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help="Where the ledger database lives."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON, a page of rows at a time."),
    limit: Optional[int] = limit_option("rows", LIMITS["show_ref"]),
    cursor: Optional[str] = CURSOR,
) -> None:
    """Show the rows a ref names (every line of a journal entry)."""
    _, con, info = open_pack_or_fail(pack, workspace)
    try:
        table_name = parse_ref(ref)[0]
        rows = resolve_ref(con, ref, info.tables)
    except BadRef as exc:
        fail(str(exc))
    finally:
        con.close()
    if not rows:
        fail(f"nothing in the pack has ref {ref!r}", code=1)
    if as_json:
        print_json(answer_or_fail(ref_answer, ref, table_name, rows, info.sha256,
                                  limit=limit or LIMITS["show_ref"], cursor=cursor))
        return
    table = Table(title=safe_markup(ref))
    for column in rows[0]:
        table.add_column(safe_markup(column))
    for row in rows:
        table.add_row(*("" if v is None else safe_markup(jsonable(v)) for v in row.values()))
    Console(emoji=False).print(table)
