"""`close review list|show|approve|reject|comment` and `close signoff`.

Exit codes: 0 done; 1 the review rules refused the action (your own item, already
decided, superseded, unverified without a note, month not ready or locked, not logged in,
a role that may not, store busy); 2 a usage error (bad month or status, unknown item id,
empty reason, bad store, --as in a workspace with users).
Who acts: the user logged in with `close login` when the workspace has users (auth.py),
else single-user mode, stated in the output.
The store is the workspace's review.sqlite: --workspace, else the workspace of --pack,
else the demo group's.
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import typer

from close.cli.auth import acting
from close.cli.common import EXIT_FAILED, fail, parse_month_or_fail, print_json

review_app = typer.Typer(name="review", no_args_is_help=True, add_completion=False,
                         help="Review queue: list, show, approve, reject and comment on items.")

PACK = typer.Option(None, "--pack", help="Ledger pack whose workspace holds the review store; default: the demo group.")
WORKSPACE = typer.Option(None, "--workspace", help="Workspace folder holding review.sqlite (overrides --pack).")
AS_USER = typer.Option(None, "--as", help="Single-user mode only (a workspace without users): who is acting, else CLOSE_USER, else the login name. With users, you act as the user of `close login`.")
JSON = typer.Option(False, "--json", help="Print JSON.")


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
    app.command("signoff")(signoff)


def store_workspace(pack: Path | None, workspace: Path | None) -> Path:
    """The workspace the review commands act on, found the way `close run` finds it."""
    from close.cli.common import resolve_pack
    from close.workspace import workspace_for

    if workspace is not None or os.environ.get("CLOSE_WORKSPACE"):
        return workspace_for(pack or Path("."), workspace)
    try:
        pack_path = resolve_pack(pack)
    except ImportError:
        fail("no --pack or --workspace given, and the demo group is not available")
    return workspace_for(pack_path, None)


@contextmanager
def opened_store(pack: Path | None, workspace: Path | None, *, create: bool):
    """Yield a connection (None when read-only and no store exists yet); turn review
    refusals and store trouble into one-line errors with the documented exit codes."""
    from close.review import ReviewError
    from close.review.store import BUSY_TIMEOUT_MS, connect, store_path

    ws = store_workspace(pack, workspace)
    con = None
    try:
        con = connect(ws, create=create)
        yield con
    except ReviewError as exc:
        fail(str(exc), exc.exit_code)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            fail(f"{store_path(ws)} stayed locked by another process for "
                 f"{BUSY_TIMEOUT_MS // 1000} s; try again", EXIT_FAILED)
        fail(f"{store_path(ws)}: {exc}")
    finally:
        if con is not None:
            con.close()


@review_app.command("list")
def list_cmd(
    month: Optional[str] = typer.Option(None, "--month", help="Only this month, YYYY-MM."),
    status: Optional[str] = typer.Option(None, "--status", help="pending, approved, rejected, or stale (approvals of replaced versions)."),
    show_all: bool = typer.Option(False, "--all", help="Include replaced and withdrawn versions."),
    pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """List the current review items, riskiest first: severity, amount, skill, entity,
    status (version and preparer too on a wide terminal). --json keeps the queue's order."""
    from close.review.views import STATUSES, list_items, readiness_share
    from close.review.weights import riskiest_first, weigh_items

    period = str(parse_month_or_fail(month)) if month else None
    if status is not None and status not in STATUSES:
        fail(f"--status {status!r}: choose one of {', '.join(STATUSES)}")
    with opened_store(pack, workspace, create=False) as con:
        items = [] if con is None else list_items(con, month=period, status=status, include_all=show_all)
        items = weigh_items(con, items) if con is not None else items
    if as_json:
        print_json(items)
        return
    if not items:
        typer.echo("no review items" + (f" for {period}" if period else ""))
        return
    from close.cli.review_tables import queue_table
    from close.cli.tables import console

    out = console()
    out.print(queue_table(riskiest_first(items)))
    if period and not show_all and status is None:
        approved = sum(1 for i in items if i["status"] == "approved")
        out.print(f"{period}: {approved} of {len(items)} approved "
                  f"({readiness_share(approved, len(items))}%)")


