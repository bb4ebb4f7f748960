"""The shape of each tool's answer, published as its output schema.

A client that reads `structuredContent` gets the answer as data and can check it
against these; the text block beside it carries the same JSON, compact, for a client
(or a model) that reads text. The shapes say what every answer of a tool has (counts,
the cursor, the list); the items themselves are the results contract's objects
(DESIGN.md), described in the tool's description rather than repeated here.
"""
# No `from __future__ import annotations`: pydantic reads these at runtime.
from typing import Any, Literal, Optional

from typing_extensions import NotRequired, TypedDict

Item = dict[str, Any]


class Pack(TypedDict):
    name: str
    sha256: str


class Page(TypedDict):
    total: int
    shown: int
    next_cursor: Optional[str]
    more: NotRequired[str]


class SkillList(Page):
    filters: dict[str, str]
    skills: list[Item]


class SkillDescription(TypedDict):
    id: str
    area: str
    title: str
    description: str
    group: bool
    needs: list[str]
    depends: list[str]
    uses: list[str]
    params: dict[str, Item]


class SkillRun(Page):
    month: str
    pack: Pack
    skills: list[Item]


class CloseCheck(Page):
    month: str
    pack: Pack
    entities: list[str]
    scope: Item
    detail: Literal["summary", "full"]
    status_counts: dict[str, int]
    findings: dict[str, int]
    see: str
    catalog: NotRequired[Item]
    skills: list[Item]


class Findings(Page):
    month: str
    pack: Pack
    filters: Item
    findings: list[Item]


class RefRows(Page):
    ref: str
    table: str
    rows: list[Item]


class ReviewItems(Page):
    filters: dict[str, str]
    items: list[Item]
