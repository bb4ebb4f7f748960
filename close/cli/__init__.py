"""The `close` command line: one Typer app, one module per command group.

Every command that prints data takes `--json`. Usage errors (bad month, unknown skill or
entity, bad pack) print one line to stderr and exit 2; a skill that errored makes
`close run` exit 1; findings are results, not failures.
"""
from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="close",
    help="Month-end close for finance teams: reconciliations, tax checks, journal-entry "
         "tests, statements and the Monthly Financial Review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module exposes register(app). Listing them here keeps start-up explicit.
COMMAND_MODULES = ("run_cmd", "report_cmd", "check_cmd", "skills_cmd", "validate_cmd", "ref_cmd", "review_cmd", "audit_cmd",
                   "users_cmd", "serve_cmd", "mcp_cmd", "import_cmd")

for _name in COMMAND_MODULES:
    importlib.import_module(f"close.cli.{_name}").register(app)


def main() -> None:
    app()
