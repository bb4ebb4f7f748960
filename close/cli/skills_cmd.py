"""`close skills list|show|run`: the registry, for people and for Claude Code."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from close.agent import LIMITS, skill_run_answer
from close.cli.common import (CURSOR, EXIT_FAILED, answer_or_fail, fail, limit_option, open_pack_or_fail,
                              parse_month_or_fail, parse_params_or_fail, print_json)
from close.config import ConfigError, load_config
from close.registry import Registry, describe
from close.runner import UsageError, check_month_in_books, run_close

skills_app = typer.Typer(help="List, describe and run single skills.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(skills_app, name="skills")


@skills_app.command("list")
def list_skills(
    area: Optional[str] = typer.Option(None, "--area", help="Only this area: je, recon, tax, stmt, flux, close."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List every registered skill."""
    skills = Registry.discover().all()
    if area:
        skills = [s for s in skills if s.area == area]
        if not skills:
            fail(f"no skills in area {area!r}")
    if as_json:
        print_json([{"id": s.id, "area": s.area, "title": s.title, "group": s.group} for s in skills])
        return
    _print_skills(skills)


def _print_skills(skills) -> None:
    """id and title; the tables each needs too when the terminal has room for them."""
    from close.cli.tables import Column, console, fitted_table

    columns = [Column("id"), Column("title", "text"), Column("needs", "text", optional=True)]
    rows = [{"id": s.id, "title": s.title, "needs": ", ".join(s.needs)} for s in skills]
    console().print(fitted_table(f"{len(skills)} skills", columns, rows))


@skills_app.command("show")
def show(skill_id: str = typer.Argument(..., help="Skill id, e.g. recon.bank."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Describe one skill: what it does, what it needs, its parameters."""
    registry = Registry.discover()
    if skill_id not in registry:
        fail(f"unknown skill {skill_id!r}; `close skills list` shows the ids")
    info = describe(registry.get(skill_id))
    if as_json:
        print_json(info)
        return
    console = Console()
    console.print(f"[bold]{info['id']}[/bold] — {info['title']}")
    console.print(info["description"])
    console.print(f"needs: {', '.join(info['needs']) or 'nothing'}")
    console.print(f"needs the results of: {', '.join(info['depends']) or 'nothing'}")
    if info["uses"]:
        console.print(f"reads, when they ran: {', '.join(info['uses'])}")
    console.print("runs once for the group" if info["group"] else "runs per entity")
    for name, p in info["params"].items():
        console.print(f"  --param {name}=<{p['type']}>  default {p['default']}  {p['help']}")


@skills_app.command("run")
def run_one(
    skill_id: str = typer.Argument(..., help="Skill id, e.g. recon.bank."),
    month: str = typer.Option(..., "--month", help="Month, YYYY-MM."),
    entity: Optional[list[str]] = typer.Option(None, "--entity", help="Only this entity (repeatable)."),
    param: Optional[list[str]] = typer.Option(None, "--param", help="name=value (repeatable)."),
    pack: Optional[Path] = typer.Option(None, "--pack", help="Ledger pack; default: the demo group."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help="Where the ledger database lives."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: the results per entity, a page at a time."),
    limit: Optional[int] = limit_option("results (one per entity)", LIMITS["run_skill"]),
    cursor: Optional[str] = CURSOR,
) -> None:
    """Run one skill (and what it depends on) and print its results."""
    period = parse_month_or_fail(month)
    registry = Registry.discover()
    if skill_id not in registry:
        fail(f"unknown skill {skill_id!r}; `close skills list` shows the ids")
    overrides = parse_params_or_fail(param)
    pack_path, con, info = open_pack_or_fail(pack, workspace)
    try:
        check_month_in_books(con, period, info.tables)
        config = load_config(pack_path)
        outcome = run_close(con, info, period, registry=registry, entity_ids=entity,
                            skill_patterns=[skill_id], config=config,
                            param_overrides={skill_id: overrides})
    except (UsageError, ConfigError) as exc:
        fail(str(exc))
    finally:
        con.close()
    results = [r for r in outcome.results if r.skill_id == skill_id]
    if as_json:
        print_json(answer_or_fail(skill_run_answer, outcome, skill_id, str(period), info, entities=entity,
                                  params=overrides, limit=limit or LIMITS["run_skill"], cursor=cursor))
    else:
        _print_results(results)
    if any(r.status == "error" for r in results):
        raise typer.Exit(EXIT_FAILED)


def _print_results(results) -> None:
    console = Console()
    for r in results:
        console.print(f"[bold]{r.skill_id}[/bold] {r.entity_id or 'group'}: {r.status} — {r.summary}")
        for f in r.findings:
            amount = format(f.amount, "f") if f.amount is not None else ""
            console.print(f"  {f.severity:<6} {amount:>14}  {f.message}  [{', '.join(f.refs)}]")


@skills_app.command("export-claude")
def export_claude_cmd(
    directory: Path = typer.Argument(..., help="Plugin folder to write, e.g. claude-plugins/close."),
    pack: Optional[str] = typer.Option(None, "--pack", help="Pack the bundled MCP server serves (written into .mcp.json as given, relative to where Claude Code starts); default: the demo group."),
    skill_only: bool = typer.Option(False, "--skill-only", help="Write only the skill folder (SKILL.md, references/), e.g. into .claude/skills/close."),
) -> None:
    """Write a Claude Code plugin (manifest, .mcp.json, the skill, slash commands) from the registry."""
    from close.claude_export import ExportError, export_claude

    try:
        written = export_claude(directory, pack=pack, skill_only=skill_only)
    except ExportError as exc:
        fail(str(exc))
    for path in written:
        typer.echo(f"wrote {path}")
