"""Other habits, same books: transformations of a clean ledger pack that keep it equally
correct under LEDGER-PACK.md but change one habit of the system that wrote it.

Each transformation reads the CSV files of a pack with the csv module and writes a new
pack folder (pack.toml copied; files it leaves alone are hard-linked, not copied). The
books stay the same books: the same entries, balances, documents and schedules, so a
correct close reports exactly what it reported before (on clean books: nothing).

- `strip_doc_ref`: no doc_ref on any line that is not on an AR/AP control account
  (subtype receivable or payable); LEDGER-PACK.md makes it optional everywhere else.
- `drop_doc_ref`: no doc_ref column at all.
- `remove(*tables)`: optional files absent. A column that must refer to a removed table
  would make the pack structurally invalid (`close validate`), so `removal_plan` follows
  the contract's references: a table whose *required* column refers only to removed
  tables goes too; an *optional* column that refers only to removed tables is blanked;
  a column that may refer to several tables (journal_lines.counterparty: customer,
  vendor or entity) is blanked only where its value is a key of a removed table.
- `rename_accounts`: every account id mapped to `GL-nnnn` in a scrambled order (no
  numeric ranges, no integer ids, no order shared with the old chart).
- `rename_entities`: every entity id mapped to a name-like id (US01 -> AMER), in every
  entity column, counterparty, intercompany agreements, and where journal descriptions
  and bank lines quote it (PR-US01-2026-05 -> PR-AMER-2026-05).
- `rename_documents`: invoice, receipt, bill and payment ids mapped to plain numbers in a
  scrambled order (10000001..., 20000001..., 30000001..., 40000001...), in their tables,
  in doc_ref, and wherever a journal description or a bank line quotes them.
- `reverse_rows`: the data rows of every file in reverse order.
- `short_decimals`: every money, rate and percentage written in its shortest decimal
  form ("1250.50" -> "1250.5", "100.00" -> "100", "0.0725" stays).
"""
from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from close.pack.schema import TABLES, TABLES_BY_NAME

Rows = list[list[str]]
# A table transformation: (table name, header, rows) -> (header, rows), or None to drop the file.
TableFn = Callable[[str, list[str], Rows], "tuple[list[str], Rows] | None"]

NUMERIC_KINDS = ("money", "rate", "pct")


def read_csv(path: Path) -> tuple[list[str], Rows]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, list(reader)


def write_csv(path: Path, header: list[str], rows: Rows) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def pack_tables(pack: Path) -> list[str]:
    return sorted(p.stem for p in pack.glob("*.csv") if p.stem in TABLES_BY_NAME)


def rewrite_pack(src: Path, dst: Path, fn: TableFn, only: set[str] | None = None) -> None:
    """dst = src with each CSV table passed through fn (all tables, or just `only`;
    the others are hard-linked)."""
    dst.mkdir(parents=True)
    shutil.copyfile(src / "pack.toml", dst / "pack.toml")
    for name in pack_tables(src):
        if only is not None and name not in only:
            _link(src / f"{name}.csv", dst / f"{name}.csv")
            continue
        header, rows = read_csv(src / f"{name}.csv")
        out = fn(name, header, rows)
        if out is not None:
            write_csv(dst / f"{name}.csv", *out)


def _link(a: Path, b: Path) -> None:
    try:
        os.link(a, b)
    except OSError:
        shutil.copyfile(a, b)


def _keys(pack: Path, table: str) -> list[str]:
    header, rows = read_csv(pack / f"{table}.csv")
    i = header.index(TABLES_BY_NAME[table].key[0])
    return [r[i] for r in rows]


def _scrambled(ids: list[str], salt: str) -> list[str]:
    """ids in an order unrelated to their own (sha256), deterministic."""
    return sorted(ids, key=lambda x: hashlib.sha256(f"{salt}:{x}".encode()).hexdigest())


def _map_columns(rows: Rows, header: list[str], columns, mapping: dict[str, str]) -> None:
    for col in columns:
        if col not in header:
            continue
        i = header.index(col)
        for r in rows:
            if r[i] in mapping:
                r[i] = mapping[r[i]]


