"""Small ledger packs for tests: one builder, typed exactly as the pack loader types them.

A test states only the rows it is about. `Books` holds them, table by table (a row is a
dict of column -> value, or a tuple in the contract's column order), with the pack's
settings, and gives them back as the skills see them:

- `connect()`: an in-memory DuckDB whose tables come from close.pack.schema (so a skill
  reads the same column types it reads on a loaded pack) and the real PackInfo;
- `write(folder)`: a ledger-pack folder of CSV files and pack.toml, for the CLI, the
  loader and the review workspace;
- `close(...)`, `result(...)` and `run(...)` through close.runner.run_close, and the module
  function `run_skill` for one skill through close.runner.run_skill, so parameters,
  skips and errors behave as in a real close.

Rows come from `line`, `simple_entry`, `account`, `rates` or the methods `post`, `entry`,
`entity` and `rate`. The named charts and entity sets below are the few small books the
test areas share (`statement_books`, `journal_books`, `mini_books`); `build` makes a
connection from tables given whole, on top of a base (one entity E1 unless told).
"""
from __future__ import annotations

import csv
import importlib
import itertools
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from close.fx import FxRates
from close.pack import PackInfo
from close.pack.schema import DUCKDB_TYPES, TABLES_BY_NAME
from close.periods import parse_month
from close.registry import Registry
from close.runner import load_entities, run_close
from close.runner import run_skill as runner_run_skill

EXACT_KINDS = ("money", "rate", "pct")

# --------------------------------------------------------------------------------------
# Entities and charts the test areas share

DEFAULT_ENTITY = {"entity_id": "E1", "name": "Test Co", "functional_currency": "USD",
                  "country": "US", "parent_id": None, "ownership_pct": "100"}

# A US parent and its wholly owned UK subsidiary (the close-area skills' group).
PARENT_AND_SUB = [
    {"entity_id": "US01", "name": "Parent Inc", "functional_currency": "USD", "country": "US",
     "parent_id": None, "ownership_pct": None},
    {"entity_id": "UK01", "name": "Sub Ltd", "functional_currency": "GBP", "country": "GB",
     "parent_id": "US01", "ownership_pct": "100"},
]

# Three Acme entities, one of them 80% owned (the journal-entry skills' group).
ACME_ENTITIES = [
    ("US01", "Acme Inc", "USD", "US", None, None),
    ("UK01", "Acme Ltd", "GBP", "GB", "US01", "100"),
    ("DE01", "Acme GmbH", "EUR", "DE", "US01", "80"),
]

# account_id, name, type, subtype, statement_line: the close-area skills' chart.
CLOSE_ACCOUNTS = [
    ("1000", "Cash", "asset", "cash", "Cash and equivalents"),
    ("1100", "Receivables", "asset", "receivable", "Trade receivables"),
    ("1500", "Equipment", "asset", "fixed_asset", "Property and equipment"),
    ("1999", "Suspense", "asset", "suspense", "Other assets"),
    ("2000", "Payables", "liability", "payable", "Trade payables"),
    ("2100", "Payroll liabilities", "liability", "payroll_liability", "Accrued liabilities"),
    ("3000", "Share capital", "equity", "share_capital", "Share capital"),
    ("4000", "Sales", "revenue", "revenue", "Revenue"),
    ("4900", "Intercompany revenue", "revenue", "intercompany_revenue", "Intercompany revenue"),
    ("5000", "Cost of sales", "expense", "cogs", "Cost of sales"),
    ("6000", "Operating expenses", "expense", "opex", "Operating expenses"),
    ("6100", "Salaries", "expense", "payroll_expense", "Payroll"),
    ("6900", "Intercompany expense", "expense", "intercompany_expense", "Intercompany charges"),
]

