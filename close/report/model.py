"""From results.json to what the Monthly Financial Review shows, section by section.

The report reads only the results contract (the document read once by
close.results.read_results), the narrative inside it, and the review state: everything
it shows was computed by a skill and is traceable to one. This module arranges those
results for reading (statements by entity, reconciliations and tax checks as status
tables, every exception in the one ranking of close.results.ranking) so the templates
only lay out. A new section is a field here built from the ResultsDoc, and its template
block: nothing else changes (docs/architecture.md).
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from close.report.chart import bar_chart, series_points
from close.report.leadership import Leadership, leadership
from close.report.ref_lines import RefLines, ref_lines
from close.report.narrative_view import NarrativeSection, narrative_sections, ordered
from close.report.numbers import month_label, to_decimal
from close.report.review_view import ReviewView, review_view
from close.report.statements import statutory_sets
from close.report.rows import (EntityInfo, EntityStatements, ExceptionRow, Grid, Kpi, SkillRow,
                               status_grid)
from close.report.tables import Table, is_row_list, scalar_metrics, table_from_rows
from close.results import STATUSES, RankedFinding, ResultsDoc, SkillResult, rank_findings, read_results

# The statements a CFO reads in the review, in reading order: (skill, metrics key) -> title.
# Every other table of a stmt skill is a supporting schedule, kept for the workbook.
PRIMARY_STATEMENTS = {
    ("stmt.consolidation", "income_statement"): "Consolidated income statement",
    ("stmt.consolidation", "lines"): "Consolidated balance sheet",
    ("stmt.income_statement", "lines"): "Income statement",
    ("stmt.balance_sheet", "lines"): "Balance sheet",
    ("stmt.cash_flow", "lines"): "Statement of cash flows",
    ("stmt.equity_changes", "lines"): "Statement of changes in equity",
    ("stmt.notes_fixed_assets", "lines"): "Note: property, plant and equipment",
    ("stmt.notes_debt", "lines"): "Note: borrowings and leases",
    ("stmt.statutory_pack", "lines"): "Statutory pack",
}
# Figures a statement is checked by, shown beside it: the cash flow's opening and closing
# cash against the balance sheet, equity's opening, movements and closing.
STATEMENT_CHECKS = {
    "stmt.cash_flow": ("cash_opening", "net_change_in_cash", "cash_closing", "balance_sheet_cash_change"),
    "stmt.equity_changes": ("total_opening", "profit", "other_movements", "total_closing"),
}
KEY_FIGURE_NAMES = ("difference", "unreconciled", "variance", "unexplained", "gap")
MFR_SKILL = "close.mfr"
CHECKLIST_SKILL = "close.checklist"
READINESS_SKILL = "close.period_readiness"


# The document being read: results.json's catalog names each skill that ran, so the
# report never asks the registry (a report renders from results.json alone).
_doc: ContextVar[ResultsDoc | None] = ContextVar("results_doc", default=None)


def title_of(skill_id: str) -> str:
    doc = _doc.get()
    return doc.skill_title(skill_id) if doc else skill_id


# Sections added to the review, in the order they were added: id -> builder. A builder
# reads the ResultsDoc and returns what its section shows (None: nothing this month);
# templates/sections/<id>.html.j2 and <id>.md.j2 lay it out, after the sections above.
# A new section is a builder here and its two templates: nothing else changes.
REPORT_SECTIONS: dict[str, Callable[[ResultsDoc], object]] = {}


def report_section(section_id: str):
    """Register a section builder (see REPORT_SECTIONS)."""
    def register(builder: Callable[[ResultsDoc], object]):
        REPORT_SECTIONS[section_id] = builder
        return builder
    return register


@dataclass
class Report:
    month: str
    month_label: str
    prior_month_label: str
    pack_name: str
    pack_sha256: str
    reporting_currency: str
    entities: list[EntityInfo]
    status_counts: dict
    severity_counts: dict
    review: ReviewView
    narrative: dict[str, NarrativeSection] | None
    kpis: list[Kpi]
    charts: list[str]
    series: list[dict]
    statements: list[EntityStatements]
    entity_summary: list[dict]
    schedules: list[EntityStatements]
    flux_tables: list[tuple[str, Table]]
    flux_findings: list[ExceptionRow]
    reconciliations: list[SkillRow]
    recon_grid: Grid
    je_grid: Grid
    exception_areas: list[dict]
    tax_grid: Grid
    flux_grid: Grid
    recon_counts: dict
    tax: list[SkillRow]
    exceptions: list[ExceptionRow]
    exceptions_ranked_by: str
    not_run: list[SkillRow]
    checklist: SkillRow | None
    checklist_areas: list[tuple[str, dict]]
    blockers: list[dict]
    readiness_rows: list[tuple[EntityInfo, list[dict]]]
    all_results: list[SkillRow]
    usage: dict
    leadership: Leadership | None = None
    ref_lines: list[RefLines] | None = None
    statutory: list | None = None      # close.report.statements: the statutory sets
    # The REPORT_SECTIONS that have something to show: section id -> what its template shows.
    sections: dict = field(default_factory=dict)

    @property
    def cost_line(self) -> str:
        """The narrative's calls, tokens and estimated cost (results.json `usage`)."""
        from close.narrative.usage import usage_line

        return usage_line(self.usage)

    @property
    def total_skills(self) -> int:
        return sum(self.status_counts.values())

    @property
    def total_findings(self) -> int:
        return sum(self.severity_counts.values())

    @property
    def unlisted(self) -> int:
        """Findings counted but not listed (results cut at FINDINGS_PER_RESULT, the
        exceptions list at its length): all of them are in findings.csv."""
        return max(0, self.total_findings - len(self.exceptions))

    @property
    def narrative_sections(self) -> list[NarrativeSection]:
        return ordered(self.narrative) if self.narrative else []

    def narrative_for(self, section_id: str) -> NarrativeSection | None:
        return (self.narrative or {}).get(section_id)


