"""`close ref REF`: from a finding's ref to the rows of the books behind it."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from close.agent import LIMITS, ref_answer
from close.cli.common import CURSOR, answer_or_fail, fail, limit_option, open_pack_or_fail, print_json
from close.cli.tables import console
from close.refs import BadRef, parse_ref, resolve_ref


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
        currencies = entity_currencies(con) if table_name == "journal_lines" else {}
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
    from close.cli.ref_tables import journal_table, records_table

    out = console()
    if table_name == "journal_lines":
        for renderable in journal_table(ref, rows, currencies):
            out.print(renderable)
    else:
        out.print(records_table(ref, rows))


def entity_currencies(con) -> dict[str, str]:
    """Each entity's functional currency: the currency of a journal line's debit and credit."""
    return {str(e): str(c) for e, c in con.execute("SELECT entity_id, functional_currency FROM entities").fetchall()}