# One account per subtype the statements care about.
STATEMENT_ACCOUNTS = [
    ("1000", "Cash", "asset", "cash", "Cash and cash equivalents"),
    ("1100", "Trade receivables", "asset", "receivable", "Trade receivables"),
    ("1150", "IC receivable", "asset", "intercompany_receivable", "Intercompany receivables"),
    ("1500", "Equipment", "asset", "fixed_asset", "Property, plant and equipment"),
    ("1510", "Accumulated depreciation", "asset", "accumulated_depreciation",
     "Property, plant and equipment"),
    ("2000", "Trade payables", "liability", "payable", "Trade payables"),
    ("2150", "IC payable", "liability", "intercompany_payable", "Intercompany payables"),
    ("2500", "Bank loan", "liability", "debt", "Borrowings"),
    ("3000", "Share capital", "equity", "share_capital", "Share capital"),
    ("3100", "Retained earnings", "equity", "retained_earnings", "Retained earnings"),
    ("3900", "CTA", "equity", "cta", "Translation reserve"),
    ("4000", "Sales", "revenue", "revenue", "Revenue"),
    ("4100", "IC revenue", "revenue", "intercompany_revenue", "Revenue"),
    ("5000", "Cost of sales", "expense", "cogs", "Cost of sales"),
    ("6000", "Rent", "expense", "opex", "Operating expenses"),
    ("6100", "Salaries", "expense", "payroll_expense", "Personnel expenses"),
    ("6200", "Depreciation", "expense", "depreciation_expense", "Depreciation"),
    ("6300", "IC charges", "expense", "intercompany_expense", "Operating expenses"),
    ("7000", "Interest expense", "expense", "interest_expense", "Finance costs"),
    ("7100", "FX gain/loss", "expense", "fx_gain_loss", "Foreign exchange"),
    ("8000", "Income tax", "expense", "income_tax_expense", "Income tax"),
]

# The journal-entry skills' chart: suspense on both sides, one inactive account.
JOURNAL_ACCOUNTS = [
    ("1000", "Cash", "asset", "cash", "Cash and cash equivalents"),
    ("1100", "Accounts receivable", "asset", "receivable", "Trade receivables"),
    ("1500", "Equipment", "asset", "fixed_asset", "Property, plant and equipment"),
    ("1990", "Suspense", "asset", "suspense", "Other assets"),
    ("1991", "Payroll suspense", "liability", "suspense", "Other liabilities"),
    ("2000", "Accounts payable", "liability", "payable", "Trade payables"),
    ("2100", "Accrued liabilities", "liability", "accrued_liability", "Accruals"),
    ("3000", "Share capital", "equity", "share_capital", "Share capital"),
    ("4000", "Revenue", "revenue", "revenue", "Revenue"),
    ("5000", "Cost of sales", "expense", "cogs", "Cost of sales"),
    ("6000", "Rent", "expense", "opex", "Operating expenses"),
    ("6100", "Travel", "expense", "opex", "Operating expenses"),
    ("6900", "Old marketing", "expense", "opex", "Operating expenses", False),
]

# --------------------------------------------------------------------------------------
# Rows


def line(je_id, line_no, day, account_id, debit="0", credit="0", *, entity="E1",
         source="manual", preparer="ann", approver="bob", **extra) -> dict:
    """One journal line with the columns a test is not about filled in."""
    row = {"entity_id": entity, "je_id": je_id, "line_no": line_no, "posting_date": day,
           "document_date": day, "account_id": account_id, "debit": debit, "credit": credit,
           "source": source, "preparer": preparer, "approver": approver,
           "created_at": f"{day} 12:00:00"}
    row.update(extra)
    return row


def simple_entry(je_id, day, debit_account, credit_account, amount, **columns) -> list[dict]:
    """A balanced two-line entry: `amount` debited to one account, credited to the other."""
    return [line(je_id, 1, day, debit_account, debit=amount, **columns),
            line(je_id, 2, day, credit_account, credit=amount, **columns)]


