"""Assertions shared by the report tests: self-containment and finding coverage."""
from __future__ import annotations

import re
from decimal import Decimal

from lxml import html as lxml_html

from close.report.numbers import money

EXTERNAL = re.compile(r"^\s*(https?:)?//", re.I)


def external_references(page: str) -> list[str]:
    """Everything in an HTML page that a browser would fetch from elsewhere."""
    tree = lxml_html.fromstring(page)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attr in ("src", "href", "xlink:href", "data", "poster", "srcset", "action"):
            value = element.get(attr)
            if value and (EXTERNAL.search(value) or attr == "src" and not value.startswith("data:")):
                found.append(f"<{element.tag} {attr}={value!r}>")
        if element.tag == "script":
            found.append("<script>")
        if element.tag == "link" and "stylesheet" in (element.get("rel") or ""):
            found.append(f"<link rel=stylesheet href={element.get('href')!r}>")
    for style in tree.iter("style"):
        if re.search(r"@import|url\(", style.text or ""):
            found.append("style with @import or url()")
    return found


def finding_amount_text(amount: str | None) -> str | None:
    """How the report prints a finding's amount (thousands separators, two decimals)."""
    return None if amount is None else money(Decimal(amount))


def all_findings(doc: dict, include_close: bool = False) -> list[tuple[dict, dict]]:
    return [(r, f) for r in doc["skills"] for f in r["findings"]
            if include_close or not r["id"].startswith("close.")]
