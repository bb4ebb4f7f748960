"""`close serve`: the review page for a workspace, served by uvicorn.

The page needs users (a person signs in to act), so a workspace in single-user mode is
told how to set them up instead. It binds 127.0.0.1 unless told otherwise, and warns when
bound elsewhere: the page speaks plain HTTP, so beyond this machine it belongs behind a
TLS proxy (then --secure-cookies). Requests must name this server in their Host header
(--allow-host adds names), which stops DNS-rebinding pages from reaching it.
"""
from __future__ import annotations

import ipaddress
import sqlite3
from pathlib import Path
from typing import Optional

import typer

from close.cli.common import fail
from close.cli.review_cmd import PACK, WORKSPACE, store_workspace

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    pack: Optional[Path] = PACK, workspace: Optional[Path] = WORKSPACE,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on; anything but loopback is warned about."),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port to listen on."),
    allow_host: Optional[list[str]] = typer.Option(None, "--allow-host", help="Another name browsers may use for this server in the Host header (repeatable), e.g. a proxy's name."),
    secure_cookies: bool = typer.Option(False, "--secure-cookies", help="Mark cookies Secure: use when a TLS proxy serves the page over HTTPS."),
) -> None:
    """Serve the review page: items by area and entity, the evidence behind each, approve,
    reject, comment and sign off as a signed-in user, and the audit trail."""
    import uvicorn

    from close.serve import create_app

    settings = build_settings(pack, workspace, host=host, allow_host=allow_host or [],
                              secure_cookies=secure_cookies)
    if not _loopback(host):
        typer.echo(f"warning: serving on {host} reaches every network it is on, over plain "
                   f"HTTP: put the page behind a TLS proxy (and pass --secure-cookies), or "
                   f"keep the default 127.0.0.1", err=True)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"close review page for {settings.workspace} at http://{shown}:{port}/ "
               f"(sign in as a user of this workspace; Ctrl+C stops it)", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                server_header=False, proxy_headers=False, access_log=False)


def build_settings(pack: Path | None, workspace: Path | None, *, host: str = "127.0.0.1",
                   allow_host=(), secure_cookies: bool = False):
    """The page's settings for a workspace, after checking it has users and loading the
    books (so refs resolve) when a pack is known."""
    from close.pack.loader import DB_NAME
    from close.review.store import connect
    from close.review.users import configured
    from close.serve import Settings

    ws = store_workspace(pack, workspace)
    try:
        con = connect(ws, create=False)
    except ValueError as exc:
        fail(str(exc))
    try:
        if not configured(con):
            fail(f"{ws} has no users, so nobody could sign in to the page: a controller is "
                 f"added with `close users add NAME --role controller` (and reviewers with "
                 f"--role reviewer)")
    finally:
        if con is not None:
            con.close()
    if pack is not None or workspace is None:
        from close.cli.common import open_pack_or_fail

        _, ledger, _ = open_pack_or_fail(pack, workspace)   # load or refresh the books
        ledger.close()
    hosts = list(dict.fromkeys([*LOOPBACK_NAMES, "[::1]", host, *allow_host]))
    return Settings(workspace=ws, ledger_db=ws / DB_NAME, books_sha256=_books_sha256,
                    anchors=_anchor_reader(pack, workspace), allowed_hosts=hosts,
                    secure_cookies=secure_cookies)


def _books_sha256(pack_path: str) -> str | None:
    from close.cli.review_cmd import books_sha256

    return books_sha256(pack_path)


def _anchor_reader(pack: Path | None, workspace: Path | None):
    """anchors(con) for the page's verify: the anchors `close audit verify` would check
    without --anchor (CLOSE_AUDIT_ANCHOR, the lock files), skipping unreadable files
    rather than stopping the server."""
    def anchors(con: sqlite3.Connection):
        from close.cli.audit_cmd import lock_files_of
        from close.review.anchors import anchors_in, named_files
        from close.review.errors import UsageError
        from close.review.signoff import store_file

        store = store_file(con)
        found, sources = [], []
        for path in dict.fromkeys([*named_files(()), *lock_files_of(con, pack, workspace)]):
            try:
                these = anchors_in(path, store)
            except UsageError:
                continue
            if these:
                found += these
                sources.append(str(path))
        return found, sources
    return anchors


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
