"""`close audit verify` and `close audit log`: check and read the review audit trail.

verify exits 0 when the chain is intact, 1 when it is broken (naming the first record
changed, removed or reordered), 2 for usage errors, like the review commands.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from close.cli.common import EXIT_FAILED, fail, parse_month_or_fail, print_json
from close.cli.review_cmd import JSON, PACK, WORKSPACE, opened_store

audit_app = typer.Typer(name="audit", no_args_is_help=True, add_completion=False,
                        help="The review audit trail: verify its hash chain, read it.")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_cmd(pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE,
               as_json: bool = JSON) -> None:
    """Recompute the hash chain; report the first record changed, removed or reordered."""
    from close.review.audit import Verdict, verify

    with opened_store(pack, workspace, create=False) as con:
        verdict = Verdict(True, 0, "0" * 64, message="the audit log is empty") if con is None \
            else verify(con)
    if as_json:
        print_json(verdict.to_dict())
    elif verdict.ok:
        typer.echo(f"audit chain intact: {verdict.records} records, head {verdict.head}")
    if not verdict.ok:
        if not as_json:
            fail(f"audit chain broken: {verdict.message}", EXIT_FAILED)
        raise typer.Exit(EXIT_FAILED)


@audit_app.command("log")
def log_cmd(
    month: Optional[str] = typer.Option(None, "--month", help="Only events for this month, YYYY-MM."),
    item: Optional[str] = typer.Option(None, "--item", help="Only events for this item, e.g. R-0001."),
    pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """Show the audit log: who did what, when (UTC), with each record's hash."""
    from close.cli.safe_text import safe_text
    from close.review.audit import records
    from close.review.store import item_id
    from close.review.views import parse_item_id

    period = str(parse_month_or_fail(month)) if month else None
    with opened_store(pack, workspace, create=False) as con:
        wanted = item_id(parse_item_id(item)) if item else None
        rows = [] if con is None else records(con, month=period, item=wanted)
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo("the audit log has no records" + (f" for {period}" if period else ""))
        return
    for r in rows:
        typer.echo(safe_text(f"{r['seq']:>5}  {r['at']}  {r['actor']:<12}  {r['event']:<10}  "
                             f"{r['month'] or '':<7}  {r['item'] or '':<7}  {_brief(r['details'])}"))


def _brief(details) -> str:
    from close.cli.safe_text import safe_text

    if not isinstance(details, dict):
        return safe_text(details)
    keep = ("key", "version", "note", "reason", "text", "superseded_by", "replaces", "run_id")
    return "  ".join(f"{k}={safe_text(details[k])}" for k in keep if details.get(k) not in (None, ""))
