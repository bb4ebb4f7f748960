"""What stops a file from being imported, said where it is.

An importer refuses a file rather than guess: an amount that is not a number, a
statement that does not tie, lines that do not add up to the header. Each problem is
the same triple the pack validator uses (where, the offending value, what is wrong), so
the command line prints them one per line as `file line 812 (AuditFile/.../Amount)
'12,5' is not a decimal amount` and a controller can open the file at that place.
"""
from __future__ import annotations

from dataclasses import dataclass

_MAX_SHOWN = 80


@dataclass(frozen=True)
class ImportProblem:
    """One reason a file cannot be imported. `line` is the file's 1-based line (XML:
    the element's start tag), `path` the XML path or CSV column, `value` the text."""

    file: str
    message: str
    line: int | None = None
    path: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file} line {self.line}"
        if self.path:
            where += f" ({self.path})"
        if self.value is not None:
            value = self.value if len(self.value) <= _MAX_SHOWN else self.value[: _MAX_SHOWN - 3] + "..."
            where += f" {value!r}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "path": self.path, "value": self.value,
                "message": self.message, "text": str(self)}


class ImportRefused(Exception):
    """The file was not imported; `.problems` says every reason found, in file order."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = list(problems)
        head = str(self.problems[0]) if self.problems else "import refused"
        more = len(self.problems) - 1
        super().__init__(head + (f" (and {more} more problems)" if more > 0 else ""))


def xml_path(element) -> str:
    """`AuditFile/GeneralLedgerEntries/Journal[1]/Transaction[12]/Line[2]`: local names,
    with the position among same-named siblings where there are several."""
    parts = []
    node = element
    while node is not None:
        name = _local(node.tag)
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if isinstance(c.tag, str) and _local(c.tag) == name]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/".join(reversed(parts))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def at(file: str, element, message: str, value: str | None = None) -> ImportProblem:
    """A problem located at an XML element: its line and path."""
    return ImportProblem(file, message, getattr(element, "sourceline", None), xml_path(element), value)


def read_map_file(path) -> dict:
    """A map file's TOML as a dict, or ImportRefused naming the file: missing, or not TOML.
    The SAF-T account maps and the GL maps are both read this way."""
    import tomllib
    from pathlib import Path

    label = str(path)
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportRefused([ImportProblem(label, "does not exist")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ImportRefused([ImportProblem(label, f"is not valid TOML ({exc})")]) from None