@review_app.command("show")
def show_cmd(
    item: str = typer.Argument(..., help="Item id, e.g. R-0001."),
    pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """Show one item: its draft or findings, figures, decision, comments and versions."""
    from close.review.errors import UsageError
    from close.review.views import show

    with opened_store(pack, workspace, create=False) as con:
        if con is None:
            raise UsageError(f"no review item {item}: the queue is empty")
        detail = show(con, item)
    if as_json:
        print_json(detail)
        return
    for line in _detail_lines(detail):
        typer.echo(line)


def _detail_lines(d: dict) -> list[str]:
    from close.cli.safe_text import safe_text

    c = d["content"]
    lines = [f"{d['id']}  {d['title']}  (version {d['version']}, {d['state']}, {d['status']})",
             f"month {d['month']} · {d['kind']} {d['key']} · prepared by {d['preparer']}",
             f"run {d['run_id']} · pack {d['pack']['name']} sha256 {d['pack']['sha256'][:12]} "
             f"· queued {d['queued_at']}"]
    if d["unverified"]:
        lines.append("UNVERIFIED: it cites figures that match no computed fact")
        for f in c.get("unverified_figures") or []:
            lines.append(f"  {f.get('text')}: {f.get('reason')}")
    if d["stale"]:
        lines.append("this approval is stale: a later version replaced the item")
    if d["stale_approvals"]:
        lines.append(f"{d['stale_approvals']} approval(s) of earlier versions are stale")
    if c.get("summary"):
        lines += ["", c["summary"]]
    for p in c.get("paragraphs") or []:
        lines += ["", p]
    if c.get("figures"):
        lines += ["", "figures:"] + [f"  {f.get('text')} = {f.get('fact')} ({f.get('value')})"
                                     for f in c["figures"]]
    if c.get("findings"):
        lines += ["", "findings:"] + [
            f"  {f.get('severity'):<6} {f.get('amount') or '':>14}  {f.get('message')}  "
            f"[{', '.join(f.get('refs') or [])}]" for f in c["findings"]]
    decision = d["decision"]
    lines.append("")
    if decision:
        note = f": {decision['note']}" if decision["note"] else ""
        accepted = " (accepted unverified)" if decision["accepted_unverified"] else ""
        lines.append(f"{decision['decision']} by {decision['by']} at {decision['at']}{accepted}{note}")
    else:
        lines.append("pending: no decision yet")
    for cm in d["comments"]:
        lines.append(f"comment by {cm['by']} at {cm['at']}: {cm['text']}")
    if len(d["versions"]) > 1:
        lines.append("versions: " + ", ".join(
            f"{v['id']} v{v['version']} {v['status']}{' (stale)' if v['stale'] else ''}"
            f"{'' if v['state'] == 'current' else ' ' + v['state']}" for v in d["versions"]))
    return [safe_text(line) for line in lines]


@review_app.command("approve")
def approve_cmd(
    items: Optional[list[str]] = typer.Argument(None, help="Item ids, e.g. R-0001 R-0007; or select with the options below."),
    note: Optional[str] = typer.Option(None, "--note", help="Why it is right (required with --accept-unverified, and in a batch holding a high-severity item)."),
    accept_unverified: bool = typer.Option(False, "--accept-unverified", help="Approve an item whose figures match no fact (needs --note)."),
    month: Optional[str] = typer.Option(None, "--month", help="Select the pending items of this month, YYYY-MM."),
    severity: Optional[str] = typer.Option(None, "--severity", help="Select pending items whose worst finding is this severity or lower: low, medium or high."),
    skill: Optional[str] = typer.Option(None, "--skill", help="Select pending items of skills matching this glob, e.g. 'je.*'."),
    entity: Optional[str] = typer.Option(None, "--entity", help="Select pending items of this entity (or group)."),
    all_pending: bool = typer.Option(False, "--all-pending", help="Select every pending item (of --month when given)."),
    as_user: Optional[str] = AS_USER, pack: Optional[Path] = PACK,
    workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """Approve the current version of items (not ones you prepared). Several ids, or a
    selection, are approved all or nothing: if any may not be approved, none is, and
    each refused item is named with its reason."""
    from close.review.decisions import approve

    selecting = any(v is not None for v in (month, severity, skill, entity)) or all_pending
    if items and selecting:
        fail("name items or select them with --month/--severity/--skill/--entity/--all-pending, not both")
    if not items and not selecting:
        fail("name the items to approve (R-0001 ...) or select them: --month, --severity, --skill, "
             "--entity, --all-pending")
    if selecting and month is None and not all_pending and severity is None and skill is None and entity is None:
        fail("select with at least one of --month, --severity, --skill, --entity or --all-pending")
    if len(items or []) == 1:
        with opened_store(pack, workspace, create=True) as con:
            who = acting(con, store_workspace(pack, workspace), as_user)
            result = approve(con, items[0], user=who.name, note=note, accept_unverified=accept_unverified)
        _done(result, f"approved {result['id']} ({result['key']}, version {result['version']}) as {who.name}",
              as_json, who)
        return
    _approve_batch(items, note=note, accept_unverified=accept_unverified, month=month, severity=severity,
                   skill=skill, entity=entity, as_user=as_user, pack=pack, workspace=workspace, as_json=as_json)


def _approve_batch(items, *, note, accept_unverified, month, severity, skill, entity, as_user, pack,
                   workspace, as_json) -> None:
    """Several items, all or nothing; the approved ones listed as a table."""
    from close.review.bulk import approve_many, select_pending
    from close.review.weights import riskiest_first, weigh_items

    period = str(parse_month_or_fail(month)) if month else None
    with opened_store(pack, workspace, create=True) as con:
        who = acting(con, store_workspace(pack, workspace), as_user)
        chosen = list(items or []) or select_pending(con, month=period, severity=severity, skill=skill,
                                                     entity=entity)
        if not chosen:
            fail("no pending items match the selection; nothing was approved", EXIT_FAILED)
        approved = approve_many(con, chosen, user=who.name, note=note, accept_unverified=accept_unverified)
        weighed = weigh_items(con, approved)
    if as_json:
        print_json({"approved": approved, "count": len(approved), "mode": who.mode})
        return
    from close.cli.auth import mode_line
    from close.cli.review_tables import queue_table
    from close.cli.safe_text import safe_text
    from close.cli.tables import console

    out = console()
    out.print(queue_table(riskiest_first(weighed)))
    for line in (f"approved {len(approved)} item(s) as {safe_text(who.name)}", mode_line(who)):
        if line:
            out.print(line, markup=False)


@review_app.command("reject")
def reject_cmd(
    item: str = typer.Argument(..., help="Item id, e.g. R-0001."),
    reason: str = typer.Option(..., "--reason", help="What is wrong; the preparer fixes it and re-runs."),
    as_user: Optional[str] = AS_USER, pack: Optional[Path] = PACK,
    workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """Reject the current version of an item; only a new run brings it back."""
    from close.review.decisions import reject

    with opened_store(pack, workspace, create=True) as con:
        who = acting(con, store_workspace(pack, workspace), as_user)
        result = reject(con, item, user=who.name, reason=reason)
    _done(result, f"rejected {result['id']} ({result['key']}, version {result['version']}) as {who.name}", as_json, who)


@review_app.command("comment")
def comment_cmd(
    item: str = typer.Argument(..., help="Item id, e.g. R-0001."),
    text: str = typer.Option(..., "--text", help="The comment."),
    as_user: Optional[str] = AS_USER, pack: Optional[Path] = PACK,
    workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """Comment on an item (any version, any time)."""
    from close.review.decisions import comment

    with opened_store(pack, workspace, create=True) as con:
        who = acting(con, store_workspace(pack, workspace), as_user)
        result = comment(con, item, user=who.name, text=text)
    _done(result, f"commented on {result['id']} as {who.name}", as_json, who)


def signoff(
    month: str = typer.Option(..., "--month", help="Month to sign off, YYYY-MM."),
    note: Optional[str] = typer.Option(None, "--note", help="Recorded with the sign-off."),
    anchor: Optional[list[Path]] = typer.Option(None, "--anchor", help="Also append the audit head to this file, kept outside the workspace (repeatable; CLOSE_AUDIT_ANCHOR adds one)."),
    as_user: Optional[str] = AS_USER, pack: Optional[Path] = PACK,
    workspace: Optional[Path] = WORKSPACE, as_json: bool = JSON,
) -> None:
    """Sign off a month: its latest close complete, on the current books, run by someone
    else, every item approved. Locks it, beside the outputs and the books too."""
    from close.review.anchors import named_files
    from close.review.signoff import sign_off

    period = str(parse_month_or_fail(month))
    with opened_store(pack, workspace, create=True) as con:
        who = acting(con, store_workspace(pack, workspace), as_user)
        result = sign_off(con, period, user=who.name, note=note, books_sha256=books_sha256,
                          anchor_files=named_files(anchor or ()))
    _done(result, f"signed off {period} as {who.name}: {len(result['items'])} items approved; the "
                  f"month is locked; audit head {result['audit_seq']} {result['anchor']} written to "
                  + ", ".join(result["written"]), as_json, who)


def books_sha256(pack_path: str) -> str | None:
    """The sha256 of the books now at pack_path (None when there are none), as a close
    computes it when it loads them."""
    from close.pack import NotAPack
    from close.pack.sources import locate, pack_sha256

    try:
        return pack_sha256(locate(pack_path))
    except (NotAPack, OSError):
        return None


def _done(result: dict, message: str, as_json: bool, who) -> None:
    """What an acting command did, and in single-user mode the line that says so (JSON:
    "mode" is "single-user" or "users")."""
    from close.cli.auth import echo_mode
    from close.cli.safe_text import safe_text

    if as_json:
        print_json({**result, "mode": who.mode})
    else:
        typer.echo(safe_text(message))
        echo_mode(who)