def account(account_id, subtype, type_=None, name=None, statement_line=None) -> dict:
    """One account; the type follows from the common subtypes, else asset."""
    types = {"cash": "asset", "receivable": "asset", "payable": "liability",
             "revenue": "revenue", "opex": "expense"}
    return {"account_id": account_id, "name": name or f"{subtype} {account_id}",
            "type": type_ or types.get(subtype, "asset"), "subtype": subtype,
            "statement_line": statement_line, "active": True}


def chart(rows) -> list[dict]:
    """Accounts from (id, name, type, subtype, statement_line[, active]) tuples."""
    return [{"account_id": r[0], "name": r[1], "type": r[2], "subtype": r[3],
             "statement_line": r[4], "active": r[5] if len(r) > 5 else True} for r in rows]


def rates(month_end: str, currency: str, average: str, closing: str, to: str = "USD") -> list[dict]:
    """A month's average and closing rate for one currency."""
    return [{"date": month_end, "from_currency": currency, "to_currency": to, "rate_type": "average", "rate": average},
            {"date": month_end, "from_currency": currency, "to_currency": to, "rate_type": "closing", "rate": closing}]


def acme_rates() -> list[dict]:
    """GBP at 1.25 and EUR at 1.10 to USD, closing and average, March to June 2026."""
    rows = []
    for month_end in ("2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30"):
        rows += rates(month_end, "GBP", "1.25", "1.25") + rates(month_end, "EUR", "1.10", "1.10")
    return rows


# --------------------------------------------------------------------------------------
# The books


