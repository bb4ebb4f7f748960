"""`close run`: the month's close on a pack (the demo group when none is given)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from close.cli.auth import echo_mode
from close.cli.common import (EXIT_FAILED, EXIT_OK, fail, open_pack_or_fail, parse_month_or_fail,
                              print_json, resolve_pack)
from close.config import ConfigError, load_config, review_controllers
from close.engines import EngineError
from close.narrative.settings import load_settings as load_narrative_settings
from close.results import FINDINGS_PER_RESULT, read_results, status_counts
from close.review import ReviewError
from close.runner import UsageError, check_month_in_books
from close.workspace import workspace_for


def register(app: typer.Typer) -> None:
    app.command("run")(run)


def run(
    month: str = typer.Option(..., "--month", help="Month to close, YYYY-MM."),
    pack: Optional[Path] = typer.Option(None, "--pack", help="Ledger pack folder or .xlsx; default: the demo group."),
    entity: Optional[list[str]] = typer.Option(None, "--entity", help="Only this entity (repeatable)."),
    skills: Optional[list[str]] = typer.Option(None, "--skills", help="Only skills matching this glob, e.g. 'recon.*' (repeatable)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Output folder; default close-runs/<month>/."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help="Where the ledger database and review store live."),
    as_json: bool = typer.Option(False, "--json", help="Print results.json to stdout."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="'exceptions': exit 1 when any skill has findings."),
    model: Optional[str] = typer.Option(None, "--model", help="Claude model for the narrative (else close.toml, CLOSE_MODEL)."),
    batch: bool = typer.Option(False, "--batch", help="Draft the narrative through the Message Batches API."),
    reopen: bool = typer.Option(False, "--reopen", help="Re-run a signed-off month (needs --reason)."),
    reason: Optional[str] = typer.Option(None, "--reason", help="Why a signed-off month is reopened."),
    as_user: Optional[str] = typer.Option(None, "--as", help="Single-user mode only: who runs the close (else CLOSE_USER, else login). With users, the user of `close login`."),
    profile: bool = typer.Option(False, "--profile", help="Print each stage's and the slowest skills' wall time on stderr."),
    findings_per_result: int = typer.Option(FINDINGS_PER_RESULT, "--findings-per-result", min=1, help="Findings listed per skill result in results.json and the reports; all of them go to findings.csv."),
    per_entity: bool = typer.Option(False, "--per-entity", help="Also write workpapers-<entity>.xlsx, one workbook per entity."),
    engine: str = typer.Option("duckdb", "--engine", help="Where the skills' SQL runs: duckdb, or spark (pip install \"close[spark]\", Java 17+)."),
    spark_master: Optional[str] = typer.Option(None, "--spark-master", help="With --engine spark: the Spark master, e.g. local[*] (default local[2])."),
    spark_remote: Optional[str] = typer.Option(None, "--spark-remote", help="With --engine spark: a Spark Connect server, e.g. sc://host:15002."),
) -> None:
    """Run every skill for the month, draft the review, write results.json and the reports."""
    from close.registry import import_in_background

    import_in_background()   # while the pack is opened and hashed
    from close.pipeline import run_month

    period = parse_month_or_fail(month)
    if fail_on not in (None, "exceptions"):
        fail(f"--fail-on {fail_on!r}: the only choice is 'exceptions'")
    if reopen and not (reason and reason.strip()):
        fail("--reopen needs --reason \"...\": reopening a signed-off month is recorded")
    who = _runner(workspace_for(resolve_pack(pack), workspace), as_user)
    pack_path, con, info = open_pack_or_fail(pack, workspace)
    try:
        check_month_in_books(con, period, info.tables)
        config = load_config(pack_path)
        load_narrative_settings(config, model=model, batch=batch)  # bad [narrative] fails now
        controllers = review_controllers(config)
        lakehouse = _lakehouse_tables(config, info) if engine == "spark" else None
    except (ConfigError, UsageError) as exc:
        con.close()
        fail(str(exc))
    out_dir = out or Path("close-runs") / str(period)
    quiet = as_json or not sys.stderr.isatty()
    try:
        with _books(engine, con, info, workspace_for(pack_path, workspace), spark_master, spark_remote,
                    lakehouse) as books, \
                _progress(quiet) as progress:
            task = progress.add_task("closing", total=None) if progress else None

            def start(total):
                if progress:
                    progress.update(task, total=total)

            def tick(skill_id, entity_id):
                if progress:
                    progress.update(task, advance=1, description=f"{skill_id} {entity_id or 'group'}")

            outcome = run_month(
                con=con, pack=info, pack_path=pack_path, workspace=workspace_for(pack_path, workspace),
                month=period, config=config, out_dir=out_dir, user=who.name,
                entity_ids=entity, skill_patterns=skills, model=model, batch=batch,
                progress=tick, on_start=start, reopen_reason=reason if reopen else None,
                controllers=controllers, findings_limit=findings_per_result, per_entity=per_entity,
                books=books)
    except (UsageError, ConfigError, ReviewError, EngineError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"could not write the outputs to {out_dir}: {exc.strerror or exc}; the previous "
             f"outputs there are unchanged and nothing was queued", EXIT_FAILED)
    finally:
        con.close()

    results = outcome.outcome.results
    if profile:
        _print_profile(outcome)
    if as_json:
        print_json(outcome.doc)          # results.json as written: the mode goes to stderr
        echo_mode(who, err=True)
    else:
        _print_summary(outcome, out_dir)
        echo_mode(who)
    counts = status_counts(results)
    if counts["error"]:
        raise typer.Exit(EXIT_FAILED)
    if fail_on == "exceptions" and counts["exceptions"]:
        raise typer.Exit(EXIT_FAILED)
    raise typer.Exit(EXIT_OK)


def _books(engine: str, con, info, workspace: Path, spark_master, spark_remote, lakehouse=None):
    """The connection the skills query: the pack's DuckDB, or its tables in Spark."""
    from close.engines import connect

    return connect(engine, duck=con, pack=info, cache_dir=workspace / "spark",
                   spark_master=spark_master, spark_remote=spark_remote, lakehouse=lakehouse)


