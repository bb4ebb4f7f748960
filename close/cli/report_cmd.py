"""`close report`: render a month's reports again from its results.json and the review store.

A month is reviewed and signed off after its close ran, so the reports written by
`close run` show the review as it stood then ("0 of N approved"). This command renders
them as the store has it now, for any month, signed off or not; it never runs a skill
and never writes results.json, so a locked month keeps the record its sign-off approved.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from close.cli.common import fail, parse_month_or_fail, print_json


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    month: str = typer.Option(..., "--month", help="Month whose reports to render, YYYY-MM."),
    pack: Optional[Path] = typer.Option(None, "--pack", help="Ledger pack the month ran on; default: the demo group."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder holding the month's results.json; default close-runs/<month>/."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help="Where the review store lives."),
    per_entity: bool = typer.Option(False, "--per-entity", help="Also write workpapers-<entity>.xlsx."),
    as_json: bool = typer.Option(False, "--json", help="Print the files written as JSON."),
) -> None:
    """Render report.html, report.md, report.xlsx and workpapers.xlsx again from the stored
    results.json and the review store: approvals, comments and sign-off as they are now."""
    from close.cli.common import resolve_pack
    from close.config import ConfigError, load_config
    from close.pipeline import rerender_month
    from close.results import ResultsError
    from close.review import ReviewError
    from close.runner import UsageError
    from close.workspace import current_user, workspace_for

    period = parse_month_or_fail(month)
    pack_path = resolve_pack(pack)
    ws = workspace_for(pack_path, workspace)
    out_dir = out or Path("close-runs") / str(period)
    con = info = config = None
    try:
        from close.pack import PackError, open_pack

        con, info = open_pack(pack_path, workspace)
        config = load_config(pack_path)
    except (PackError, ConfigError, OSError):
        # The books are only for the rows behind refs: without them the reports still render.
        if con is not None:
            con.close()
        con = info = None
    try:
        files = rerender_month(workspace=ws, out_dir=out_dir, month=str(period), user=current_user(),
                               con=con, pack=info, pack_path=pack_path, config=config,
                               per_entity=per_entity)
    except (UsageError, ReviewError) as exc:
        fail(str(exc))
    except ResultsError as exc:
        # results.json is read through the contract's reader: a document that is not ours
        # (edited, or written by another version) is named, with where it is wrong.
        fail(f"{out_dir / 'results.json'}: {exc}")
    except OSError as exc:
        fail(f"could not write the reports to {out_dir}: {exc.strerror or exc}; the previous "
             f"reports there are unchanged")
    finally:
        if con is not None:
            con.close()
    if as_json:
        print_json({"month": str(period), "files": [str(f) for f in files]})
        return
    for path in files:
        typer.echo(f"wrote {path}")