class Books:
    """Rows of a small pack, table by table, and its settings (see the module docstring).

    A table is in the pack when it has been added, even with no rows, so a test can
    leave a table out to see a skill skip, or add it empty. Each run connects afresh
    from the rows, unless the test has taken `con` (to edit rows in SQL or to call a
    module directly): from then on the books live in that connection, later rows go
    into it as well, and runs use it."""

    def __init__(self, tables: dict | None = None, *, name: str = "test",
                 reporting_currency: str = "USD", materiality: str = "1000.00",
                 fiscal_year_start_month: int = 1):
        self.tables: dict[str, list] = {t: list(rows) for t, rows in (tables or {}).items()}
        self.name = name
        self.reporting_currency = reporting_currency
        self.materiality = materiality
        self.fiscal_year_start_month = fiscal_year_start_month
        self._je = itertools.count(1)
        self._con = None

    # --- rows ---------------------------------------------------------------------

    def add(self, table: str, *rows) -> None:
        """Put `table` in the pack (validated against the contract) with `rows` appended."""
        if table not in TABLES_BY_NAME:
            raise KeyError(f"the pack contract has no table {table!r}")
        if self._con is not None:
            if table not in self.tables:
                _create_table(self._con, table)
            _insert_rows(self._con, table, rows)
        self.tables.setdefault(table, []).extend(rows)

    def insert(self, table: str, **columns) -> None:
        """One row given as keyword arguments."""
        self.add(table, columns)

    def _table(self, table: str) -> list:
        return self.tables.setdefault(table, [])

    entities = property(lambda self: self._table("entities"),
                        lambda self, rows: self.tables.__setitem__("entities", rows))
    accounts = property(lambda self: self._table("accounts"),
                        lambda self, rows: self.tables.__setitem__("accounts", rows))
    lines = property(lambda self: self._table("journal_lines"),
                     lambda self, rows: self.tables.__setitem__("journal_lines", rows))
    fx_rates = property(lambda self: self._table("fx_rates"),
                        lambda self, rows: self.tables.__setitem__("fx_rates", rows))

    def entity(self, entity_id="US01", currency="USD", country="US", parent_id=None,
               ownership_pct=None, name=None) -> str:
        self.insert("entities", entity_id=entity_id, name=name or entity_id,
                    functional_currency=currency, country=country, parent_id=parent_id,
                    ownership_pct=ownership_pct)
        return entity_id

    def post(self, entity_id: str, day: str, lines, *, je_id: str | None = None,
             description: str = "test entry", **columns) -> str:
        """One entry from [(account_id, signed amount)], debit positive; numbered JE-000001
        onwards unless `je_id` is given."""
        je_id = je_id or f"JE-{next(self._je):06d}"
        for no, (account_id, amount) in enumerate(lines, start=1):
            amount = Decimal(str(amount))
            self.add("journal_lines", line(
                je_id, no, day, account_id, debit=max(amount, Decimal(0)),
                credit=max(-amount, Decimal(0)), entity=entity_id, description=description,
                **columns))
        return je_id

    def entry(self, je_id, day, lines, *, entity="US01", description="entry",
              created_at=None, **columns) -> str:
        """One entry from (account, debit, credit) or (account, debit, credit, currency,
        amount in that currency)."""
        for no, row in enumerate(lines, start=1):
            account_id, debit, credit = row[:3]
            currency, amount_txn = (row[3], row[4]) if len(row) > 3 else (None, None)
            self.add("journal_lines", line(
                je_id, no, day, account_id, debit=str(debit), credit=str(credit), entity=entity,
                currency=currency, amount_txn=None if amount_txn is None else str(amount_txn),
                description=description, **columns, **({"created_at": created_at} if created_at else {})))
        return je_id

    def open_books(self, entity="US01", day="2025-01-01", amount="1000.00") -> str:
        """The entity's opening balance entry (source system): its books start on `day`."""
        return self.entry(f"OPEN-{entity}", day, [("1000", amount, "0"), ("3000", "0", amount)],
                          entity=entity, source="system", approver=None)

    def rate(self, day: str, src: str, dst: str, kind: str, rate: str) -> None:
        self.insert("fx_rates", date=day, from_currency=src, to_currency=dst, rate_type=kind,
                    rate=rate)

    # --- the pack -----------------------------------------------------------------

    def pack(self) -> PackInfo:
        return PackInfo(self.name, self.reporting_currency, self.fiscal_year_start_month,
                        Decimal(self.materiality), "0" * 64, Path("."), frozenset(self.tables))

    def connect(self):
        """(connection, PackInfo): every added table created as the loader types it."""
        con = duckdb.connect(":memory:")
        con.execute("SET TimeZone = 'UTC'")
        for table, rows in self.tables.items():
            _create_table(con, table)
            _insert_rows(con, table, rows)
        return con, self.pack()

    @property
    def con(self):
        """The books' live connection, made from the rows so far on first use."""
        if self._con is None:
            self._con, _ = self.connect()
        return self._con

    def _connection(self):
        return (self._con, self.pack()) if self._con is not None else self.connect()

    def write(self, folder: Path) -> Path:
        """A ledger-pack folder: pack.toml and one CSV per table (the columns any row
        names, plus the required ones, in the contract's order)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "pack.toml").write_text(
            f"name = {json.dumps(self.name, ensure_ascii=False)}\n"
            f'reporting_currency = "{self.reporting_currency}"\n'
            f"fiscal_year_start_month = {self.fiscal_year_start_month}\n"
            f'materiality = "{self.materiality}"\n', encoding="utf-8")
        for table, rows in self.tables.items():
            spec = TABLES_BY_NAME[table]
            dicts = [_as_dict(table, row) for row in rows]
            named = set().union(*dicts) if dicts else set()
            header = [c.name for c in spec.columns if c.required or c.name in named]
            with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(header)
                writer.writerows([_csv_text(row.get(col)) for col in header] for row in dicts)
        return folder

    # --- running ------------------------------------------------------------------

    def close(self, skills, month: str, entity_ids=None, params=None):
        """Run the given Skill objects (plus nothing else) for a month; the outcome."""
        con, pack = self._connection()
        return run_close(con, pack, parse_month(month), registry=Registry(list(skills)),
                         entity_ids=entity_ids, param_overrides=params or {}, workers=1)

    def result(self, skills, skill_id: str, month: str, entity_id: str | None, params=None):
        """One skill's result from `close`, which must have run and not errored."""
        found = self.close(skills, month, params=params).result(skill_id, entity_id)
        assert found is not None, f"{skill_id} did not run for {entity_id}"
        assert found.status != "error", found.summary
        return found

    def run(self, skill_id, month="2026-05", entity="US01", **params):
        """One built-in skill by id (and the skills it depends on) for one entity."""
        module = importlib.import_module("skills." + skill_id)
        skills = [module.SKILL] + [importlib.import_module("skills." + d).SKILL
                                   for d in module.SKILL.depends]
        con, pack = self._connection()
        outcome = run_close(con, pack, parse_month(month), registry=Registry(skills),
                            entity_ids=[entity], skill_patterns=[skill_id],
                            param_overrides={skill_id: params}, workers=1)
        result = outcome.result(skill_id, entity)
        assert result.status != "error", result.summary
        return result


