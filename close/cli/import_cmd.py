"""`close import saft|bank|gl`: a company's real books into a ledger pack.

Each command writes a pack `close validate` accepts, or exits 2 with every problem
located (file, line or XML path, value) and writes nothing. See close/importers.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

import typer

from close.cli.common import EXIT_USAGE, fail, print_json

import_app = typer.Typer(name="import", no_args_is_help=True, add_completion=False,
                         help="Import real books: SAF-T files, bank statements, ERP general-ledger exports.")

JSON = typer.Option(False, "--json", help="Print what was imported as JSON.")


def _refused(exc, as_json: bool) -> None:
    from close.cli.safe_text import safe_text

    if as_json:
        print_json({"imported": False, "problems": [p.to_dict() for p in exc.problems]})
    for problem in exc.problems[:100]:
        typer.echo(f"close: error: {safe_text(problem)}", err=True)
    if len(exc.problems) > 100:
        typer.echo(f"close: error: ... and {len(exc.problems) - 100} more", err=True)
    typer.echo("close: nothing was written", err=True)
    raise typer.Exit(EXIT_USAGE)


@import_app.command("saft")
def saft(
    file: Path = typer.Argument(..., help="SAF-T Financial XML file (Norway 1.10/1.30, Portugal 1.04, OECD 2.0)."),
    out: Path = typer.Option(..., "--out", help="Folder to write the ledger pack to (must not exist, unless --replace)."),
    map_file: Path = typer.Option(None, "--map", help="Account map (TOML); default: the one shipped for the file's country."),
    entity: str = typer.Option(None, "--entity", help="Entity id in the pack; default: country + registration number."),
    materiality: str = typer.Option(None, "--materiality", help="pack.toml materiality; default: 0.5% of the file's revenue."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing pack at --out."),
    no_schema: bool = typer.Option(False, "--no-schema-check", help="Skip validating a Norwegian file against its XSD."),
    as_json: bool = JSON,
) -> None:
    """A SAF-T Financial file to a new ledger pack, header totals checked."""
    from close.cli.safe_text import safe_text
    from close.importers import ImportRefused
    from close.importers.saft import import_saft

    amount = None
    if materiality is not None:
        try:
            amount = Decimal(materiality).quantize(Decimal("0.01"))
        except InvalidOperation:
            fail(f"--materiality {materiality!r} is not an amount (like 25000.00)")
    try:
        summary = import_saft(file, out, map_file, entity, amount, replace, not no_schema)
    except ImportRefused as exc:
        _refused(exc, as_json)
    if as_json:
        print_json({"imported": True, **summary.to_dict()})
    else:
        typer.echo(f"{safe_text(summary.name)} ({summary.layout} SAF-T, {summary.currency}, "
                   f"{summary.period_start} to {summary.period_end}) -> {out}")
        typer.echo(f"  entity {summary.entity_id}: {summary.accounts} accounts, {summary.customers} customers, "
                   f"{summary.vendors} suppliers, {summary.tax_codes} tax codes")
        typer.echo(f"  {summary.transactions} transactions, {summary.lines} lines: debits {summary.total_debit:,.2f} "
                   f"= credits {summary.total_credit:,.2f}, as the header states")
        typer.echo(f"  materiality {summary.materiality:,.2f} (pack.toml); account map {summary.map}")
    for warning in summary.warnings:
        typer.echo(f"close: note: {safe_text(warning)}", err=True)


@import_app.command("bank")
def bank(
    files: list[Path] = typer.Argument(..., help="Statement files: camt.053, MT940 or OFX (detected from the content)."),
    pack: Path = typer.Option(..., "--pack", help="The folder pack to add the bank transactions to."),
    bank_account: str = typer.Option(..., "--bank-account", help="The pack's bank_account_id (created if new)."),
    gl_account: str = typer.Option(None, "--gl-account", help="GL cash account of a new bank account; default: the chart's only cash account."),
    entity: str = typer.Option(None, "--entity", help="Entity of a new bank account; default: the pack's only entity."),
    account_number: str = typer.Option(None, "--account-number", help="Import only the statements of this account (IBAN or number)."),
    as_json: bool = JSON,
) -> None:
    """Bank statements into a pack: each statement must tie; lines already there are skipped."""
    from close.cli.safe_text import safe_text
    from close.importers import ImportRefused
    from close.importers.bank import import_bank

    try:
        summary = import_bank(files, pack, bank_account, gl_account, entity, account_number)
    except ImportRefused as exc:
        _refused(exc, as_json)
    if as_json:
        print_json({"imported": True, **summary.to_dict()})
        return
    for s in summary.statements:
        typer.echo(f"{safe_text(s['file'])}: {s['format']} statement {safe_text(s['statement'])}: {s['lines']} lines, "
                   f"{s['added']} new; {s['tie']}")
    typer.echo(f"bank account {safe_text(bank_account)}{' (new)' if summary.created else ''}: {summary.added} "
               f"transactions added, {summary.already_present} already in {pack}")


@import_app.command("gl")
def gl(
    file: Path = typer.Argument(..., help="General-ledger CSV export."),
    map_file: Path = typer.Option(..., "--map", help="Map (TOML), or a shipped one by name: quickbooks-online-journal, xero-general-ledger."),
    out: Path = typer.Option(..., "--out", help="Folder to write the ledger pack to (must not exist, unless --replace)."),
    chart: Path = typer.Option(None, "--chart", help="Account list exported beside the GL, for account types (QuickBooks)."),
    replace: bool = typer.Option(False, "--replace", help="Replace an existing pack at --out."),
    as_json: bool = JSON,
) -> None:
    """An ERP general-ledger export to a new ledger pack, read as the map says."""
    from close.importers import ImportRefused
    from close.importers.gl import import_gl

    try:
        summary = import_gl(file, map_file, out, chart, replace)
    except ImportRefused as exc:
        _refused(exc, as_json)
    if as_json:
        print_json({"imported": True, **summary})
    else:
        typer.echo(f"{file.name} -> {out}: {summary['entries']} entries, {summary['lines']} lines, "
                   f"{summary['accounts']} accounts; debits {summary['total_debit']}, credits {summary['total_credit']}")


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