def _lakehouse_tables(config, info) -> dict:
    """close.toml [spark.tables] (close.engines.lakehouse), checked before Spark starts."""
    from close.engines.lakehouse import spark_tables

    return spark_tables(config, info.tables)


def _runner(workspace: Path, as_user: str | None):
    """Who runs the close: checked before any skill runs, so a user who may not run it
    (or is not logged in) is told at once, and the refusal is on record."""
    from close.cli.auth import acting
    from close.review.store import connect
    from close.review.users import check

    try:
        con = connect(workspace, create=False)
    except ReviewError as exc:
        fail(str(exc))
    try:
        who = acting(con, workspace, as_user)
        if not who.single_user:
            check(con, who.name, "run")
    except ReviewError as exc:
        fail(str(exc), exc.exit_code)
    finally:
        if con is not None:
            con.close()
    return who


def _print_profile(run, slowest: int = 10) -> None:
    """Wall time per stage and the slowest skills (summed over entities), on stderr so
    that --json output stays parseable. Times differ run to run: never in results.json."""
    err = Console(stderr=True)
    table = Table(title="Where the close spent its time (wall seconds)")
    table.add_column("stage or skill")
    table.add_column("seconds", justify="right")
    table.add_column("results", justify="right")
    for stage, secs in run.stages.items():
        table.add_row(stage, f"{secs:.2f}", "")
    for skill_id, secs, count in run.outcome.slowest(slowest):
        table.add_row(f"  {skill_id}", f"{secs:.2f}", str(count))
    err.print(table)


class _NoProgress:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _progress(quiet: bool):
    if quiet:
        return _NoProgress()
    return Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True), transient=True)


def _print_summary(run, out_dir: Path) -> None:
    from close.cli.safe_text import safe_markup
    from close.narrative.usage import usage_line

    console = Console(emoji=False)
    # results.json as written, read through the contract's reader, as the report reads it.
    doc = read_results(run.doc)
    table = Table(title=f"Close {safe_markup(str(doc.month))} — {safe_markup(doc.pack_name)}")
    for column in ("area", "pass", "exceptions", "skipped", "error"):
        table.add_column(column, justify="right" if column != "area" else "left")
    # Counted as the report's status by area counts them (close.results).
    for area, c in doc.area_status_counts().items():
        table.add_row(safe_markup(area), *(str(c[k]) for k in ("pass", "exceptions", "skipped", "error")))
    counts = doc.status_counts()
    table.add_row("total", *(str(counts[k]) for k in ("pass", "exceptions", "skipped", "error")), style="bold")
    console.print(table)
    for r in doc.results:
        if r.status == "error":
            console.print(f"[red]error[/red] {safe_markup(r.id)} {safe_markup(r.entity_id or 'group')}: "
                          f"{safe_markup(r.summary)}")
    cost = usage_line(doc.usage or None)
    if cost:
        console.print(safe_markup(cost), soft_wrap=True)
    for path in run.files:
        console.print(f"wrote {safe_markup(path)}")
