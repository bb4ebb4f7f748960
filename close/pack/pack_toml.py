"""pack.toml: the pack's name, reporting currency, fiscal year and materiality.

A folder pack keeps these in `pack.toml`; a workbook pack keeps them in a sheet named
`pack` with key/value rows (header `key`, `value`), so one .xlsx file is a whole pack.
Values are checked as strictly as table cells: materiality is money, so a TOML float
(`25000.0`) is refused, like a float in a CSV.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from .codes import currency_codes
from .problems import PackError, Problem
from .sources import PACK_SHEET, PackSources, entry_problem, locate

MONEY_RE = re.compile(r"-?[0-9]{1,16}(\.[0-9]{1,2})?")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # checks.CONTROL_CHARS: the name heads reports
DEFAULT_FISCAL_YEAR_START_MONTH = 1


@dataclass(frozen=True)
class PackSettings:
    name: str
    reporting_currency: str
    fiscal_year_start_month: int
    materiality: Decimal


def read_pack_toml(pack_path) -> PackSettings:
    """The pack's settings, or PackError listing every problem with them."""
    settings, problems = check_settings(locate(pack_path))
    if problems:
        raise PackError(problems)
    return settings


def check_settings(sources: PackSources) -> tuple[PackSettings | None, list[Problem]]:
    if sources.kind == "xlsx":
        label = f"{sources.path.name}[{PACK_SHEET}]"
        raw, lines, problems = _read_sheet(sources.path, label)
    else:
        label = "pack.toml"
        raw, lines, problems = _read_toml(sources.path / "pack.toml")
    if problems:
        return None, problems
    return _settings(raw, lines, label)


def _read_toml(path: Path):
    if not os.path.lexists(path):
        return {}, {}, [Problem("pack.toml", None, None, None, "is missing: a pack needs its name and reporting currency")]
    problem = entry_problem(path, path.parent)
    if problem is not None:
        return {}, {}, [Problem("pack.toml", None, None, None, problem)]
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"at line (\d+)", str(exc))
        return {}, {}, [Problem("pack.toml", int(m.group(1)) if m else None, None, None,
                                f"is not valid TOML ({exc})")]
    lines = {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = re.match(r"\s*([A-Za-z0-9_]+)\s*=", line)
        if m and m.group(1) not in lines:
            lines[m.group(1)] = number
    return raw, lines, []


def _read_sheet(path: Path, label: str):
    """key/value rows of the `pack` sheet; numbers follow the same rule as table cells."""
    from openpyxl import load_workbook

    from .xlsx_cells import cell_text

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        if PACK_SHEET not in wb.sheetnames:
            return {}, {}, [Problem(label, None, None, None, "is missing: a workbook pack keeps its settings there")]
        raw, lines = {}, {}
        for number, row in enumerate(wb[PACK_SHEET].iter_rows(min_row=1, values_only=True), start=1):
            if number == 1 or not row or row[0] is None:
                continue
            key = str(row[0]).strip()
            value = row[1] if len(row) > 1 else None
            if key == "fiscal_year_start_month" and isinstance(value, (int, float)) and not isinstance(value, bool):
                raw[key] = value if isinstance(value, int) else cell_text(value, "int")
            elif value is not None:
                raw[key] = cell_text(value, "text")
            lines[key] = number
        return raw, lines, []
    finally:
        wb.close()


def _settings(raw: dict, lines: dict, label: str) -> tuple[PackSettings | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(key, value, message):
        shown = None if value is None else str(value)
        problems.append(Problem(label, lines.get(key), key, shown, message))

    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        bad("name", None if name is None else name, "is missing: give the pack a name" if name is None
            else "must be a non-blank string")
    elif m := CONTROL_RE.search(name):
        bad("name", name, f"contains a control character (U+{ord(m.group()):04X}); remove it")
    currency = raw.get("reporting_currency")
    if currency is None:
        bad("reporting_currency", None, "is missing: give the ISO 4217 currency the group reports in")
    elif not isinstance(currency, str) or currency not in currency_codes():
        bad("reporting_currency", currency, "is not an ISO 4217 currency code (like USD, EUR, GBP)")
    fy = raw.get("fiscal_year_start_month", DEFAULT_FISCAL_YEAR_START_MONTH)
    if isinstance(fy, str) and re.fullmatch(r"[0-9]{1,2}", fy):
        fy = int(fy)
    if isinstance(fy, bool) or not isinstance(fy, int) or not 1 <= fy <= 12:
        bad("fiscal_year_start_month", fy, "is not a month number from 1 to 12")
    materiality = raw.get("materiality")
    if materiality is None:
        bad("materiality", None, "is missing: give the default finding threshold, like \"25000.00\"")
    elif isinstance(materiality, bool) or isinstance(materiality, float) or not (
        isinstance(materiality, int) or (isinstance(materiality, str) and MONEY_RE.fullmatch(materiality))
    ):
        bad("materiality", materiality, "is not an exact decimal amount (write it as a string, like \"25000.00\")")
    elif Decimal(str(materiality)) < 0:
        bad("materiality", materiality, "is negative (must be zero or more)")
    if problems:
        return None, problems
    return PackSettings(name, currency, fy, Decimal(str(materiality)).quantize(Decimal("0.01"))), []