def _sub_columns(rows: Rows, header: list[str], columns, pattern: re.Pattern, mapping: dict[str, str]) -> None:
    repl = lambda m: mapping.get(m.group(0), m.group(0))  # noqa: E731
    for col in columns:
        if col not in header:
            continue
        i = header.index(col)
        for r in rows:
            if r[i]:
                r[i] = pattern.sub(repl, r[i])


# Free-text columns where a system quotes ids (descriptions, bank references, doc_ref).
TEXT_COLUMNS = {
    "journal_lines": ("description", "doc_ref"),
    "bank_transactions": ("description", "reference"),
}


# ---------------------------------------------------------------------------------------
# 1-2: doc_ref

def strip_doc_ref(src: Path, dst: Path) -> None:
    header, rows = read_csv(src / "accounts.csv")
    sub = header.index("subtype")
    control = {r[0] for r in rows if r[sub] in ("receivable", "payable")}

    def fn(name, header, rows):
        if "doc_ref" in header:
            a, d = header.index("account_id"), header.index("doc_ref")
            for r in rows:
                if r[a] not in control:
                    r[d] = ""
        return header, rows

    rewrite_pack(src, dst, fn, only={"journal_lines"})


def drop_doc_ref(src: Path, dst: Path) -> None:
    def fn(name, header, rows):
        if "doc_ref" not in header:
            return header, rows
        d = header.index("doc_ref")
        return header[:d] + header[d + 1:], [r[:d] + r[d + 1:] for r in rows]

    rewrite_pack(src, dst, fn, only={"journal_lines"})


# ---------------------------------------------------------------------------------------
# 3: optional files absent

@dataclass
class RemovalPlan:
    removed: set[str]
    blanked: list[str] = field(default_factory=list)          # "table.column"
    blanked_where: list[str] = field(default_factory=list)    # "table.column (values of removed table)"


def removal_plan(present: set[str], asked: set[str]) -> RemovalPlan:
    """Which tables must go with `asked`, and which columns are blanked, so that the pack
    stays structurally valid under the contract's references (see the module docstring)."""
    removed = set(asked) & present
    changed = True
    while changed:
        changed = False
        for t in TABLES:
            if t.name not in present or t.name in removed:
                continue
            for col in t.columns:
                if col.ref and col.required and all(r in removed or r not in present for r in col.ref) \
                        and any(r in removed for r in col.ref):
                    removed.add(t.name)
                    changed = True
                    break
    plan = RemovalPlan(removed)
    for t in TABLES:
        if t.name not in present or t.name in removed:
            continue
        for col in t.columns:
            if not col.ref or not any(r in removed for r in col.ref):
                continue
            if all(r in removed or r not in present for r in col.ref):
                plan.blanked.append(f"{t.name}.{col.name}")
            else:
                plan.blanked_where.append(f"{t.name}.{col.name}")
    return plan


def remove(src: Path, dst: Path, tables: set[str]) -> RemovalPlan:
    present = set(pack_tables(src))
    plan = removal_plan(present, tables)
    removed_keys: set[str] = set()
    for name in plan.removed:
        removed_keys.update(_keys(src, name))
    touched = {c.split(".")[0] for c in plan.blanked + plan.blanked_where}

    def fn(name, header, rows):
        if name in plan.removed:
            return None
        for tc in plan.blanked:
            t, c = tc.split(".")
            if t == name and c in header:
                i = header.index(c)
                for r in rows:
                    r[i] = ""
        for tc in plan.blanked_where:
            t, c = tc.split(".")
            if t == name and c in header:
                i = header.index(c)
                for r in rows:
                    if r[i] in removed_keys:
                        r[i] = ""
        return header, rows

    rewrite_pack(src, dst, fn, only=plan.removed | touched)
    return plan


# ---------------------------------------------------------------------------------------
# 4-6: ids renamed consistently

def _ref_columns(target: str) -> dict[str, list[str]]:
    """table -> its columns that refer to `target` (plus target's own key)."""
    out: dict[str, list[str]] = {}
    for t in TABLES:
        cols = [c.name for c in t.columns if target in c.ref]
        if t.name == target:
            cols.insert(0, t.key[0])
        if cols:
            out[t.name] = cols
    return out


