"""`close validate --pack DIR`: every structural problem of a ledger pack, one per line.

Exit 0 when the pack would load, 1 when it has problems, 2 when the path is not a pack
at all. It builds nothing, so it is safe to run on a pack while it is being exported.
"""
from __future__ import annotations

from pathlib import Path

import typer

from close.cli.common import EXIT_FAILED, EXIT_OK, fail, print_json


def validate(
    pack: Path = typer.Option(..., "--pack", help="Pack folder (CSV/Parquet files and pack.toml) or .xlsx workbook."),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as a JSON list of objects."),
) -> None:
    """Check a ledger pack and list every problem: file, line, column and value."""
    from close.pack import NotAPack, validate_pack

    try:
        problems = validate_pack(pack)
    except NotAPack as exc:
        fail(str(exc.problems[0]))
    if as_json:
        print_json([p.to_dict() for p in problems])
    elif problems:
        for problem in problems:
            typer.echo(str(problem))
        typer.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {pack}", err=True)
    else:
        typer.echo(f"{pack}: no problems")
    raise typer.Exit(EXIT_FAILED if problems else EXIT_OK)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
