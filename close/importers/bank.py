"""`close import bank`: statements into a pack's bank_transactions, each line once.

Every statement must tie before any line is added (statement.py). Each line gets a
stable identity (the bank's own id where it has one, else a digest of what it says), and
the pack's txn_id is `<bank account>-<identity>`: re-importing a statement adds nothing,
and a statement that overlaps one already imported adds only the lines the pack lacks.
A bank account the pack does not have yet is created (entity, GL cash account and
currency from the options or the pack, the currency from the statement) and remembers
which account number it is, so a later statement of another account is refused.
"""
from __future__ import annotations

import csv
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from close.pack.schema import TABLES_BY_NAME

from .packwriter import Table, update_pack
from .problems import ImportProblem, ImportRefused
from .statement import Statement, line_identities, read_statements

ACCOUNT_NUMBER = "account_number"  # kept beside bank_accounts' contract columns


@dataclass
class BankSummary:
    pack: str
    bank_account_id: str
    created: bool
    statements: list[dict] = field(default_factory=list)
    lines: int = 0
    added: int = 0
    already_present: int = 0

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _read_csv(pack: Path, table: str) -> tuple[list[dict], list[str]]:
    path = pack / f"{table}.csv"
    if not path.exists():
        if (pack / f"{table}.parquet").exists():
            raise ImportRefused([ImportProblem(str(pack / f"{table}.parquet"),
                                               "is Parquet: close import bank reads and writes CSV packs")])
        return [], []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader), list(reader.fieldnames or [])


def _select(statements: list[Statement], account_number: str | None) -> list[Statement]:
    if account_number:
        chosen = [s for s in statements if (s.account or "").replace(" ", "") == account_number.replace(" ", "")]
        if not chosen:
            found = ", ".join(sorted({s.account or "?" for s in statements}))
            raise ImportRefused([ImportProblem(statements[0].file if statements else "?",
                                               f"no statement is for account {account_number} (found: {found})")])
        return chosen
    accounts = OrderedDict.fromkeys(s.account for s in statements)
    if len(accounts) > 1:
        shown = ", ".join(str(a) for a in list(accounts)[:10]) + (" ..." if len(accounts) > 10 else "")
        raise ImportRefused([ImportProblem(
            statements[0].file, f"holds statements of {len(accounts)} accounts ({shown}): import one account "
                                "into one bank account at a time, choosing it with --account-number")])
    return statements


def import_bank(files, pack, bank_account_id: str, gl_account: str | None = None, entity: str | None = None,
                account_number: str | None = None) -> BankSummary:
    pack = Path(pack)
    if not (pack / "pack.toml").is_file():
        raise ImportRefused([ImportProblem(str(pack), "is not a folder pack (no pack.toml): create it first, "
                                                      "e.g. with close import saft or close import gl")])
    statements: list[Statement] = []
    problems: list[ImportProblem] = []
    for file in files:
        try:
            statements += read_statements(file)
        except ImportRefused as exc:
            problems += exc.problems
    if problems:
        raise ImportRefused(problems)
    statements = _select(statements, account_number)
    problems = [p for s in statements for p in s.tie()]
    currencies = {s.currency for s in statements}
    if len(currencies) > 1:
        problems.append(ImportProblem(statements[0].file, f"the statements are in several currencies ({', '.join(sorted(map(str, currencies)))})"))
    if problems:
        raise ImportRefused(problems)
    currency = statements[0].currency
    number = statements[0].account

    accounts, account_cols = _read_csv(pack, "bank_accounts")
    existing = next((a for a in accounts if a.get("bank_account_id") == bank_account_id), None)
    created = existing is None
    if existing is None:
        existing = _new_account(pack, bank_account_id, gl_account, entity, currency, number, statements[0].bank_name)
        accounts.append(existing)
    else:
        if existing.get("currency") != currency:
            raise ImportRefused([ImportProblem(statements[0].file, f"the statement is in {currency}, bank account "
                                               f"{bank_account_id} in {existing.get('currency')}")])
        known = (existing.get(ACCOUNT_NUMBER) or "").replace(" ", "")
        if known and number and known != number.replace(" ", ""):
            raise ImportRefused([ImportProblem(statements[0].file, f"the statement is for account {number}, bank "
                                               f"account {bank_account_id} is account {known}")])
        if not known and number:
            existing[ACCOUNT_NUMBER] = number

    txns, txn_cols = _read_csv(pack, "bank_transactions")
    present = {t.get("txn_id") for t in txns}
    summary = BankSummary(str(pack), bank_account_id, created)
    for s in statements:
        added = 0
        for line, identity in zip(s.lines, line_identities(s, number or bank_account_id)):
            txn_id = f"{bank_account_id}-{identity}"
            summary.lines += 1
            if txn_id in present:
                summary.already_present += 1
                continue
            present.add(txn_id)
            added += 1
            txns.append({"bank_account_id": bank_account_id, "txn_id": txn_id, "booking_date": line.booking_date,
                         "value_date": line.value_date, "amount": line.amount, "description": line.description,
                         "reference": line.reference})
        summary.added += added
        summary.statements.append({
            "file": s.file, "format": s.format, "statement": s.statement_id, "lines": len(s.lines), "added": added,
            "opening": None if s.opening is None else format(s.opening, "f"),
            "closing": None if s.closing is None else format(s.closing, "f"),
            "tie": "tied" if s.opening is not None else "not checked: OFX states no opening balance"})
    extra_accounts = tuple(c for c in account_cols if c not in TABLES_BY_NAME["bank_accounts"].column_names)
    extra_txns = tuple(c for c in txn_cols if c not in TABLES_BY_NAME["bank_transactions"].column_names)
    update_pack(pack, [
        Table("bank_accounts", accounts, extra=tuple(dict.fromkeys(extra_accounts + (ACCOUNT_NUMBER,)))),
        Table("bank_transactions", txns, extra=extra_txns),
    ], ", ".join(Path(f).name for f in files))
    return summary


def _new_account(pack: Path, bank_account_id: str, gl_account, entity, currency, number, bank_name) -> dict:
    entities, _ = _read_csv(pack, "entities")
    if entity is None:
        if len(entities) != 1:
            raise ImportRefused([ImportProblem(str(pack / "entities.csv"), f"has {len(entities)} entities: say which "
                                               f"one bank account {bank_account_id} belongs to with --entity")])
        entity = entities[0]["entity_id"]
    elif entity not in {e["entity_id"] for e in entities}:
        raise ImportRefused([ImportProblem(str(pack / "entities.csv"), f"has no entity {entity}")])
    chart, _ = _read_csv(pack, "accounts")
    if gl_account is None:
        cash = [a["account_id"] for a in chart if a.get("subtype") == "cash"]
        if len(cash) != 1:
            raise ImportRefused([ImportProblem(str(pack / "accounts.csv"), (
                f"has {len(cash)} cash accounts ({', '.join(cash[:10])})" if cash else "has no cash account")
                + f": name the GL account bank account {bank_account_id} posts to with --gl-account")])
        gl_account = cash[0]
    elif gl_account not in {a["account_id"] for a in chart}:
        raise ImportRefused([ImportProblem(str(pack / "accounts.csv"), f"has no account {gl_account}")])
    return {"bank_account_id": bank_account_id, "entity_id": entity, "gl_account_id": gl_account,
            "currency": currency, "bank_name": bank_name, ACCOUNT_NUMBER: number}
