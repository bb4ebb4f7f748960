"""OFX bank and credit-card statements (SGML 1.x and XML 2.x), read with `ofxtools`.

OFX states the ledger balance at a moment (LEDGERBAL) and the transactions of a date
range, but no opening balance, so a statement cannot be tied on its own: the import
requires the ledger balance (a file without one is refused, located) and reports that
the tie was not checked. FITID is the bank's id for a line, unique per account by the
OFX specification, so re-importing an overlapping download adds only new lines.

ofxtools enforces the specification's maximum field lengths, which banks exceed (a
10-digit BANKID); those limits are relaxed while converting, never the types: amounts
still come out as Decimal and dates as dates.
"""
from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

from ofxtools import Types
from ofxtools.Parser import OFXTree, ParseError
from ofxtools.header import OFXHeaderError
from ofxtools.models.base import OFXSpecError as AggregateSpecError

from .problems import ImportProblem, ImportRefused
from .statement import BankLine, Statement


@contextlib.contextmanager
def _lenient_lengths():
    saved = Types.String.strict
    Types.String.strict = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        Types.String.strict = saved


def _line_of(text: str, tag: str, nth: int = 0) -> int | None:
    at = -1
    for _ in range(nth + 1):
        at = text.upper().find(f"<{tag}>", at + 1)
        if at < 0:
            return None
    return text.count("\n", 0, at) + 1


def read_ofx(path: Path) -> list[Statement]:
    label = path.name
    text = path.read_bytes().decode("latin-1")
    tree = OFXTree()
    try:
        with open(path, "rb") as fh:
            tree.parse(fh)
    except (ParseError, OFXHeaderError, ValueError) as exc:
        raise ImportRefused([ImportProblem(label, f"is not a readable OFX file ({exc})", 1)]) from None
    root = tree.getroot()
    problems = []
    rs_elements = [e for e in root.iter() if e.tag in ("STMTRS", "CCSTMTRS")]
    for n, rs in enumerate(rs_elements):
        if rs.find("LEDGERBAL") is None or rs.find("LEDGERBAL/BALAMT") is None:
            problems.append(ImportProblem(label, f"statement {n + 1} has no ledger balance (LEDGERBAL/BALAMT): "
                                                 "close cannot tell what the bank says the account holds",
                                          _line_of(text, rs.tag, n), rs.tag))
    if not rs_elements:
        problems.append(ImportProblem(label, "holds no bank or credit-card statement (STMTRS, CCSTMTRS)", 1))
    if problems:
        raise ImportRefused(problems)
    try:
        with _lenient_lengths():
            ofx = tree.convert()
    except (AggregateSpecError, Types.OFXSpecError, ValueError, TypeError) as exc:
        raise ImportRefused([ImportProblem(label, f"does not follow the OFX specification ({exc})")]) from None
    statements = []
    for n, stmt in enumerate(ofx.statements):
        account = stmt.account
        acct_id = getattr(account, "acctid", None)
        txns = stmt.banktranlist or []
        lines = [BankLine(booking_date=tx.dtposted.date(), amount=tx.trnamt,
                          value_date=tx.dtuser.date() if getattr(tx, "dtuser", None) else None,
                          description=" | ".join(dict.fromkeys(x for x in (tx.name, tx.memo) if x)) or None,
                          reference=getattr(tx, "checknum", None) or getattr(tx, "refnum", None),
                          bank_id=tx.fitid)
                 for tx in txns]
        ledger = stmt.ledgerbal
        stmt_id = f"{acct_id} to {ledger.dtasof.date().isoformat()}"
        statements.append(Statement(label, "OFX", stmt_id, acct_id, stmt.curdef, None, ledger.balamt,
                                    ledger.dtasof.date(), lines, _line_of(text, rs_elements[n].tag, n),
                                    _bank_name(ofx)))
    return statements


def _bank_name(ofx) -> str | None:
    """The financial institution's ORG from the sign-on response, where it says one."""
    sonrs = getattr(getattr(ofx, "signonmsgsrsv1", None), "sonrs", None)
    return getattr(getattr(sonrs, "fi", None), "org", None)
