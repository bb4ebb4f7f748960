"""What is wrong with a ledger pack, said once per offending value.

A Problem is the beancount/hledger triple (where, what, the offending value) so one
printer can show all of them as `journal_lines.csv line 18, posting_date '2026-02-30'
is not a date (YYYY-MM-DD)`: a controller can open the file at that line and fix it.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

_MAX_SHOWN = 80  # a pasted paragraph in a description cell should not flood the terminal


@dataclass(frozen=True)
class Problem:
    """One structural problem. `line` counts the header as line 1 in CSV files and
    sheets; for Parquet files it is the 1-based row number (there is no header line).
    `line`, `column` and `value` are None where they do not apply (a missing file)."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    @property
    def unit(self) -> str:
        return "line" if self.file.endswith((".csv", ".toml")) else "row"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file} {self.unit} {self.line}"
        if self.message.startswith("..."):
            return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        if self.column is None:
            return f"{where} {self.message}"
        subject = self.column if self.value is None else f"{self.column} {_quote(self.value)}"
        return f"{where}, {subject} {self.message}"

    def to_dict(self) -> dict:
        """JSON shape for `close validate --json`: the fields plus the printed text."""
        return {**asdict(self), "text": str(self)}


# Shown escaped, so a value never moves the cursor or recolours the terminal it is
# printed on: newline, carriage return and the control characters checks.py refuses.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_ESCAPES = {"\n": "\\n"}  # the others as \x0d, \x1b: the form close.cli.safe_text shows


def _quote(value: str) -> str:
    if len(value) > _MAX_SHOWN:
        value = value[: _MAX_SHOWN - 3] + "..."
    return "'" + _UNPRINTABLE.sub(lambda m: _ESCAPES.get(m.group(), f"\\x{ord(m.group()):02x}"), value) + "'"


class PackError(Exception):
    """A pack could not be loaded; `.problems` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        head = str(self.problems[0]) if self.problems else "invalid ledger pack"
        more = len(self.problems) - 1
        super().__init__(head + (f" (and {more} more problems)" if more > 0 else ""))


class NotAPack(PackError):
    """The path is not a ledger pack at all (missing, or neither a pack folder nor an
    .xlsx workbook): a usage error rather than a problem inside a pack."""
