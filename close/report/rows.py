"""The rows the review is laid out from: entities, skill results, grids, exceptions, KPIs.

Plain data, built by close.report.model from results.json and read by the templates and
the workbook, so both show the same thing the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from close.report.numbers import to_decimal
from close.report.review_view import ReviewItem
from close.report.tables import Table
from close.results.reader import CatalogEntity


# An entity as the report shows it: the contract's catalog entry, one definition.
EntityInfo = CatalogEntity


@dataclass
class SkillRow:
    skill_id: str
    title: str
    entity_id: str | None
    entity_label: str
    currency: str
    status: str
    summary: str
    findings: int
    findings_amount: Decimal | None
    key_label: str = ""
    key_value: object = None
    review: ReviewItem | None = None


@dataclass
class GridRow:
    skill_id: str
    title: str
    cells: dict  # column key (entity id, or "" for the group) -> SkillRow

    @property
    def key_label(self) -> str:
        """The figure the cells show, named once for the row (e.g. "difference")."""
        return next((c.key_label for c in self.cells.values() if c.key_label), "")


@dataclass
class Grid:
    """Checks down, entities across: the status of an area at a glance."""

    columns: list[tuple[str, str]]  # (key, label)
    rows: list[GridRow]
    attention: list[SkillRow]  # results with exceptions or errors, with their summaries

    @property
    def empty(self) -> bool:
        return not self.rows


def status_grid(rows: list[SkillRow], entities: list["EntityInfo"]) -> Grid:
    keys = [e.id for e in entities if any(r.entity_id == e.id for r in rows)]
    if any(r.entity_id is None for r in rows):
        keys.append("")
    columns = [(k, k or "Group") for k in keys]
    by_skill: dict[str, GridRow] = {}
    for row in rows:
        grid_row = by_skill.setdefault(row.skill_id, GridRow(row.skill_id, row.title, {}))
        grid_row.cells[row.entity_id or ""] = row
    attention = [r for r in rows if r.status in ("exceptions", "error")]
    return Grid(columns, list(by_skill.values()), attention)


@dataclass
class ExceptionRow:
    rank: int
    severity: str
    skill_id: str
    skill_title: str
    entity_id: str | None
    currency: str
    amount: Decimal | None
    amount_reporting: Decimal | None
    message: str
    refs: list[str]
    review: ReviewItem | None = None


@dataclass
class EntityStatements:
    entity: EntityInfo
    tables: list[Table]
    checks: list[tuple[str, object]] = field(default_factory=list)
    reviews: list[tuple[str, ReviewItem]] = field(default_factory=list)

    @property
    def differences(self) -> list[tuple[str, object]]:
        """Checks that do not tie (a difference other than zero): shown first and loud,
        since a statement that does not balance is the first thing a checker must see."""
        return [(name, value) for name, value in self.checks
                if "difference" in name and (to_decimal(value) or 0) != 0]


@dataclass
class Kpi:
    label: str
    value: object
    prior: object
    unit: str
    change: Decimal | None = None
    prior_label: str = ""

    @property
    def change_pct(self) -> Decimal | None:
        """Change as a percentage of the prior figure (money KPIs only)."""
        prior = to_decimal(self.prior)
        if self.change is None or self.unit == "%" or not prior:
            return None
        return (self.change * 100 / abs(prior)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