def build(tables: dict, *, base=None, **settings):
    """(connection, PackInfo) of `tables` laid over `base` (default: entity E1 and empty
    accounts, journal and rates)."""
    base = {"entities": [DEFAULT_ENTITY], "accounts": [], "journal_lines": [], "fx_rates": []} \
        if base is None else base
    return Books({**base, **tables}, **settings).connect()


def run_skill(skill, con, pack, month: str, entity_id: str | None = None, params=None,
              deps=None, run_results=(), installed=()):
    """One skill for one entity (or for the group when `entity_id` is None), as the runner
    runs it: errors become status `error`."""
    entities = load_entities(con)
    entity = None if entity_id is None else next(e for e in entities if e.id == entity_id)
    return runner_run_skill(skill, con=con, pack=pack, month=parse_month(month), entity=entity,
                            params=skill.parse_params(params or {}), deps=deps or {},
                            fx=FxRates.from_connection(con, pack.reporting_currency),
                            entities=entities, run_results=tuple(run_results),
                            installed=tuple(installed))


def csv_db(folder: Path) -> duckdb.DuckDBPyConnection:
    """Every CSV of a pack folder as a DuckDB table of text columns, as written (tests
    cast what they compare): for reading back what a generator wrote."""
    con = duckdb.connect()
    for path in sorted(Path(folder).glob("*.csv")):
        con.read_csv(str(path), all_varchar=True, header=True).create(path.stem)
    return con


def refs_of(result) -> list[list[str]]:
    """Each finding's refs, to compare with the rows a test wrote."""
    return [list(f.refs) for f in result.findings]


# --------------------------------------------------------------------------------------
# The shared small books


def parent_and_sub_books() -> dict:
    """The close-area skills' tables before a test adds its own (a `base` for `build`):
    the parent and its subsidiary, their chart, no entries, no rates."""
    return {"entities": PARENT_AND_SUB, "accounts": chart(CLOSE_ACCOUNTS), "journal_lines": [],
            "fx_rates": []}


def statement_books(**settings) -> Books:
    """The statements' chart, no entities or entries yet (add them with entity/post)."""
    settings.setdefault("name", "Test Books")
    return Books({"entities": [], "accounts": chart(STATEMENT_ACCOUNTS), "journal_lines": [],
                  "fx_rates": []}, **settings)


def journal_books(**settings) -> Books:
    """Three Acme entities, the journal-entry chart, a year of rates, no entries yet."""
    settings.setdefault("materiality", "25000.00")
    return Books({"entities": list(ACME_ENTITIES), "accounts": list(JOURNAL_ACCOUNTS),
                  "journal_lines": [], "fx_rates": acme_rates()}, **settings)


