"""A tiny ledger-pack builder for journal-entry skill tests.

Each test writes only the entries it is about, into DuckDB tables typed exactly as the
pack contract says (close/pack/schema.py), then runs one skill through the real runner.
Keeping the books small makes every expected figure checkable by hand.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

import duckdb

from close.periods import parse_month
from close.registry import Registry
from close.runner import run_close
from tests.support.typed_tables import create_tables, pack_info

CHART = [
    # account_id, name, type, subtype, statement_line, active
    ("1000", "Cash", "asset", "cash", "Cash and cash equivalents", True),
    ("1100", "Accounts receivable", "asset", "receivable", "Trade receivables", True),
    ("1500", "Equipment", "asset", "fixed_asset", "Property, plant and equipment", True),
    ("1990", "Suspense", "asset", "suspense", "Other assets", True),
    ("1991", "Payroll suspense", "liability", "suspense", "Other liabilities", True),
    ("2000", "Accounts payable", "liability", "payable", "Trade payables", True),
    ("2100", "Accrued liabilities", "liability", "accrued_liability", "Accruals", True),
    ("3000", "Share capital", "equity", "share_capital", "Share capital", True),
    ("4000", "Revenue", "revenue", "revenue", "Revenue", True),
    ("5000", "Cost of sales", "expense", "cogs", "Cost of sales", True),
    ("6000", "Rent", "expense", "opex", "Operating expenses", True),
    ("6100", "Travel", "expense", "opex", "Operating expenses", True),
    ("6900", "Old marketing", "expense", "opex", "Operating expenses", False),
]

ENTITIES = [
    ("US01", "Acme Inc", "USD", "US", None, None),
    ("UK01", "Acme Ltd", "GBP", "GB", "US01", "100"),
    ("DE01", "Acme GmbH", "EUR", "DE", "US01", "80"),
]


@dataclass
class Books:
    """Rows for a small pack; `entry` adds one journal entry of (account, debit, credit)."""

    entities: list = field(default_factory=lambda: list(ENTITIES))
    accounts: list = field(default_factory=lambda: list(CHART))
    lines: list = field(default_factory=list)
    periods: list = field(default_factory=list)
    fx_rates: list = field(default_factory=list)
    materiality: str = "25000.00"
    reporting_currency: str = "USD"
    fiscal_year_start_month: int = 1

    def entry(self, je_id, posting_date, lines, *, entity="US01", source="manual",
              preparer="alice", approver="bob", description="entry", created_at=None,
              document_date=None, counterparty=None, doc_ref=None):
        """lines: (account, debit, credit) or (account, debit, credit, currency, amount_txn)."""
        for no, line in enumerate(lines, start=1):
            account, debit, credit = line[:3]
            currency, amount_txn = (line[3], line[4]) if len(line) > 3 else (None, None)
            self.lines.append({
                "entity_id": entity, "je_id": je_id, "line_no": no,
                "posting_date": posting_date,
                "document_date": document_date or posting_date,
                "account_id": account, "debit": str(debit), "credit": str(credit),
                "currency": currency, "amount_txn": None if amount_txn is None else str(amount_txn),
                "description": description, "source": source, "preparer": preparer,
                "approver": approver, "counterparty": counterparty, "department": None,
                "created_at": created_at or f"{posting_date} 12:00:00", "doc_ref": doc_ref,
            })
        return je_id

    def open_books(self, entity="US01", day="2025-01-01", amount="1000.00"):
        """The entity's opening balance entry (source system): its books start on `day`."""
        return self.entry(f"OPEN-{entity}", day, [("1000", amount, "0"), ("3000", "0", amount)],
                          entity=entity, source="system", approver=None)

    def connect(self):
        con = duckdb.connect(":memory:")
        con.execute("SET TimeZone = 'UTC'")
        tables = {
            "entities": [dict(zip(("entity_id", "name", "functional_currency", "country",
                                   "parent_id", "ownership_pct"), e)) for e in self.entities],
            "accounts": [dict(zip(("account_id", "name", "type", "subtype", "statement_line",
                                   "active"), a)) for a in self.accounts],
            "journal_lines": self.lines,
            "fx_rates": [dict(zip(("date", "from_currency", "to_currency", "rate_type", "rate"), r))
                         for r in (self.fx_rates or default_rates())],
        }
        if self.periods:
            tables["periods"] = [dict(zip(("entity_id", "period", "status", "closed_at"), p))
                                 for p in self.periods]
        create_tables(con, tables)
        pack = pack_info(tables, materiality=self.materiality,
                         reporting_currency=self.reporting_currency,
                         fiscal_year_start_month=self.fiscal_year_start_month)
        return con, pack

    def run(self, skill_id, month="2026-05", entity="US01", **params):
        """Run one skill (and what it depends on) for one entity; return its Result."""
        module = importlib.import_module("skills." + skill_id)
        skills = [module.SKILL] + [importlib.import_module("skills." + d).SKILL
                                   for d in module.SKILL.depends]
        con, pack = self.connect()
        outcome = run_close(con, pack, parse_month(month), registry=Registry(skills),
                            entity_ids=[entity], skill_patterns=[skill_id],
                            param_overrides={skill_id: params}, workers=1)
        result = outcome.result(skill_id, entity)
        assert result.status != "error", result.summary
        return result


def default_rates():
    rows = []
    for month_end in ("2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30"):
        for kind in ("closing", "average"):
            rows.append((month_end, "GBP", "USD", kind, "1.25"))
            rows.append((month_end, "EUR", "USD", kind, "1.10"))
    return rows


def refs_of(result):
    return [list(f.refs) for f in result.findings]
