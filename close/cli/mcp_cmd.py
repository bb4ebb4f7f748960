"""`close mcp`: serve the skills to Claude Code (or any MCP client) over stdio.

The server reads the books and the review queue and never writes either; see
close/mcp/server.py for the tools. stdout carries the protocol, so nothing else may
print there: messages go to stderr.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from close.cli.common import fail, resolve_pack


def register(app: typer.Typer) -> None:
    app.command("mcp")(mcp)


def mcp(
    pack: Optional[Path] = typer.Option(None, "--pack", help="Ledger pack folder or .xlsx; default: the demo group."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help="Where the ledger database and review store live."),
) -> None:
    """Serve the skills over the Model Context Protocol (stdio), reading only."""
    from close.mcp import serve_stdio

    from close.pack import NotAPack
    from close.pack.sources import locate

    if pack is not None:  # a path that is no pack is exit 2 now, not a tool error later
        try:
            locate(resolve_pack(pack))
        except NotAPack as exc:
            fail(str(exc))
    serve_stdio(pack, workspace)
