"""The same pack in the other formats: Parquet files and an .xlsx workbook.

Used to prove that every format loads to identical tables. Parquet comes in two
flavours (typed columns written by DuckDB from the loaded tables, and all-text
columns); the workbook stores numbers as numeric cells, dates as date cells and
booleans as boolean cells, as a spreadsheet user would type them.
"""
from __future__ import annotations

import csv
import datetime as dt
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path

import duckdb
from openpyxl import Workbook

from close.pack import load_pack
from close.pack.schema import TABLES_BY_NAME


def csv_tables(pack: Path) -> list[Path]:
    return sorted(p for p in pack.glob("*.csv") if p.stem in TABLES_BY_NAME)


def to_parquet(pack: Path, dest: Path, typed: bool = True, only: tuple[str, ...] | None = None) -> Path:
    """A copy of `pack` with tables as .parquet (all of them, or those in `only`)."""
    shutil.copytree(pack, dest, ignore=shutil.ignore_patterns(".close"))
    db = dest.parent / f"{dest.name}-source.duckdb"
    if typed:
        load_pack(pack, db)
    con = duckdb.connect(str(db) if typed else ":memory:")
    try:
        for file in csv_tables(pack):
            if only and file.stem not in only:
                continue
            target = dest / f"{file.stem}.parquet"
            if typed:
                con.execute(f'COPY (SELECT * FROM "{file.stem}") TO \'{target}\' (FORMAT parquet)')
            else:
                con.execute(f"COPY (SELECT * FROM read_csv('{file}', all_varchar = true, header = true)) "
                            f"TO '{target}' (FORMAT parquet)")
            (dest / file.name).unlink()
    finally:
        con.close()
    return dest


def to_xlsx(pack: Path, dest: Path, numeric: bool = True) -> Path:
    """The pack as one workbook: a `pack` sheet of key/value rows and one sheet per table."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "pack"
    sheet.append(["key", "value"])
    for key, value in tomllib.loads((pack / "pack.toml").read_text()).items():
        sheet.append([key, value])
    for file in csv_tables(pack):
        spec = TABLES_BY_NAME[file.stem]
        kinds = {c.name: c.kind for c in spec.columns}
        ws = wb.create_sheet(file.stem)
        with open(file, newline="") as fh:
            rows = list(csv.reader(fh))
        ws.append(rows[0])
        for row in rows[1:]:
            ws.append([_cell(v, kinds.get(name), numeric) for name, v in zip(rows[0], row)])
    wb.save(dest)
    return dest


def _cell(text: str, kind: str | None, numeric: bool):
    if text == "":
        return None
    if not numeric:
        return text
    if kind in ("money", "rate", "pct"):
        return Decimal(text)
    if kind == "int":
        return int(text)
    if kind == "bool":
        return text == "true"
    if kind == "date":
        return dt.date.fromisoformat(text)
    return text
