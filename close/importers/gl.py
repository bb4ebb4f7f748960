"""`close import gl`: a general-ledger CSV export and a map become a ledger pack.

Every ERP exports its journal differently: a report with title rows above the header,
the date only on an entry's first line, subtotal rows, amounts as `1.234,56` or
`(1,234.56)`. Rather than a parser per ERP, a small TOML map says how to read one
(maps/gl-*.toml are examples for QuickBooks Online's Journal report and Xero's General
Ledger Detail): which row is the header, which columns hold the date, entry, account,
debit and credit (or one signed amount), how numbers and dates are written, which
columns fill down, which rows to skip, and what the account types are (a column of the
export, an account list exported beside it, or rules by account number). Anything the
map names that a row does not fit is refused with the file's line, column and value.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from close.pack.schema import ACCOUNT_SUBTYPES, ACCOUNT_TYPES, JOURNAL_SOURCES

from .formats import NumberFormat, parse_date
from .packwriter import PackToml, Table, write_pack
from .problems import ImportProblem, ImportRefused, read_map_file

MAPS = Path(__file__).parent / "maps"
ZERO = Decimal("0.00")
# Journal columns a map may fill from the export or a constant.
FIELDS = ("entity_id", "je_id", "posting_date", "document_date", "account_id", "account_name", "account_type",
          "account_subtype", "debit", "credit", "amount", "currency", "amount_txn", "description", "source",
          "preparer", "approver", "department", "created_at", "doc_ref")


@dataclass
class GlMap:
    path: Path
    raw: dict
    columns: dict[str, str]
    constants: dict[str, str]
    numbers: NumberFormat
    date_format: str
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def csv(self) -> dict:
        return self.raw.get("csv", {})


def load_gl_map(path) -> GlMap:
    path = Path(path)
    if not path.is_file() and (MAPS / f"gl-{path.name}.toml").is_file():
        path = MAPS / f"gl-{path.name}.toml"  # a shipped map by its short name
    label = str(path)
    raw = read_map_file(path)
    problems = []
    columns = {str(k): str(v) for k, v in (raw.get("columns") or {}).items()}
    constants = {str(k): str(v) for k, v in (raw.get("constants") or {}).items()}
    for key in [*columns, *constants]:
        if key not in FIELDS:
            problems.append(ImportProblem(label, f"is not a field the map can fill ({', '.join(FIELDS)})", path=key))
    given = set(columns) | set(constants)
    if not ({"debit", "credit"} <= given or "amount" in given):
        problems.append(ImportProblem(label, "must name debit and credit columns, or one signed amount column", path="[columns]"))
    for need in ("posting_date", "account_id"):
        if need not in given:
            problems.append(ImportProblem(label, f"must name the {need} column", path="[columns]"))
    fmt = raw.get("format") or {}
    numbers = NumberFormat(fmt.get("decimal", "."), fmt.get("thousands", ","), fmt.get("currency_symbols", "$€£¥"))
    if numbers.decimal == numbers.thousands:
        problems.append(ImportProblem(label, "decimal and thousands separators must differ", path="[format]"))
    for key, value in (raw.get("account_types") or {}).items():
        if not isinstance(value, dict) or value.get("type") not in ACCOUNT_TYPES or value.get("subtype") not in ACCOUNT_SUBTYPES:
            problems.append(ImportProblem(label, "must be { type = <asset|liability|equity|revenue|expense>, subtype = <a LEDGER-PACK.md subtype> }",
                                          path=f"[account_types] {key!r}"))
    for key, value in (raw.get("sources") or {}).items():
        if value not in JOURNAL_SOURCES:
            problems.append(ImportProblem(label, f"must be one of {', '.join(JOURNAL_SOURCES)}", path=f"[sources] {key!r}", value=str(value)))
    gl_map = GlMap(path, raw, columns, constants, numbers, fmt.get("date", "%Y-%m-%d"))
    if problems:
        raise ImportRefused(problems)
    return gl_map


def _rows(path: Path, csv_opts: dict, label: str):
    """(line number, row dict) after the header, with fill-down applied; the header is
    the first row holding `header_row_with` (report exports have title rows above it)."""
    encoding = csv_opts.get("encoding", "utf-8-sig")
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise ImportRefused([ImportProblem(label, f"is not {encoding} text ({exc.reason} at byte {exc.start}): set [csv] encoding")]) from None
    reader = csv.reader(text.splitlines(keepends=True), delimiter=csv_opts.get("delimiter", ","))
    marker = csv_opts.get("header_row_with")
    header = None
    fill = list(csv_opts.get("fill_down", []))
    carried: dict[str, str] = {}
    for row in reader:
        line = reader.line_num
        if header is None:
            if marker is None or marker in [c.strip() for c in row]:
                header = [c.strip() for c in row]
                missing = [c for c in fill if c not in header]
                if missing:
                    raise ImportRefused([ImportProblem(label, f"has no column {missing[0]!r} (fill_down)", line)])
            continue
        values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header) if h}
        fresh = {c: bool(v) for c, v in values.items()}  # before fill-down: where an entry starts
        for c in fill:
            if values.get(c):
                carried[c] = values[c]
            else:
                values[c] = carried.get(c, "")
        yield line, values, fresh, header
    if header is None:
        raise ImportRefused([ImportProblem(label, f"has no header row (no row with a {marker!r} column)")])


def import_gl(file, map_path, out, chart=None, replace: bool = False) -> dict:
    path = Path(file)
    label = path.name
    m = load_gl_map(map_path)
    if not path.is_file():
        raise ImportRefused([ImportProblem(str(path), "does not exist")])
    problems: list[ImportProblem] = []
    skip_blank = m.csv.get("skip_blank", [])
    skip_matching = {k: re.compile(v) for k, v in (m.csv.get("skip_matching") or {}).items()}
    new_entry_when = m.csv.get("new_entry_when")
    prefix = m.csv.get("entry_prefix", "JE-")
    lines: list[dict] = []
    accounts: dict[str, dict] = {}
    seq = 0
    header_checked = False
    for line_no, row, fresh, header in _rows(path, m.csv, label):
        if not header_checked:
            header_checked = True
            for name, col in m.columns.items():
                if col not in header:
                    raise ImportRefused([ImportProblem(label, f"has no column {col!r} (the map's {name})", line_no - 1)])
        if all(not v for v in row.values()):
            continue
        if any(not row.get(c) for c in skip_blank) or any(p.search(row.get(c, "")) for c, p in skip_matching.items()):
            continue
        if new_entry_when and fresh.get(new_entry_when, False):
            seq += 1

        def value(name: str) -> str:
            col = m.columns.get(name)
            return row.get(col, "") if col else m.constants.get(name, "")

        def bad(name: str, message: str) -> None:
            problems.append(ImportProblem(label, message, line_no, m.columns.get(name, name), value(name)))

        rec = {"line": line_no}
        for name in ("posting_date", "document_date"):
            text = value(name)
            if text:
                try:
                    rec[name] = parse_date(text, m.date_format)
                except ValueError as exc:
                    bad(name, str(exc))
        if "posting_date" not in rec and not any(p.line == line_no for p in problems):
            bad("posting_date", "is blank (a date is required)")
        amounts = {}
        for name in ("debit", "credit", "amount", "amount_txn"):
            text = value(name)
            if text:
                try:
                    amounts[name] = m.numbers.parse(text)
                except ValueError as exc:
                    bad(name, str(exc))
        if "amount" in m.columns or "amount" in m.constants:
            signed = amounts.get("amount", ZERO)
            if m.raw.get("format", {}).get("amount_sign", "debit_positive") == "credit_positive":
                signed = -signed
            debit, credit = (signed, ZERO) if signed >= 0 else (ZERO, -signed)
        else:
            debit, credit = amounts.get("debit", ZERO), amounts.get("credit", ZERO)
            if debit < 0 or credit < 0:  # a negative debit is a credit, and the other way round
                debit, credit = (debit if debit > 0 else ZERO) + (-credit if credit < 0 else ZERO), \
                                (credit if credit > 0 else ZERO) + (-debit if debit < 0 else ZERO)
        if debit and credit:
            net = debit - credit
            debit, credit = (net, ZERO) if net >= 0 else (ZERO, -net)
        for name, amount in (("debit", debit), ("credit", credit)):
            if amount != amount.quantize(Decimal("0.01")):
                bad(name, "has more than 2 decimals")
        account_id = value("account_id")
        pattern = m.raw.get("accounts", {}).get("id_pattern")
        account_name = value("account_name") or account_id
        if pattern and account_id:
            found = re.match(pattern, account_id)
            if found and found.groupdict().get("id"):
                account_name = found.groupdict().get("name") or account_name
                account_id = found.group("id")
        if not account_id:
            bad("account_id", "is blank (an account is required)")
            continue
        accounts.setdefault(account_id, {"account_id": account_id, "name": account_name,
                                         "type_value": value("account_type"), "subtype_value": value("account_subtype"),
                                         "line": line_no})
        je = value("je_id") or (f"{prefix}{seq:06d}" if new_entry_when else "")
        if not je:
            bad("je_id", "is blank and the map has no [csv] new_entry_when to number entries")
        source_value = value("source")
        source = (m.raw.get("sources") or {}).get(source_value, source_value if source_value in JOURNAL_SOURCES
                                                   else m.raw.get("default_source", "manual"))
        day = rec.get("posting_date")
        rec.update(entity_id=value("entity_id"), je_id=je, account_id=account_id, debit=debit.quantize(Decimal("0.01")),
                   credit=credit.quantize(Decimal("0.01")), currency=value("currency") or None,
                   amount_txn=amounts.get("amount_txn"), description=value("description") or None, source=source,
                   preparer=value("preparer") or "imported", approver=value("approver") or None,
                   department=value("department") or None,
                   created_at=value("created_at") or (f"{day.isoformat()}T00:00:00Z" if day else None),
                   doc_ref=value("doc_ref") or None)
        rec["document_date"] = rec.get("document_date") or day
        rec["keep"] = {k: row.get(c, "") for k, c in (m.raw.get("keep") or {}).items()}
        lines.append(rec)
    chart_rows = _chart(m, accounts, chart, label, problems)
    if problems:
        raise ImportRefused(problems[:200] + ([ImportProblem(label, f"... and {len(problems) - 200} more")] if len(problems) > 200 else []))
    if not lines:
        raise ImportRefused([ImportProblem(label, "has no journal lines the map reads")])
    return _write(m, lines, chart_rows, out, label, replace)


def _chart(m: GlMap, accounts: dict, chart_file, label: str, problems: list) -> list[dict]:
    """Each account's type and subtype: [overrides], then the export's type column (or
    an account list given with --chart) through [account_types], then [rules] by prefix."""
    spec = m.raw.get("accounts") or {}
    types = m.raw.get("account_types") or {}
    rules = m.raw.get("rules") or {}
    overrides = m.raw.get("overrides") or {}
    listed = _read_chart(chart_file, spec.get("chart") or {}, spec.get("id_pattern")) if chart_file else {}
    rows = []
    for account_id, a in sorted(accounts.items()):
        cls = overrides.get(account_id)
        type_value, subtype_value = a["type_value"], a["subtype_value"]
        if account_id in listed or a["name"] in listed:
            type_value = listed.get(account_id) or listed.get(a["name"])
        if cls is None and type_value and subtype_value:
            if type_value in ACCOUNT_TYPES and subtype_value in ACCOUNT_SUBTYPES:
                cls = {"type": type_value, "subtype": subtype_value}
        if cls is None and type_value:
            cls = types.get(type_value)
        if cls is None:
            for n in range(len(account_id), 0, -1):
                if account_id[:n] in rules:
                    cls = rules[account_id[:n]]
                    break
        if cls is None:
            problems.append(ImportProblem(label, f"account {account_id!r} ({a['name']}) has no type: "
                                          + (f"add {type_value!r} to the map's [account_types]" if type_value
                                             else "give it in [overrides] or [rules], or pass the account list with --chart"),
                                          a["line"], m.columns.get("account_type") or m.columns.get("account_id"),
                                          type_value or account_id))
            continue
        rows.append({"account_id": account_id, "name": a["name"], "type": cls["type"], "subtype": cls["subtype"],
                     "statement_line": cls.get("line"), "active": True})
    return rows


def _read_chart(chart_file, spec: dict, id_pattern: str | None) -> dict[str, str]:
    """An account list exported beside the GL (e.g. QuickBooks' Account List): account
    (as written, its id and its name, split by `id_pattern`) -> its type as the ERP writes it."""
    path = Path(chart_file)
    out = {}
    for _, row, _, _ in _rows(path, {"header_row_with": spec.get("header_row_with", spec.get("account", "Account")),
                                     "encoding": spec.get("encoding", "utf-8-sig")}, path.name):
        account, kind = row.get(spec.get("account", "Account"), ""), row.get(spec.get("type", "Type"), "")
        if account and kind:
            out[account] = kind
            found = re.match(id_pattern, account) if id_pattern else None
            if found and found.groupdict().get("id"):
                out.setdefault(found.group("id"), kind)
                out.setdefault(found.groupdict().get("name") or account, kind)
    return out


def _write(m: GlMap, lines: list[dict], chart_rows: list[dict], out, label: str, replace: bool) -> dict:
    pack = m.raw.get("pack") or {}
    entity = m.raw.get("entity") or {}
    entity_ids = sorted({l["entity_id"] or entity.get("id", "E1") for l in lines})
    entities_spec = m.raw.get("entities") or {}
    entity_rows = []
    for eid in entity_ids:
        spec = entities_spec.get(eid) or entity
        entity_rows.append({"entity_id": eid, "name": spec.get("name", eid),
                            "functional_currency": spec.get("currency", pack.get("reporting_currency", "USD")),
                            "country": spec.get("country", "US"), "parent_id": spec.get("parent_id"),
                            "ownership_pct": spec.get("ownership_pct")})
    journal, numbers = [], {}
    keep_cols = tuple((m.raw.get("keep") or {}).keys())
    for l in lines:
        eid = l["entity_id"] or entity.get("id", "E1")
        numbers[l["je_id"]] = numbers.get(l["je_id"], 0) + 1
        journal.append({"entity_id": eid, "je_id": l["je_id"], "line_no": numbers[l["je_id"]],
                        "posting_date": l["posting_date"], "document_date": l["document_date"],
                        "account_id": l["account_id"], "debit": l["debit"], "credit": l["credit"],
                        "currency": l["currency"], "amount_txn": l["amount_txn"], "description": l["description"],
                        "source": l["source"], "preparer": l["preparer"], "approver": l["approver"],
                        "counterparty": None, "department": l["department"], "created_at": l["created_at"],
                        "doc_ref": l["doc_ref"], "source_line": l["line"], **l["keep"]})
    settings = PackToml(pack.get("name", entity_rows[0]["name"]),
                        pack.get("reporting_currency", entity_rows[0]["functional_currency"]),
                        Decimal(str(pack.get("materiality", "10000.00"))),
                        int(pack.get("fiscal_year_start_month", 1)),
                        comment=f"Imported by `close import gl` from {label} with the map {m.path.name}.")
    write_pack(out, settings, [Table("entities", entity_rows), Table("accounts", chart_rows), Table("fx_rates", []),
                               Table("journal_lines", journal, extra=("source_line",) + keep_cols)],
               label, replace=replace)
    return {"out": str(out), "map": str(m.path), "entities": len(entity_rows), "accounts": len(chart_rows),
            "entries": len(numbers), "lines": len(journal),
            "total_debit": format(sum((l["debit"] for l in journal), ZERO), "f"),
            "total_credit": format(sum((l["credit"] for l in journal), ZERO), "f")}
