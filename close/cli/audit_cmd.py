"""`close audit verify` and `close audit log`: check and read the review audit trail.

verify exits 0 when the chain is intact, 1 when it is broken (naming the first record
changed, removed, reordered or forged, or an anchor it no longer matches), 2 for usage
errors, like the review commands. `close audit anchor --to FILE` writes the head out.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from close.cli.common import EXIT_FAILED, fail, parse_month_or_fail, print_json
from close.cli.review_cmd import AS_USER, JSON, PACK, WORKSPACE, opened_store, store_workspace

audit_app = typer.Typer(name="audit", no_args_is_help=True, add_completion=False,
                        help="The review audit trail: verify its hash chain, read it.")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


ANCHOR = typer.Option(None, "--anchor", help="An anchor file kept outside the workspace (repeatable; CLOSE_AUDIT_ANCHOR adds one).")


@audit_app.command("verify")
def verify_cmd(anchor: Optional[list[Path]] = ANCHOR, pack: Optional[Path] = PACK,
               workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON) -> None:
    """Recompute the hash chain and check it against every anchor: the files named, the
    lock beside the books and the lock beside each close's outputs. Reports the first
    record changed, removed, reordered or forged."""
    from close.review.audit import verify
    from close.review.store import store_path

    ws = store_workspace(pack, workspace)
    with opened_store(pack, workspace, create=False) as con:
        anchors, sources = _anchors(con, store_path(ws), pack, workspace, anchor or ())
        verdict = verify(con, anchors)
    result = {**verdict.to_dict(), "anchors": len(anchors), "anchor_files": sources}
    if as_json:
        print_json(result)
    elif verdict.ok:
        checked = (f"; checked against {len(anchors)} anchor(s) in {len(sources)} file(s)"
                   if anchors else "; no anchor to check it against (see `close audit anchor`)")
        typer.echo(f"audit chain intact: {verdict.records} records, head {verdict.head}{checked}")
    if not verdict.ok:
        if not as_json:
            fail(f"audit chain broken: {verdict.message}", EXIT_FAILED)
        raise typer.Exit(EXIT_FAILED)


@audit_app.command("anchor")
def anchor_cmd(to: list[Path] = typer.Option(..., "--to", help="Append the head to this file (repeatable); keep one where the workspace's users cannot write."),
               as_user: Optional[str] = AS_USER, pack: Optional[Path] = PACK,
               workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON) -> None:
    """Append the audit chain's head (last record number and hash) to anchor files, after
    checking the chain: later, `close audit verify --anchor FILE` proves nothing up to it
    was rewritten, cut or deleted."""
    from close.review.anchors import anchor_entry, append_line
    from close.review.audit import verify
    from close.cli.auth import acting
    from close.review.store import now, store_path

    ws = store_workspace(pack, workspace)
    with opened_store(pack, workspace, create=False) as con:
        if con is None:
            fail(f"no review store at {store_path(ws)}: nothing to anchor")
        anchors, _ = _anchors(con, store_path(ws), pack, workspace, ())
        verdict = verify(con, anchors)
        if not verdict.ok:
            fail(f"not anchoring a broken chain: {verdict.message}", EXIT_FAILED)
        entry = anchor_entry(con, store_path(ws), event="anchor", at=now(),
                             by=acting(con, ws, as_user).name)
    for path in to:
        try:
            append_line(path, entry)
        except OSError as exc:
            fail(f"cannot write anchor file {path}: {exc.strerror or exc}")
    if as_json:
        print_json({k: entry[k] for k in ("audit_seq", "audit_head", "store", "at")} | {"files": [str(p) for p in to]})
    else:
        typer.echo(f"anchored audit record {entry['audit_seq']} head {entry['audit_head']} in "
                   + ", ".join(str(p) for p in to))


def lock_files_of(con, pack: Path | None, workspace: Path | None) -> list[Path]:
    """The lock files that anchor a store: beside the books named (or the demo group's,
    when no workspace is named either) and beside the books and outputs of each close."""
    from close.cli.common import resolve_pack
    from close.review.locks import out_lock_file, pack_lock_file

    files = []
    if pack is not None:
        files.append(pack_lock_file(pack))
    elif workspace is None and not os.environ.get("CLOSE_WORKSPACE"):
        files.append(pack_lock_file(resolve_pack(None)))  # the demo group, as everywhere
    if con is not None:
        for pack_path, out_dir in con.execute("SELECT DISTINCT pack_path, out_dir FROM closes"):
            files.append(pack_lock_file(pack_path))
            if out_dir:
                files.append(out_lock_file(out_dir))
    return files


def _anchors(con, store: Path, pack: Path | None, workspace: Path | None, given) -> tuple[list, list[str]]:
    """Every anchor of this store: the files named, the lock file beside the books, and
    the lock file beside each close's outputs that the store remembers."""
    from close.review.anchors import anchors_in, named_files
    from close.review.errors import UsageError

    files = named_files(given)
    for path in files:
        if not path.is_file():
            fail(f"anchor file {path} does not exist")
    found, sources = [], []
    explicit = set(files)
    files += lock_files_of(con, pack, workspace)
    for path in dict.fromkeys(files):
        try:
            anchors = anchors_in(path, store)
        except UsageError as exc:
            fail(str(exc), EXIT_FAILED)
        if path in explicit and not anchors:
            fail(f"anchor file {path} holds no anchor of {store}", EXIT_FAILED)
        if anchors:
            found += anchors
            sources.append(str(path))
    return found, sources


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
    keep = ("key", "version", "note", "reason", "text", "superseded_by", "replaces", "run_id",
            "action", "name", "role", "via")
    return "  ".join(f"{k}={safe_text(details[k])}" for k in keep if details.get(k) not in (None, ""))
