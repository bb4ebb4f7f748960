"""Shared pieces of the command line: clear one-line errors, pack resolution, output."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int = EXIT_USAGE) -> "typer.Exit":
    """Print `close: error: ...` on stderr and stop with `code` (2 = usage or bad pack).
    Messages often quote pack text (a ref, a name): controls are shown escaped and the
    message kept to one line."""
    from close.cli.safe_text import safe_text

    typer.echo(f"close: error: {safe_text(' '.join(str(message).splitlines()))}", err=True)
    raise typer.Exit(code)


def resolve_pack(pack: Path | None) -> Path:
    """The pack the user named, or the demo group shipped with close."""
    if pack is None:
        from fixtures.demo import demo_pack_path

        return demo_pack_path()
    if not pack.exists():
        fail(f"pack {pack} does not exist")
    return pack


def open_pack_or_fail(pack: Path | None, workspace: Path | None = None):
    """Load (or reuse) the pack's DuckDB database in the pack's workspace (`--workspace`,
    else CLOSE_WORKSPACE, else beside the pack: the same folder as its review store); a
    bad pack is exit 2 with its problems."""
    from close.pack import PackError, open_pack
    from close.workspace import workspace_for

    path = resolve_pack(pack)
    try:
        con, info = open_pack(path, workspace_for(path, workspace))
    except PackError as exc:
        problems = list(exc.problems)
        from close.cli.safe_text import safe_text

        for problem in problems[:50]:
            typer.echo(f"close: error: {safe_text(problem)}", err=True)
        if len(problems) > 50:
            typer.echo(f"close: error: ... and {len(problems) - 50} more; `close validate --pack {path}` lists all", err=True)
        raise typer.Exit(EXIT_USAGE)
    return path, con, info


def print_json(doc) -> None:
    """--json output: compact (no indentation), as an agent reads it best; pipe it through
    `python -m json.tool` or jq to read it by eye."""
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")


def answer_or_fail(make, *args, **kwargs):
    """An answer from close.agent, or exit 2 for a cursor it did not give out."""
    from close.agent import BadCursor

    try:
        return make(*args, **kwargs)
    except BadCursor as exc:
        fail(str(exc))


def limit_option(what: str, default: int):
    return typer.Option(None, "--limit", min=1, max=1000,
                        help=f"With --json: most {what} per answer (default {default}; fewer when the "
                             f"answer budget is reached first).")


CURSOR = typer.Option(None, "--cursor", help="With --json: next_cursor of the previous answer, for the next page.")


def parse_month_or_fail(text: str):
    from close.periods import BadMonth, parse_month

    try:
        return parse_month(text)
    except BadMonth as exc:
        fail(str(exc))


def parse_params_or_fail(items: list[str] | None) -> dict[str, str]:
    params = {}
    for item in items or []:
        if "=" not in item:
            fail(f"--param {item!r} must look like name=value")
        name, value = item.split("=", 1)
        params[name.strip()] = value.strip()
    return params