def _prior_month(period: str) -> str:
    try:
        year, month = (int(p) for p in period.split("-"))
    except ValueError:
        return ""
    index = year * 12 + month - 2
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _entities(doc, mfr: SkillResult | None = None) -> list[EntityInfo]:
    """Entities of the run with names and currencies from results.json's catalog (or,
    for results written before it had one, from close.mfr when it ran)."""
    doc = read_results(doc)
    mfr = mfr if mfr is not None else doc.result(MFR_SKILL)
    known = dict(doc.entities_catalog)
    for raw in (mfr.metric("entities") if mfr else None) or []:
        if isinstance(raw, dict) and raw.get("entity_id") and raw["entity_id"] not in known:
            known[raw["entity_id"]] = EntityInfo(
                id=raw["entity_id"], name=raw.get("name") or "",
                currency=raw.get("functional_currency") or "", country=raw.get("country") or "",
                parent_id=raw.get("parent_id"),
                ownership_pct=Decimal(str(raw["ownership_pct"])) if raw.get("ownership_pct") is not None else None)
    ids = list(doc.entity_ids)
    for r in doc.results:
        if r.entity_id and r.entity_id not in ids:
            ids.append(r.entity_id)
    found = [known.get(i, EntityInfo(id=i)) for i in ids]
    # The parent first, then subsidiaries: the order a group's pack is read in.
    return sorted(found, key=lambda e: (e.parent_id is not None if e.id in known else True, e.id))


def _key_figure(metrics: dict) -> tuple[str, object]:
    for name in KEY_FIGURE_NAMES:
        if name in metrics and not isinstance(metrics[name], (dict, list)):
            return name, metrics[name]
    for key, value in metrics.items():
        if any(word in key for word in KEY_FIGURE_NAMES) and not isinstance(value, (dict, list)):
            return key, value
    return "", None


def _skill_row(result: SkillResult, entities: dict[str, EntityInfo], review: ReviewView,
               reporting_currency: str) -> SkillRow:
    entity = entities.get(result.entity_id) if result.entity_id else None
    key_label, key_value = _key_figure(result.metrics)
    return SkillRow(
        skill_id=result.id, title=title_of(result.id), entity_id=result.entity_id,
        entity_label=entity.label if entity else (result.entity_id or "Group"),
        currency=(entity.currency if entity else reporting_currency) or "",
        status=result.status, summary=result.summary,
        findings=result.findings_count, findings_amount=result.findings_amount,
        key_label=key_label.replace("_", " "), key_value=key_value,
        review=review.for_skill(result.id, result.entity_id),
    )


