"""Tiny hand-built ledgers for skill tests: tables typed exactly as the pack loader makes them.

Tests state only the rows that matter; every table of the contract is created (empty
when not given) from close.pack.schema, so a skill sees the same column types it sees on
a loaded pack. `run` runs one skill for one entity through the real runner function.
"""
from __future__ import annotations


import duckdb

from close.fx import FxRates
from close.periods import parse_month
from close.runner import load_entities, run_skill
from tests.support.typed_tables import create_tables, pack_info

DEFAULT_ENTITY = {"entity_id": "E1", "name": "Test Co", "functional_currency": "USD",
                  "country": "US", "parent_id": None, "ownership_pct": "100"}


def build(tables: dict[str, list[dict]], materiality: str = "1000.00",
          reporting_currency: str = "USD"):
    """A DuckDB connection holding `tables` (plus entities E1 and an empty fx_rates)."""
    tables = dict(tables)
    tables.setdefault("entities", [DEFAULT_ENTITY])
    tables.setdefault("fx_rates", [])
    tables.setdefault("accounts", [])
    tables.setdefault("journal_lines", [])
    con = duckdb.connect(":memory:")
    create_tables(con, tables)
    return con, pack_info(tables, name="mini", reporting_currency=reporting_currency,
                          materiality=materiality)


def run(skill, con, pack, month: str, entity_id: str = "E1", params: dict | None = None,
        deps: dict | None = None):
    """One skill for one entity, as the runner runs it (errors become status `error`)."""
    entity = next(e for e in load_entities(con) if e.id == entity_id)
    return run_skill(skill, con=con, pack=pack, month=parse_month(month), entity=entity,
                     params=skill.parse_params(params or {}), deps=deps or {},
                     fx=FxRates.from_connection(con, pack.reporting_currency))


def jl(je_id, line_no, date, account, debit="0", credit="0", entity="E1", **extra):
    """One journal line with the boring columns filled in."""
    row = {"entity_id": entity, "je_id": je_id, "line_no": line_no, "posting_date": date,
           "document_date": date, "account_id": account, "debit": debit, "credit": credit,
           "source": "manual", "preparer": "tester", "created_at": f"{date} 12:00:00"}
    row.update(extra)
    return row


def account(account_id, subtype, type_=None, name=None):
    types = {"cash": "asset", "receivable": "asset", "payable": "liability",
             "revenue": "revenue", "opex": "expense"}
    return {"account_id": account_id, "name": name or f"{subtype} {account_id}",
            "type": type_ or types.get(subtype, "asset"), "subtype": subtype,
            "statement_line": None, "active": True}
