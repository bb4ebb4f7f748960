"""Write an imported pack all at once, or not at all.

An importer builds the pack's tables in memory, then `write_pack` writes them into a
temporary folder beside the destination, runs the same checks as `close validate` on
that folder, and renames it into place only when there is no problem. `update_pack`
does the same for an existing pack (the bank importer adds to one): the unchanged files
are linked into the temporary folder, the changed ones written there, the whole checked,
and only then the changed files renamed over the originals. A refused or interrupted
import leaves the destination exactly as it was.
"""
from __future__ import annotations

import csv
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from close.pack.schema import TABLES_BY_NAME

from .problems import ImportProblem, ImportRefused


@dataclass
class Table:
    """Rows for one pack file: the contract's columns first, then any extra columns the
    importer keeps for people (the loader ignores them)."""

    name: str
    rows: list[dict]
    extra: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()  # optional contract columns to write even if all blank

    @property
    def columns(self) -> list[str]:
        spec = TABLES_BY_NAME[self.name]
        used = {k for row in self.rows for k, v in row.items() if v not in (None, "")}
        cols = [c.name for c in spec.columns
                if not c.optional_column or c.name in used or c.name in self.optional]
        return cols + [c for c in self.extra if c not in cols]


@dataclass
class PackToml:
    name: str
    reporting_currency: str
    materiality: Decimal
    fiscal_year_start_month: int = 1
    comment: str = ""

    def text(self) -> str:
        lines = [f"# {line}" for line in self.comment.splitlines()] if self.comment else []
        lines += [f"name = {toml_string(self.name)}",
                  f"reporting_currency = {toml_string(self.reporting_currency)}",
                  f"fiscal_year_start_month = {self.fiscal_year_start_month}",
                  f"materiality = {toml_string(format(self.materiality, 'f'))}"]
        return "\n".join(lines) + "\n"


def toml_string(text: str) -> str:
    """A TOML basic string: backslash, quote and control characters escaped."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def cell(value) -> str:
    """A value as the pack writes it: exact decimals, ISO dates, true/false, blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        raise TypeError("an importer must not produce a float; use Decimal")
    if isinstance(value, Decimal):
        text = format(value, "f")
        return "0" if text in ("-0", "-0.00") else text
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def write_csv(path: Path, table: Table) -> None:
    columns = table.columns
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in table.rows:
            writer.writerow([cell(row.get(c)) for c in columns])


def _check(folder: Path, source: str) -> None:
    from close.pack import validate_pack

    problems = validate_pack(folder)
    if problems:
        raise ImportRefused([
            ImportProblem(source, f"the pack it makes would not load: {p}") for p in problems[:50]
        ] + ([ImportProblem(source, f"... and {len(problems) - 50} more pack problems")] if len(problems) > 50 else []))


def _staging(dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.parent / f".{dest.name}.importing-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    return tmp


def write_pack(out, settings: PackToml, tables: list[Table], source: str, replace: bool = False) -> Path:
    """Write a new pack at `out` (refused if it exists, unless `replace`)."""
    out = Path(out)
    if out.exists() and not replace and (not out.is_dir() or any(out.iterdir())):
        raise ImportRefused([ImportProblem(str(out), "already exists: choose another --out, or pass --replace")])
    tmp = _staging(out)
    try:
        (tmp / "pack.toml").write_text(settings.text(), encoding="utf-8")
        for table in tables:
            write_csv(tmp / f"{table.name}.csv", table)
        _check(tmp, source)
        if out.exists():
            old = out.parent / f".{out.name}.replaced-{os.getpid()}"
            os.rename(out, old)
            os.rename(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out


def update_pack(pack, tables: list[Table], source: str) -> None:
    """Replace (or add) some tables of an existing folder pack, checked as a whole first.
    The files are renamed into place in the order given, so list the referenced table
    (bank_accounts) before the one that refers to it (bank_transactions)."""
    from close.pack.sources import locate

    pack = Path(pack)
    sources = locate(pack)
    if sources.kind != "folder":
        raise ImportRefused([ImportProblem(str(pack), "is a workbook pack: import into a folder pack (CSV files)")])
    for table in tables:
        existing = sources.tables.get(table.name)
        if existing is not None and existing.fmt != "csv":
            raise ImportRefused([ImportProblem(str(existing.path), "is not a CSV file: the importer adds rows to CSV tables only")])
    tmp = _staging(pack)
    try:
        for file in sources.content_files:
            try:
                os.link(file, tmp / file.name)
            except OSError:
                shutil.copy2(file, tmp / file.name)
        for table in tables:
            target = tmp / f"{table.name}.csv"
            if target.exists():
                target.unlink()  # a link to the original: never write through it
            write_csv(target, table)
        _check(tmp, source)
        for table in tables:
            os.replace(tmp / f"{table.name}.csv", pack / f"{table.name}.csv")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
