"""`close check`: the month's close, read-only, sized for an agent.

Runs every skill (or those named) on the books exactly as `close run` does, then prints
the close in brief: status and severity counts, and each result that did not pass in
one line. Nothing else happens: no results.json or report is written, nothing is queued
for review, the Claude API is not called, and a signed-off month may be checked. It is
the first thing an agent should run (the exported SKILL.md says so); MCP `run_close`
answers the same JSON. `--detail full` pages through the results themselves.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from close.agent import LIMITS, check_answer
from close.cli.common import (CURSOR, EXIT_FAILED, answer_or_fail, fail, open_pack_or_fail,
                              parse_month_or_fail, print_json)
from close.config import ConfigError, load_config
from close.runner import UsageError, check_month_in_books, run_close


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    month: str = typer.Option(..., "--month", help="Month to check, YYYY-MM."),
    pack: Optional[Path] = typer.Option(None, "--pack", help="Ledger pack folder or .xlsx; default: the demo group."),
    entity: Optional[list[str]] = typer.Option(None, "--entity", help="Only this entity (repeatable)."),
    skills: Optional[list[str]] = typer.Option(None, "--skills", help="Only skills matching this glob, e.g. 'recon.*' (repeatable)."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help="Where the ledger database lives."),
    detail: str = typer.Option("summary", "--detail", help="summary (counts and what did not pass) or full (the results, by pages)."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, max=1000,
                                        help=f"With --json: most results per answer (default {LIMITS['summary']} "
                                             f"for summary, {LIMITS['full']} for full)."),
    cursor: Optional[str] = CURSOR,
    as_json: bool = typer.Option(False, "--json", help="Print JSON (compact, within the answer budget)."),
) -> None:
    """Run the month's skills read-only and print the close in brief: no reports, no review queue, no API."""
    period = parse_month_or_fail(month)
    if detail not in ("summary", "full"):
        fail(f"--detail {detail!r}: choose summary or full")
    pack_path, con, info = open_pack_or_fail(pack, workspace)
    try:
        check_month_in_books(con, period, info.tables)
        outcome = run_close(con, info, period, entity_ids=entity, skill_patterns=skills,
                            config=load_config(pack_path))
    except (UsageError, ConfigError) as exc:
        fail(str(exc))
    finally:
        con.close()
    answer = answer_or_fail(check_answer, outcome, detail=detail, skills=skills,
                            limit=limit or LIMITS[detail], cursor=cursor)
    if as_json:
        print_json(answer)
    else:
        _print(answer)
    if answer["status_counts"]["error"]:
        raise typer.Exit(EXIT_FAILED)


def _print(answer: dict) -> None:
    from close.cli.safe_text import safe_markup
    from close.cli.tables import Column, console as new_console, fitted_table

    console = new_console()
    counts, findings = answer["status_counts"], answer["findings"]
    console.print(f"Check {safe_markup(answer['month'])} — {safe_markup(answer['pack']['name'])}: "
                  + ", ".join(f"{n} {status}" for status, n in counts.items())
                  + f"; {findings['total']} findings ({findings['high']} high, {findings['medium']} medium, "
                    f"{findings['low']} low). Nothing written, queued or sent.")
    if answer["detail"] != "summary" or not answer["skills"]:
        return
    columns = [Column("skill"), Column("entity"), Column("status"), Column("findings", "amount"),
               Column("summary", "text")]
    table = fitted_table(None, columns, [
        {"skill": row["id"], "entity": row["entity_id"] or "group", "status": row["status"],
         "findings": str(row["findings"]), "summary": row["summary"]} for row in answer["skills"]])
    console.print(table)
    if answer.get("next_cursor"):
        console.print(f"{answer['shown']} of {answer['total']} shown; --json --cursor {answer['next_cursor']} "
                      f"for the next page", soft_wrap=True)
