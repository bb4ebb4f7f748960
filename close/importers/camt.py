"""ISO 20022 camt.053 (bank-to-customer statement), versions 001.02 to 001.08, with lxml.

Only booked entries (status BOOK) count: pending and information entries do not move
the booked balances the statement ties. The opening balance is OPBD (or PRCD, the
previous closing), the closing CLBD; an entry's sign is its CdtDbtInd (a reversal says
its own direction). One Ntry is one bank line, however many transactions a batch
booking holds: the Ntry amount is what moved the account.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from .problems import ImportProblem, ImportRefused
from .statement import BankLine, Statement
from .xml import Reader, local, namespace, parse_xml

CAMT = re.compile(r"urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d\d)")
VERSIONS = range(2, 9)


def read_camt(path: Path) -> list[Statement]:
    label = path.name
    tree = parse_xml(path, label)
    root = tree.getroot()
    ns = namespace(root)
    m = CAMT.fullmatch(ns)
    if local(root.tag) != "Document" or not m or int(m.group(1)) not in VERSIONS:
        raise ImportRefused([ImportProblem(
            label, f"is not a camt.053 statement close reads: root {local(root.tag)!r} in namespace "
                   f"{ns or '(none)'!r}; expected Document in urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 to .08",
            root.sourceline, local(root.tag))])
    r = Reader(label, ns)
    statements = [_statement(r, label, stmt) for stmt in r.findall(root, "BkToCstmrStmt/Stmt")]
    if not statements and not r.problems:
        r.problem(root, "holds no statement (BkToCstmrStmt/Stmt)")
    if r.problems:
        raise ImportRefused(r.problems)
    return statements


def _amount(r: Reader, el, currency_out: list) -> Decimal | None:
    amount = r.decimal(el, "Amt")
    node = r.find(el, "Amt")
    if node is not None:
        currency_out.append((node.get("Ccy"), node))
    indicator = r.text(el, "CdtDbtInd")
    if amount is None:
        r.problem(el, "has no amount (Amt)")
        return None
    if indicator not in ("CRDT", "DBIT"):
        r.problem(el, "has no credit/debit indicator (CdtDbtInd CRDT or DBIT)", indicator)
        return None
    return amount if indicator == "CRDT" else -amount


def _statement(r: Reader, label: str, stmt) -> Statement:
    stmt_id = r.text(stmt, "Id") or f"at line {stmt.sourceline}"
    account = r.text(stmt, "Acct/Id/IBAN") or r.text(stmt, "Acct/Id/Othr/Id")
    currency = r.text(stmt, "Acct/Ccy")
    currencies: list = []
    opening = closing = closing_date = None
    balances = {}
    for bal in r.findall(stmt, "Bal"):
        code = r.text(bal, "Tp/CdOrPrtry/Cd") or r.text(bal, "Tp/CdOrPrtry/Prtry")
        balances.setdefault(code, bal)
    open_el = balances.get("OPBD") if balances.get("OPBD") is not None else balances.get("PRCD")
    close_el = balances.get("CLBD")
    if open_el is not None:
        opening = _amount(r, open_el, currencies)
    else:
        r.problem(stmt, f"statement {stmt_id} has no opening booked balance (Bal with Tp OPBD or PRCD)")
    if close_el is not None:
        closing = _amount(r, close_el, currencies)
        closing_date = r.date(close_el, "Dt/Dt") or r.date(close_el, "Dt/DtTm")
    lines = []
    for ntry in r.findall(stmt, "Ntry"):
        status = r.text(ntry, "Sts/Cd") or r.text(ntry, "Sts")
        if status != "BOOK":
            continue
        amount = _amount(r, ntry, currencies)
        booked = r.date(ntry, "BookgDt/Dt") or r.date(ntry, "BookgDt/DtTm")
        if booked is None:
            r.problem(ntry, "booked entry has no booking date (BookgDt)")
        if amount is None or booked is None:
            continue
        lines.append(BankLine(
            booking_date=booked, amount=amount,
            value_date=r.date(ntry, "ValDt/Dt") or r.date(ntry, "ValDt/DtTm"),
            description=_description(r, ntry), reference=_reference(r, ntry),
            bank_id=r.text(ntry, "AcctSvcrRef")))
    currency = currency or next((c for c, _ in currencies if c), None)
    for ccy, node in currencies:
        if ccy and currency and ccy != currency:
            r.problem(node, f"is in {ccy}, but statement {stmt_id} is in {currency}", node.text)
    return Statement(label, "camt.053", stmt_id, account, currency, opening, closing, closing_date, lines,
                     stmt.sourceline, r.text(stmt, "Acct/Svcr/FinInstnId/Nm") or r.text(stmt, "Acct/Svcr/FinInstnId/BIC")
                     or r.text(stmt, "Acct/Svcr/FinInstnId/BICFI"))


def _description(r: Reader, ntry) -> str | None:
    parts = [r.text(ntry, "AddtlNtryInf")]
    for tx in r.findall(ntry, "NtryDtls/TxDtls"):
        for path in ("RmtInf/Ustrd", "RltdPties/Cdtr/Nm", "RltdPties/Cdtr/Pty/Nm", "RltdPties/Dbtr/Nm",
                     "RltdPties/Dbtr/Pty/Nm", "AddtlTxInf", "RmtInf/Strd/CdtrRefInf/Ref"):
            parts.append(r.text(tx, path))
    text = " | ".join(dict.fromkeys(p for p in parts if p))
    return text or None


def _reference(r: Reader, ntry) -> str | None:
    for path in ("NtryDtls/TxDtls/Refs/EndToEndId", "NtryRef", "NtryDtls/TxDtls/Refs/TxId", "AcctSvcrRef"):
        value = r.text(ntry, path)
        if value and value.upper() != "NOTPROVIDED":
            return value
    return None