def _exception_row(f: RankedFinding, entities: dict[str, EntityInfo], reporting: str) -> ExceptionRow:
    """A finding of the one ranking (close.results.ranking) as the report lists it."""
    currency = f.currency
    if f.amount_reporting is None and f.entity_id in entities:
        currency = entities[f.entity_id].currency or currency
    return ExceptionRow(
        rank=f.rank, severity=f.severity, skill_id=f.skill_id, skill_title=title_of(f.skill_id),
        entity_id=f.entity_id, currency=currency or reporting, amount=f.amount,
        amount_reporting=f.amount_reporting, message=f.message, refs=list(f.refs))


ENTITY_SUMMARY = (("stmt.income_statement", "revenue", "Revenue"),
                  ("stmt.income_statement", "net_income", "Net income"),
                  ("stmt.balance_sheet", "total_assets", "Total assets"),
                  ("stmt.balance_sheet", "total_equity", "Total equity"))


def _entity_summary(doc: ResultsDoc, entities) -> list[dict]:
    """Each entity's headline figures in its own currency, for the compact Markdown."""
    rows = []
    for entity in entities:
        row = {"entity": entity, "figures": {}}
        for skill_id, key, label in ENTITY_SUMMARY:
            result = doc.result(skill_id, entity.id)
            row["figures"][label] = to_decimal(result.metric(key) if result else None)
        if any(v is not None for v in row["figures"].values()):
            rows.append(row)
    return rows


def _exception_areas(rows: list[ExceptionRow]) -> list[dict]:
    """Findings per area by severity, with the reporting-currency total where known."""
    areas: dict[str, dict] = {}
    for row in rows:
        area = row.skill_id.split(".", 1)[0]
        bucket = areas.setdefault(area, {"area": area, "high": 0, "medium": 0, "low": 0,
                                         "total": 0, "amount_reporting": None})
        bucket[row.severity] = bucket.get(row.severity, 0) + 1
        bucket["total"] += 1
        if row.amount_reporting is not None:
            bucket["amount_reporting"] = (bucket["amount_reporting"] or Decimal(0)) + row.amount_reporting
    order = ("je", "recon", "tax", "stmt", "flux")
    return sorted(areas.values(), key=lambda b: (order.index(b["area"]) if b["area"] in order else 9, b["area"]))


def _statement_blocks(results, entities, period, review, primary: bool,
                      reporting: str = "") -> list[EntityStatements]:
    """Per entity (the group first): the primary statements, or every other stmt table."""
    stmt = [r for r in results if r.area == "stmt" and r.ran]
    order = {key: i for i, key in enumerate(PRIMARY_STATEMENTS)}
    blocks = []
    by_id = {e.id: e for e in entities}
    for entity_id in [None] + [e.id for e in entities]:
        entity = by_id.get(entity_id) if entity_id else EntityInfo(id="Group", name="consolidated",
                                                                   currency=reporting)
        found, checks, reviews = [], [], []
        for r in stmt:
            if r.entity_id != entity_id:
                continue
            shown = False
            for key, value in r.metrics.items():
                if not is_row_list(value) or ((r.id, key) in order) != primary:
                    continue
                if primary:
                    title = PRIMARY_STATEMENTS[(r.id, key)]
                else:
                    title = title_of(r.id) if key == "lines" else f"{title_of(r.id)}: {key.replace('_', ' ')}"
                found.append((order.get((r.id, key), 0), title, value))
                shown = True
            if shown and primary:
                for key, value in scalar_metrics(r.metrics):
                    if any(word in key for word in KEY_FIGURE_NAMES) or key in STATEMENT_CHECKS.get(r.id, ()):
                        checks.append((f"{title_of(r.id)}: {key.replace('_', ' ')}", value))
                item = review.for_skill(r.id, entity_id)
                if item:
                    reviews.append((title_of(r.id), item))
        found.sort(key=lambda t: t[0])
        tables = [table_from_rows(rows, title=title, period=period) for _, title, rows in found]
        if tables:
            blocks.append(EntityStatements(entity, tables, checks, reviews))
    return blocks


