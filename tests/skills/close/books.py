"""Tiny hand-built books for the close-area skills, typed as the pack loader types them.

Tests name only the rows that matter; every other table of the contract exists empty or
is left out (to test skipped checks). `run_entity` and `run_group` go through the real
runner function, so parameters, skips and errors behave as in a close.
"""
from __future__ import annotations


import duckdb

from close.fx import FxRates
from close.periods import parse_month
from close.runner import load_entities, run_skill
from tests.support.typed_tables import create_tables, pack_info

ENTITIES = [
    {"entity_id": "US01", "name": "Parent Inc", "functional_currency": "USD", "country": "US",
     "parent_id": None, "ownership_pct": None},
    {"entity_id": "UK01", "name": "Sub Ltd", "functional_currency": "GBP", "country": "GB",
     "parent_id": "US01", "ownership_pct": "100"},
]

ACCOUNTS = [
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


def accounts() -> list[dict]:
    return [{"account_id": a, "name": n, "type": t, "subtype": s, "statement_line": line, "active": True}
            for a, n, t, s, line in ACCOUNTS]


def build(tables: dict[str, list[dict]], reporting_currency: str = "USD"):
    """(connection, pack) holding `tables`; entities and accounts default to the above."""
    tables = dict(tables)
    tables.setdefault("entities", ENTITIES)
    tables.setdefault("accounts", accounts())
    tables.setdefault("fx_rates", [])
    tables.setdefault("journal_lines", [])
    con = duckdb.connect(":memory:")
    create_tables(con, tables)
    return con, pack_info(tables, name="books", reporting_currency=reporting_currency)


def line(je_id, line_no, day, account, debit="0", credit="0", entity="US01", source="manual", **extra):
    """One journal line with the columns a close-area skill does not look at filled in."""
    row = {"entity_id": entity, "je_id": je_id, "line_no": line_no, "posting_date": day,
           "document_date": day, "account_id": account, "debit": debit, "credit": credit,
           "source": source, "preparer": "ann", "approver": "bob",
           "created_at": f"{day} 12:00:00"}
    row.update(extra)
    return row


def entry(je_id, day, debit_account, credit_account, amount, entity="US01", source="manual", **extra):
    """A balanced two-line entry."""
    return [line(je_id, 1, day, debit_account, debit=amount, entity=entity, source=source, **extra),
            line(je_id, 2, day, credit_account, credit=amount, entity=entity, source=source, **extra)]


def rates(month_end: str, currency: str, average: str, closing: str, to: str = "USD") -> list[dict]:
    return [{"date": month_end, "from_currency": currency, "to_currency": to, "rate_type": "average", "rate": average},
            {"date": month_end, "from_currency": currency, "to_currency": to, "rate_type": "closing", "rate": closing}]


def run_entity(skill, con, pack, month: str, entity_id: str, params=None):
    entity = next(e for e in load_entities(con) if e.id == entity_id)
    return run_skill(skill, con=con, pack=pack, month=parse_month(month), entity=entity,
                     params=skill.parse_params(params or {}), deps={},
                     fx=FxRates.from_connection(con, pack.reporting_currency),
                     entities=load_entities(con))


def run_group(skill, con, pack, month: str, run_results=(), params=None, installed=()):
    return run_skill(skill, con=con, pack=pack, month=parse_month(month), entity=None,
                     params=skill.parse_params(params or {}), deps={},
                     fx=FxRates.from_connection(con, pack.reporting_currency),
                     entities=load_entities(con), run_results=tuple(run_results),
                     installed=tuple(installed))