def _mini_line(entity, je, no, day, account_id, debit, credit):
    return line(je, no, day, account_id, debit, credit, entity=entity, preparer="ana",
                approver="ben", currency="", amount_txn="", description=f"{je} line {no}",
                counterparty="", department="", created_at=f"{day}T12:00:00Z")


MINI_JOURNAL = [
    ("US01", "JE-1", 1, "2026-04-10", "1100", "1000.00", "0.00"),
    ("US01", "JE-1", 2, "2026-04-10", "4000", "0.00", "1000.00"),
    ("US01", "JE-2", 1, "2026-05-12", "1000", "1000.00", "0.00"),
    ("US01", "JE-2", 2, "2026-05-12", "1100", "0.00", "1000.00"),
    ("UK01", "JE-3", 1, "2026-05-14", "6000", "250.50", "0.00"),
    ("UK01", "JE-3", 2, "2026-05-14", "1000", "0.00", "250.50"),
]


def mini_books(*extra_lines: dict) -> Books:
    """A two-entity group small enough to read in a test (Mini Inc, USD, and its UK
    subsidiary): April's sale, May's receipt and a UK rent bill, plus `extra_lines`."""
    return Books({
        "entities": [("US01", "Mini Inc", "USD", "US", "", "100"),
                     ("UK01", "Mini Ltd", "GBP", "GB", "US01", "100")],
        "accounts": chart([("1000", "Bank", "asset", "cash", "Cash"),
                           ("1100", "Receivables", "asset", "receivable", "Receivables"),
                           ("4000", "Revenue", "revenue", "revenue", "Revenue"),
                           ("6000", "Rent", "expense", "opex", "Operating expenses")]),
        "journal_lines": [_mini_line(*row) for row in MINI_JOURNAL] + list(extra_lines),
        "fx_rates": [("2026-04-30", "GBP", "USD", "closing", "1.25"),
                     ("2026-05-31", "GBP", "USD", "closing", "1.28"),
                     ("2026-05-31", "GBP", "USD", "average", "1.27")],
    }, name="Mini Group", materiality="500.00")


def mini_line(entity, je, no, day, account_id, debit, credit, **columns) -> dict:
    """A journal line in the style of mini_books' own (for entries added to them)."""
    return {**_mini_line(entity, je, no, day, account_id, debit, credit), **columns}


def self_approved_entry(je_id: str, amount: str, day: str = "2026-05-20") -> list[dict]:
    """A US01 rent payment (Dr 6000 / Cr 1000) that ana both prepared and approved: one
    self-approval finding on top of mini_books."""
    return [mini_line("US01", je_id, 1, day, "6000", amount, "0.00", preparer="ana", approver="ana"),
            mini_line("US01", je_id, 2, day, "1000", "0.00", amount, preparer="ana", approver="ana")]


# --------------------------------------------------------------------------------------
# Typed tables


def _create_table(con, name: str) -> None:
    spec = TABLES_BY_NAME[name]
    columns = ", ".join(f'"{c.name}" {DUCKDB_TYPES[c.kind]}' for c in spec.columns)
    con.execute(f'CREATE TABLE "{name}" ({columns})')


def _as_dict(table: str, row) -> dict:
    if isinstance(row, dict):
        unknown = set(row) - set(TABLES_BY_NAME[table].column_names)
        if unknown:
            raise KeyError(f"{table} has no column(s) {sorted(unknown)}")
        return row
    return dict(zip(TABLES_BY_NAME[table].column_names, row))


def _insert_rows(con, name: str, rows) -> None:
    """Money goes in as Decimal (from its string form) so no float reaches a DECIMAL column."""
    spec = TABLES_BY_NAME[name]
    values = [[_typed(c.kind, _as_dict(name, row).get(c.name)) for c in spec.columns] for row in rows]
    if values:
        marks = ", ".join("?" for _ in spec.columns)
        con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', values)


def _typed(kind: str, value):
    if value is None or kind not in EXACT_KINDS:
        return value
    return Decimal(str(value))


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)
