"""Reading XML for importers: lxml, safely, with every refusal located.

Bank and tax-authority files come from outside, so the parser resolves no entities and
fetches nothing from the network. A file that is not well-formed (truncated in transit,
cut off by a full disk) is refused with libxml2's own line and message.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation

from lxml import etree

from .problems import ImportProblem, ImportRefused, at

DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def parse_xml(path, label: str):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
    try:
        return etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        raise ImportRefused([ImportProblem(label, f"is not well-formed XML ({exc.msg}); "
                                                  "was the file cut short or edited by hand?", line)]) from None
    except OSError as exc:
        raise ImportRefused([ImportProblem(label, f"cannot be read ({exc})")]) from None


def local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def namespace(element) -> str:
    tag = element.tag
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


class Reader:
    """Namespace-agnostic lookups (`find(el, "DebitAmount/Amount")`) that collect located
    problems instead of stopping at the first one."""

    def __init__(self, label: str, ns: str):
        self.label = label
        self.ns = {"s": ns} if ns else {}
        self.problems: list[ImportProblem] = []

    def _q(self, path: str) -> str:
        if not self.ns:
            return path
        return "/".join(p if p in (".", "..") or p.startswith("*") else f"s:{p}" for p in path.split("/"))

    def find(self, el, path: str):
        return el.find(self._q(path), self.ns)

    def findall(self, el, path: str):
        return el.findall(self._q(path), self.ns)

    def text(self, el, path: str) -> str | None:
        node = self.find(el, path)
        if node is None or node.text is None:
            return None
        value = node.text.strip()
        return value or None

    def problem(self, el, message: str, value: str | None = None) -> None:
        self.problems.append(at(self.label, el, message, value))

    def required(self, el, path: str) -> str | None:
        value = self.text(el, path)
        if value is None:
            self.problem(el, f"has no {path} (it is required)")
        return value

    def decimal(self, el, path: str, places: int | None = 2) -> Decimal | None:
        """An exact decimal; more than `places` decimals is refused unless they are zeros."""
        node = self.find(el, path)
        if node is None or not (node.text or "").strip():
            return None
        text = node.text.strip()
        if not DECIMAL.fullmatch(text):
            self.problem(node, "is not a decimal amount (like 1234.50)", text)
            return None
        value = Decimal(text)
        if places is not None and value != value.quantize(Decimal(1).scaleb(-places)):
            self.problem(node, f"has more than {places} decimals: close holds money to the cent", text)
            return None
        return value.quantize(Decimal(1).scaleb(-places)) if places is not None else value

    def date(self, el, path: str) -> date | None:
        node = self.find(el, path)
        if node is None or not (node.text or "").strip():
            return None
        text = node.text.strip()
        try:
            return date.fromisoformat(text[:10]) if len(text) >= 10 and text[10:11] in ("", "T", "+", "-", "Z") else date.fromisoformat(text)
        except ValueError:
            self.problem(node, "is not a date (YYYY-MM-DD)", text)
            return None

    def timestamp(self, el, path: str) -> str | None:
        """An ISO timestamp with an offset (a date alone is midnight UTC; no zone = UTC)."""
        node = self.find(el, path)
        if node is None or not (node.text or "").strip():
            return None
        text = node.text.strip()
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.problem(node, "is not a date or date-time (ISO 8601)", text)
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat().replace("+00:00", "Z")


def first_error_lines(log, label: str, limit: int = 20) -> list[ImportProblem]:
    """Schema-validation errors as located problems (libxml2's line and message)."""
    problems = [ImportProblem(label, f"does not follow the schema: {e.message}", e.line or None)
                for e in list(log)[:limit]]
    if len(log) > limit:
        problems.append(ImportProblem(label, f"... and {len(log) - limit} more schema errors"))
    return problems


def to_decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