def account_map(src: Path) -> dict[str, str]:
    ids = _keys(src, "accounts")
    return {old: f"GL-{n:04d}" for n, old in enumerate(_scrambled(ids, "accounts"), start=1)}


def rename_accounts(src: Path, dst: Path) -> dict[str, str]:
    mapping = account_map(src)
    columns = _ref_columns("accounts")

    def fn(name, header, rows):
        _map_columns(rows, header, columns.get(name, ()), mapping)
        return header, rows

    rewrite_pack(src, dst, fn, only=set(columns))
    return mapping


ENTITY_NAMES = {
    # acme: the order of ids changes too (CA01 < DE01 < UK01 < US01; AMER < BRIT < CANA < DACH)
    "US01": "AMER", "UK01": "BRIT", "DE01": "DACH", "CA01": "CANA",
    # kestrel: the top entity sorts last
    "NL01": "ZHOLD", "JP01": "APAC", "SE01": "NORD",
}


def entity_map(src: Path) -> dict[str, str]:
    ids = _keys(src, "entities")
    out = {}
    for n, old in enumerate(sorted(ids), start=1):
        out[old] = ENTITY_NAMES.get(old, f"ENT{n}X")
    assert len(set(out.values())) == len(out)
    return out


def rename_entities(src: Path, dst: Path) -> dict[str, str]:
    mapping = entity_map(src)
    columns = _ref_columns("entities")
    for t in TABLES:  # entity_id columns (ENTITY refs entities already) + the key
        if "entity_id" in t.column_names:
            columns.setdefault(t.name, [])
            if "entity_id" not in columns[t.name]:
                columns[t.name].append("entity_id")
    pattern = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, sorted(mapping, key=len, reverse=True)))
                         + r")(?![A-Za-z0-9])")

    def fn(name, header, rows):
        _map_columns(rows, header, columns.get(name, ()), mapping)
        _sub_columns(rows, header, TEXT_COLUMNS.get(name, ()), pattern, mapping)
        return header, rows

    rewrite_pack(src, dst, fn, only=set(columns) | set(TEXT_COLUMNS))
    return mapping


DOCUMENT_TABLES = {"ar_invoices": 1, "ar_receipts": 2, "ap_bills": 3, "ap_payments": 4}
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def document_map(src: Path) -> dict[str, str]:
    mapping = {}
    present = set(pack_tables(src))
    for table, digit in DOCUMENT_TABLES.items():
        if table in present:
            for n, old in enumerate(_scrambled(_keys(src, table), table), start=1):
                mapping[old] = f"{digit}{n:07d}"
    return mapping


def rename_documents(src: Path, dst: Path) -> dict[str, str]:
    mapping = document_map(src)
    columns: dict[str, list[str]] = {}
    for table in DOCUMENT_TABLES:
        for t, cols in _ref_columns(table).items():
            columns.setdefault(t, []).extend(c for c in cols if c not in columns.get(t, []))

    def fn(name, header, rows):
        _map_columns(rows, header, columns.get(name, ()), mapping)
        _sub_columns(rows, header, TEXT_COLUMNS.get(name, ()), TOKEN, mapping)
        return header, rows

    rewrite_pack(src, dst, fn, only=set(columns) | set(TEXT_COLUMNS))
    return mapping


# ---------------------------------------------------------------------------------------
# 7-8: file order and decimal form

def reverse_rows(src: Path, dst: Path) -> None:
    rewrite_pack(src, dst, lambda name, header, rows: (header, rows[::-1]))


def shortest_decimal(text: str) -> str:
    if "." not in text:
        return text
    text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-", "-0") else text


def short_decimals(src: Path, dst: Path) -> None:
    def fn(name, header, rows):
        spec = TABLES_BY_NAME[name]
        idx = [header.index(c.name) for c in spec.columns if c.kind in NUMERIC_KINDS and c.name in header]
        for r in rows:
            for i in idx:
                if r[i]:
                    r[i] = shortest_decimal(r[i])
        return header, rows

    rewrite_pack(src, dst, fn)


def identity(src: Path, dst: Path) -> None:
    rewrite_pack(src, dst, lambda *a: None, only=set())
