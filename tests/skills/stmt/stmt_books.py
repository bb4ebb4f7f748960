"""Tiny hand-built books for statement and flux tests.

Tables are created in an in-memory DuckDB with the pack contract's types
(close.pack.schema), so a skill reads exactly what a loaded pack would give it, and the
figures a test asserts are the ones it wrote a few lines above.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import duckdb

from tests.support.typed_tables import create_table, insert_rows, pack_info
from close.periods import parse_month
from close.registry import Registry
from close.runner import run_close

# A small chart: one account per subtype the statements care about.
CHART = [
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


@dataclass
class Books:
    """Entities, a chart, journal entries and rates, written straight into DuckDB."""

    reporting_currency: str = "USD"
    fiscal_year_start_month: int = 1
    materiality: str = "1000.00"
    con: duckdb.DuckDBPyConnection = field(default_factory=duckdb.connect)
    tables: set = field(default_factory=set)

    def __post_init__(self):
        self._je = itertools.count(1)
        for name in ("entities", "accounts", "journal_lines", "fx_rates"):
            self.create(name)
        for row in CHART:
            self.insert("accounts", account_id=row[0], name=row[1], type=row[2],
                        subtype=row[3], statement_line=row[4], active=True)

    def create(self, name: str) -> None:
        if name in self.tables:
            return
        create_table(self.con, name)
        self.tables.add(name)

    def insert(self, table: str, **values) -> None:
        self.create(table)
        insert_rows(self.con, table, [values])

    def entity(self, entity_id="US01", currency="USD", country="US", parent_id=None,
               ownership_pct=None, name=None) -> str:
        self.insert("entities", entity_id=entity_id, name=name or entity_id,
                    functional_currency=currency, country=country, parent_id=parent_id,
                    ownership_pct=None if ownership_pct is None else Decimal(ownership_pct))
        return entity_id

    def post(self, entity_id: str, day: str, lines, *, je_id: str | None = None,
             source: str = "manual", counterparty: str | None = None,
             department: str | None = None, description: str = "test entry") -> str:
        """One entry; `lines` = [(account_id, signed amount)], debit positive."""
        je_id = je_id or f"JE-{next(self._je):06d}"
        for no, (account_id, amount) in enumerate(lines, start=1):
            amount = Decimal(str(amount))
            self.insert(
                "journal_lines", entity_id=entity_id, je_id=je_id, line_no=no,
                posting_date=date.fromisoformat(day), document_date=date.fromisoformat(day),
                account_id=account_id, debit=max(amount, Decimal(0)),
                credit=max(-amount, Decimal(0)), description=description, source=source,
                preparer="ann", approver="bob", counterparty=counterparty,
                department=department, created_at=datetime.fromisoformat(day + "T12:00:00"))
        return je_id

    def rate(self, day: str, src: str, dst: str, kind: str, rate: str) -> None:
        self.insert("fx_rates", date=date.fromisoformat(day), from_currency=src,
                    to_currency=dst, rate_type=kind, rate=Decimal(rate))

    def pack(self):
        return pack_info(self.tables, name="Test Books", reporting_currency=self.reporting_currency,
                         materiality=self.materiality,
                         fiscal_year_start_month=self.fiscal_year_start_month)

    def run(self, skills, month: str, entity_ids=None, params=None):
        """Run the given Skill objects (plus nothing else) for a month; return the outcome."""
        registry = Registry(list(skills))
        return run_close(self.con, self.pack(), parse_month(month), registry=registry,
                         entity_ids=entity_ids, param_overrides=params or {}, workers=1)

    def result(self, skills, skill_id: str, month: str, entity_id: str | None, params=None):
        outcome = self.run(skills, month, params=params)
        found = outcome.result(skill_id, entity_id)
        assert found is not None, f"{skill_id} did not run for {entity_id}"
        assert found.status != "error", found.summary
        return found