def _kpis(mfr_metrics) -> list[Kpi]:
    kpis = []
    for raw in mfr_metrics.get("kpis") or []:
        if not isinstance(raw, dict):
            continue
        value, prior = to_decimal(raw.get("value")), to_decimal(raw.get("prior"))
        change = value - prior if value is not None and prior is not None else None
        kpis.append(Kpi(str(raw.get("label", raw.get("key", ""))), raw.get("value"), raw.get("prior"),
                        str(raw.get("unit") or ""), change, str(raw.get("prior_label") or "")))
    return kpis


FLUX_TABLE_TITLES = {"lines": "Statement lines above threshold",
                     "accounts": "Accounts above threshold, with the entries that drive them"}


def _flux(results, entities_by, review, reporting, period):
    """The flux area's status rows and flux.month_over_month's tables. Its findings are
    the flux findings of the one ranking (build_report)."""
    rows, tables = [], []
    for r in results:
        if r.area != "flux":
            continue
        rows.append(_skill_row(r, entities_by, review, reporting))
        entity = entities_by.get(r.entity_id or "")
        label = entity.label if entity else "Group"
        if r.id != "flux.month_over_month":
            continue
        metrics = r.metrics
        labels = {"key": "Account", "variance": "Change", "drivers": "Driving entries"}
        if metrics.get("comparison"):
            labels["comparison"] = month_label(str(metrics["comparison"]))
        keys = sorted((k for k, v in metrics.items() if is_row_list(v)),
                      key=lambda k: (list(FLUX_TABLE_TITLES).index(k) if k in FLUX_TABLE_TITLES else 9, k))
        for key in keys:
            title = FLUX_TABLE_TITLES.get(key, key.replace("_", " ").capitalize())
            tables.append((label, table_from_rows(metrics[key], title=title, period=period, labels=labels)))
    return rows, tables


def _checklist(doc: ResultsDoc, entities_by, review, reporting):
    """close.checklist's row and blockers, and the status by area: every result of the
    run counted as the console counts it (ResultsDoc.area_status_counts), with what did
    not run from the checklist, which alone knows what was expected."""
    result = doc.result(CHECKLIST_SKILL)
    if not result:
        return None, [], []
    expected = result.metric("by_area") or {}
    areas = []
    for area, counts in doc.area_status_counts().items():
        missing = expected.get(area, {}).get("missing", 0) if isinstance(expected.get(area), dict) else 0
        areas.append((area, {**counts, "missing": missing}))
    for area, counts in expected.items():
        if isinstance(counts, dict) and area not in dict(areas) and counts.get("missing"):
            areas.append((area, {**{s: 0 for s in STATUSES}, "missing": counts["missing"]}))
    blockers = [b for b in result.metric("blockers") or [] if isinstance(b, dict)]
    return _skill_row(result, entities_by, review, reporting), areas, blockers


def _period_readiness(doc: ResultsDoc, entities):
    rows = []
    for entity in entities:
        result = doc.result(READINESS_SKILL, entity.id)
        if result and is_row_list(result.metric("checks")):
            rows.append((entity, result.metrics["checks"]))
    return rows


def build_report(doc, review_state=None, lines: dict | None = None, totals: dict | None = None) -> Report:
    """The report's model of a results document (results.json, as parsed JSON or already
    read by close.results.read_results, and the review state); `lines` are the rows of
    the books behind refs (close.pipeline), for the appendix, and `totals` what all of a
    ref's rows add up to when `lines` lists only the first (close.refs.first_rows_and_totals)."""
    doc = read_results(doc)
    token = _doc.set(doc)
    try:
        report = _build_report(doc, review_state)
        report.sections = {section_id: shown for section_id, builder in REPORT_SECTIONS.items()
                           if (shown := builder(doc)) is not None}
        cited = [ref for v in report.leadership.variances for ref in v.refs]
        cited += [ref for row in report.exceptions + report.flux_findings for ref in row.refs]
        report.ref_lines = ref_lines(cited, lines, totals)
        report.statutory = statutory_sets(doc, report.entities, report.reporting_currency)
        return report
    finally:
        _doc.reset(token)


