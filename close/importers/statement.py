"""A bank statement, whatever file it came from, and the check every one must pass.

camt.053, MT940 and OFX all say the same things in different words: which account,
the balance it opened and closed with, and the lines in between. The readers (camt.py,
swift.py, ofx.py) turn each into `Statement`s; `tie` runs the statement's own check,
opening + movements = closing, to the cent. A statement that does not tie is refused
with its id and the difference: its lines are missing or altered, and reconciling
the books against it would chase a difference the bank never had.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from .problems import ImportProblem, ImportRefused


@dataclass
class BankLine:
    booking_date: date
    amount: Decimal
    value_date: date | None = None
    description: str | None = None
    reference: str | None = None
    bank_id: str | None = None  # the bank's own id for the line (AcctSvcrRef, FITID), if it gives one


@dataclass
class Statement:
    file: str
    format: str
    statement_id: str
    account: str | None
    currency: str | None
    opening: Decimal | None
    closing: Decimal | None
    closing_date: date | None = None
    lines: list[BankLine] = field(default_factory=list)
    line: int | None = None  # where the statement starts in its file
    bank_name: str | None = None
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def movements(self) -> Decimal:
        return sum((l.amount for l in self.lines), Decimal("0"))

    def tie(self) -> list[ImportProblem]:
        """opening + movements = closing, or the problem that says by how much not."""
        if self.closing is None:
            return [ImportProblem(self.file, f"statement {self.statement_id} has no closing balance: "
                                             "close cannot tell whether its lines are complete", self.line)]
        if self.opening is None:
            return []  # OFX states no opening balance: nothing to tie against
        expected = self.opening + self.movements
        if expected != self.closing:
            return [ImportProblem(
                self.file, f"statement {self.statement_id} does not tie: opening {self.opening:,.2f} + movements "
                           f"{self.movements:,.2f} = {expected:,.2f}, but its closing balance is {self.closing:,.2f} "
                           f"(difference {expected - self.closing:,.2f})", self.line)]
        return []


def detect(path: Path) -> str:
    """camt, mt940 or ofx, from the content (never the file name)."""
    head = path.read_bytes()[:8192].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \r\n\t")
    if "OFXHEADER" in head[:200] or "<OFX>" in head.upper() or "<?OFX" in head:
        return "ofx"
    if head.startswith("<"):
        return "camt"
    if ":20:" in head and (":60F:" in head or ":60M:" in head or ":61:" in head or ":25:" in head):
        return "mt940"
    raise ImportRefused([ImportProblem(path.name, "is not a bank statement close reads: not camt.053 XML, "
                                                  "an MT940 file (:20:, :25:, :60F:, :61:) or OFX", 1)])


def read_statements(path) -> list[Statement]:
    """Every statement in one file, format detected from its content."""
    path = Path(path)
    if not path.is_file():
        raise ImportRefused([ImportProblem(str(path), "does not exist or is not a file")])
    kind = detect(path)
    if kind == "camt":
        from .camt import read_camt
        return read_camt(path)
    if kind == "mt940":
        from .swift import read_mt940
        return read_mt940(path)
    from .ofx import read_ofx
    return read_ofx(path)


def line_identities(statement: Statement, account_key: str) -> list[str]:
    """A stable identity per line: the bank's own id where it gives one; otherwise a
    digest of what the line says (account, dates, amount, texts) and how many identical
    lines came before it in the statement, so a statement read twice, or one that
    overlaps an earlier one, gives the same identities for the same lines."""
    seen = Counter()
    out = []
    for l in statement.lines:
        if l.bank_id:
            out.append(_clean(l.bank_id))
            continue
        what = "|".join(str(x or "") for x in (account_key, l.booking_date, l.value_date, l.amount,
                                                l.reference, l.description))
        seen[what] += 1
        out.append(hashlib.sha256(f"{what}|{seen[what]}".encode()).hexdigest()[:16])
    return out


def _clean(text: str) -> str:
    """A bank id as a pack id: printable, no commas or slashes, at most 64 characters
    (a longer one is digested so it stays unique)."""
    safe = "".join(ch if ch.isalnum() or ch in "-_.:" else "_" for ch in text.strip())
    return safe if len(safe) <= 64 else hashlib.sha256(text.encode()).hexdigest()[:24]
