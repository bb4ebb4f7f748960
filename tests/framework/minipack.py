"""A two-entity ledger pack small enough to read in a test, written as CSV files."""
from __future__ import annotations

import csv
from pathlib import Path

ENTITIES = [
    ["entity_id", "name", "functional_currency", "country", "parent_id", "ownership_pct"],
    ["US01", "Mini Inc", "USD", "US", "", "100"],
    ["UK01", "Mini Ltd", "GBP", "GB", "US01", "100"],
]
ACCOUNTS = [
    ["account_id", "name", "type", "subtype", "statement_line", "active"],
    ["1000", "Bank", "asset", "cash", "Cash", "true"],
    ["1100", "Receivables", "asset", "receivable", "Receivables", "true"],
    ["4000", "Revenue", "revenue", "revenue", "Revenue", "true"],
    ["6000", "Rent", "expense", "opex", "Operating expenses", "true"],
]
HEADER = ["entity_id", "je_id", "line_no", "posting_date", "document_date", "account_id",
          "debit", "credit", "currency", "amount_txn", "description", "source", "preparer",
          "approver", "counterparty", "department", "created_at"]


def line(entity, je, no, day, account, debit, credit, source="manual", preparer="ana", approver="ben"):
    return [entity, je, str(no), day, day, account, debit, credit, "", "", f"{je} line {no}",
            source, preparer, approver, "", "", f"{day}T12:00:00Z"]


JOURNAL = [
    line("US01", "JE-1", 1, "2026-04-10", "1100", "1000.00", "0.00"),
    line("US01", "JE-1", 2, "2026-04-10", "4000", "0.00", "1000.00"),
    line("US01", "JE-2", 1, "2026-05-12", "1000", "1000.00", "0.00"),
    line("US01", "JE-2", 2, "2026-05-12", "1100", "0.00", "1000.00"),
    line("UK01", "JE-3", 1, "2026-05-14", "6000", "250.50", "0.00"),
    line("UK01", "JE-3", 2, "2026-05-14", "1000", "0.00", "250.50"),
]
FX = [
    ["date", "from_currency", "to_currency", "rate_type", "rate"],
    ["2026-04-30", "GBP", "USD", "closing", "1.25"],
    ["2026-05-31", "GBP", "USD", "closing", "1.28"],
    ["2026-05-31", "GBP", "USD", "average", "1.27"],
]
PACK_TOML = 'name = "Mini Group"\nreporting_currency = "USD"\nfiscal_year_start_month = 1\nmateriality = "500.00"\n'


def write_csv(path: Path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def write_minipack(folder: Path, journal=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pack.toml").write_text(PACK_TOML, encoding="utf-8")
    write_csv(folder / "entities.csv", ENTITIES)
    write_csv(folder / "accounts.csv", ACCOUNTS)
    write_csv(folder / "journal_lines.csv", [HEADER, *(journal if journal is not None else JOURNAL)])
    write_csv(folder / "fx_rates.csv", FX)
    return folder