def _build_report(doc: ResultsDoc, review_state=None) -> Report:
    results = list(doc.results)
    period = str(doc.month)
    mfr = doc.result(MFR_SKILL)
    mfr_metrics = mfr.metrics if mfr else {}
    reporting = str(mfr_metrics.get("reporting_currency") or doc.reporting_currency or "")
    entities = _entities(doc, mfr)
    entities_by = {e.id: e for e in entities}
    review = review_view(review_state)
    status_counts = doc.status_counts()
    severity_counts = doc.severity_counts()

    series = [row for row in mfr_metrics.get("series") or [] if isinstance(row, dict)]
    charts = [bar_chart(series_points(series, key), title=f"Group {label.lower()} by month, {reporting}",
                        label=label, currency=reporting)
              for key, label in (("revenue", "Revenue"), ("net_income", "Net income"))]
    charts = [c for c in charts if c]

    rows = {r_id: [] for r_id in ("je", "recon", "tax")}
    recon_counts = {s: 0 for s in STATUSES}
    for r in results:
        if r.area in rows:
            rows[r.area].append(_skill_row(r, entities_by, review, reporting))
            if r.area == "recon":
                recon_counts[r.status] += 1
    position = {e.id: i for i, e in enumerate(entities)}
    for area_rows in rows.values():
        area_rows.sort(key=lambda row: (row.skill_id, position.get(row.entity_id or "", -1)))

    ranking = rank_findings(doc)
    exceptions = [_exception_row(f, entities_by, reporting) for f in ranking.listed]
    # Every flux finding, in its place in the same ranking (rank and both amounts).
    flux_findings = [_exception_row(f, entities_by, reporting) for f in ranking.findings if f.area == "flux"]
    for row in exceptions + flux_findings:
        row.review = review.for_skill(row.skill_id, row.entity_id)
    flux_rows, flux_tables = _flux(results, entities_by, review, reporting, period)
    order = {e.label: i for i, e in enumerate(entities)}
    flux_tables.sort(key=lambda t: order.get(t[0], len(order)))  # stable: tables keep their order
    checklist, areas, blockers = _checklist(doc, entities_by, review, reporting)
    not_run = [_skill_row(r, entities_by, review, reporting) for r in results
               if r.status in ("skipped", "error")]
    not_run.sort(key=lambda row: (row.status != "error", row.skill_id, row.entity_id or ""))

    return Report(
        month=period, month_label=month_label(period), prior_month_label=month_label(_prior_month(period)),
        pack_name=doc.pack_name, pack_sha256=doc.pack_sha256,
        reporting_currency=reporting, entities=entities,
        status_counts=status_counts, severity_counts=severity_counts, review=review,
        narrative=narrative_sections(doc), kpis=_kpis(mfr_metrics), charts=charts, series=series,
        statements=_statement_blocks(results, entities, period, review, True, reporting),
        schedules=_statement_blocks(results, entities, period, review, False, reporting),
        entity_summary=_entity_summary(doc, entities),
        flux_tables=flux_tables, flux_findings=flux_findings,
        reconciliations=rows["recon"], recon_counts=recon_counts, tax=rows["tax"],
        recon_grid=status_grid(rows["recon"], entities), tax_grid=status_grid(rows["tax"], entities),
        je_grid=status_grid(rows["je"], entities),
        exception_areas=_exception_areas(exceptions),
        flux_grid=status_grid(flux_rows, entities),
        exceptions=exceptions, exceptions_ranked_by=ranking.ranked_by, not_run=not_run,
        checklist=checklist, checklist_areas=areas, blockers=blockers,
        readiness_rows=_period_readiness(doc, entities),
        all_results=[_skill_row(r, entities_by, review, reporting) for r in results],
        usage=doc.usage,
        leadership=leadership(doc, results, entities, review, severity_counts),
    )
