"""The MFR's first page: what a leadership meeting reads before any detail.

Figures by entity against the prior month, the prior year and the budget; the KPIs the
skills compute (EBITDA, DSO, DPO, current ratio); every variance over threshold with its
drivers, the explanation and owner the review gave it (or "explanation required"); and
what sign-off needs, stated as close.review.signoff enforces it. Every figure is read
from results.json as a skill wrote it: nothing here adds amounts up.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from close.report.numbers import to_decimal
from close.report.review_view import ReviewView
from close.report.rows import EntityInfo
from close.results import ResultsDoc, SkillResult

# Variances leadership is asked to explain: the flux skills that compare against a
# prior period or the budget and flag what is over both thresholds.
VARIANCE_SKILLS = {"flux.month_over_month": "prior month", "flux.year_over_year": "prior year",
                   "flux.budget_vs_actual": "budget"}
EXPLANATION_REQUIRED = "explanation required"


@dataclass
class Figure:
    label: str
    value: Decimal | None
    prior_month: Decimal | None = None
    prior_year: Decimal | None = None
    unit: str = ""          # "", "days", "x", "%"

    def change(self, against: Decimal | None) -> Decimal | None:
        return None if self.value is None or against is None else self.value - against


@dataclass
class EntityFigures:
    entity: EntityInfo
    figures: list[Figure]
    budget_variance: Decimal | None = None      # flux.budget_vs_actual total_variance
    budget_variance_ytd: Decimal | None = None


@dataclass
class Variance:
    skill_id: str
    entity_id: str | None
    against: str
    severity: str
    amount: Decimal | None
    currency: str
    message: str
    drivers: list[str]
    refs: list[str]
    explanation: str = EXPLANATION_REQUIRED
    owner: str = ""
    review_id: str = ""

    @property
    def explained(self) -> bool:
        return self.explanation != EXPLANATION_REQUIRED


@dataclass
class Requirement:
    text: str
    met: bool | None        # None: checked by `close signoff` itself, not knowable here
    detail: str


@dataclass
class Leadership:
    entities: list[EntityFigures]
    variances: list[Variance]
    requirements: list[Requirement]
    decisions: list[str] = field(default_factory=list)

    @property
    def unexplained(self) -> int:
        return sum(1 for v in self.variances if not v.explained)


def _find(results: list[SkillResult], skill_id, entity_id) -> dict:
    for r in results:
        if r.id == skill_id and r.entity_id == entity_id:
            return r.metrics
    return {}


def _subtotal(comparatives: dict, section: str) -> dict:
    for row in comparatives.get("income_statement") or []:
        if isinstance(row, dict) and row.get("section") == section and row.get("kind") == "subtotal":
            return row
    return {}


def entity_figures(results: list[SkillResult], entities: list[EntityInfo]) -> list[EntityFigures]:
    """Each entity's month in its own currency: stmt.comparatives for the income
    statement's subtotals against the prior month and year, flux.kpis for revenue,
    EBITDA and the current ratio, flux.ar_aging / ap_aging for DSO and DPO."""
    rows = []
    for entity in entities:
        comp = _find(results, "stmt.comparatives", entity.id)
        kpis = _find(results, "flux.kpis", entity.id)
        prior = kpis.get("prior") if isinstance(kpis.get("prior"), dict) else {}
        figures = [Figure("Revenue", to_decimal(kpis.get("revenue")), to_decimal(prior.get("revenue")))]
        for section, label in (("gross_profit", "Gross profit"), ("operating_profit", "Operating profit")):
            row = _subtotal(comp, section)
            figures.append(Figure(label, to_decimal(row.get("mtd")), to_decimal(row.get("prior_month")),
                                  to_decimal(row.get("prior_year"))))
        figures.append(Figure("EBITDA", to_decimal(kpis.get("ebitda")), to_decimal(prior.get("ebitda"))))
        net = comp.get("net_income") if isinstance(comp.get("net_income"), dict) else {}
        figures.append(Figure("Net income", to_decimal(net.get("mtd")), to_decimal(net.get("prior_month")),
                              to_decimal(net.get("prior_year"))))
        figures.append(Figure("Current ratio", to_decimal(kpis.get("current_ratio")),
                              to_decimal(prior.get("current_ratio")), unit="x"))
        figures.append(Figure("DSO", to_decimal(_find(results, "flux.ar_aging", entity.id).get("dso")), unit="days"))
        figures.append(Figure("DPO", to_decimal(_find(results, "flux.ap_aging", entity.id).get("dpo")), unit="days"))
        budget = _find(results, "flux.budget_vs_actual", entity.id)
        if any(f.value is not None for f in figures) or budget:
            rows.append(EntityFigures(entity, figures, to_decimal(budget.get("total_variance")),
                                      to_decimal(budget.get("total_variance_ytd"))))
    return rows


def variances(results: list[SkillResult], review: ReviewView) -> list[Variance]:
    """Every finding of the comparing flux skills, largest first, with the journal
    entries its refs name as drivers and the review's latest comment on its item as the
    explanation (its author the owner); an item approved without a comment is accepted
    by whoever approved it."""
    found = []
    for r in results:
        against = VARIANCE_SKILLS.get(r.id)
        if not against:
            continue
        item = review.for_skill(r.id, r.entity_id)
        comments = review.comments_for(r.id, r.entity_id)
        for f in r.findings:
            refs = list(f.refs)
            v = Variance(r.id, r.entity_id, against, f.severity, f.amount,
                         str(r.metric("currency") or ""), f.message,
                         [x.split(":", 1)[1] for x in refs if x.startswith("journal_lines:")], refs,
                         review_id=item.id if item else "")
            if comments:
                v.explanation, v.owner = str(comments[-1].get("text", "")), str(comments[-1].get("by", ""))
            elif item and item.status == "approved":
                v.explanation = f"accepted in review ({item.id})"
                v.owner = item.decided_by
            found.append(v)
    found.sort(key=lambda v: (-(abs(v.amount) if v.amount is not None else Decimal(0)), v.skill_id,
                              v.entity_id or ""))
    return found


def requirements(doc: ResultsDoc, review: ReviewView) -> list[Requirement]:
    """What `close signoff` checks before it locks the month (close/review/signoff.py),
    and how this month stands on each. Findings themselves do not block sign-off: a
    reviewer approves each result with exceptions, and approval is what is required."""
    complete = doc.complete
    errors = doc.status_counts()["error"]
    signed = review.signed_off or {}
    reqs = [
        Requirement("A complete close: every skill and entity, none in error",
                    complete and not errors,
                    ("complete" if complete else "a partial run (--skills or --entity)")
                    + (f"; {errors} skill result(s) errored" if errors else "; no skill errored")),
        Requirement("Run on the current books", True if signed else None,
                    "checked at sign-off" if signed else
                    "checked by close signoff: the books must still have the sha256 the close ran on"),
    ]
    if review.available:
        reqs.append(Requirement("Every review item approved", review.approved == review.total,
                                f"{review.approved} of {review.total} approved"))
    else:
        reqs.append(Requirement("Every review item approved", None, "review state unavailable"))
    reqs.append(Requirement(
        "Signed off by a controller who did not run the close", bool(signed) if review.available else None,
        f"signed off by {signed.get('by')} at {signed.get('at')}" if signed else "not yet signed off"))
    return reqs


def decisions(reqs: list[Requirement], found: list[Variance], review: ReviewView,
              severity_counts: dict) -> list[str]:
    """The asks of the meeting, in the order they unblock the month."""
    asks = []
    unexplained = [v for v in found if not v.explained]
    if unexplained:
        asks.append(f"Explain {len(unexplained)} variance{'s' if len(unexplained) != 1 else ''} over "
                    f"threshold (a comment on the review item records explanation and owner)")
    if review.available and review.approved < review.total:
        left = review.total - review.approved
        asks.append(f"Decide {left} review item{'s' if left != 1 else ''} still pending or rejected")
    high = int(severity_counts.get("high") or 0)
    if high:
        asks.append(f"Resolve or accept {high} high-severity finding{'s' if high != 1 else ''}: "
                    f"each is approved in review with a note, or corrected and the close run again")
    if reqs and reqs[0].met is False:
        asks.append("Run the whole close again: " + reqs[0].detail)
    if not review.signed_off and all(r.met is not False for r in reqs[:3]):
        asks.append("Sign off: a controller who did not run the close")
    return asks


def leadership(doc: ResultsDoc, results: list[SkillResult], entities: list[EntityInfo], review: ReviewView,
               severity_counts: dict) -> Leadership:
    found = variances(results, review)
    reqs = requirements(doc, review)
    return Leadership(entity_figures(results, entities), found, reqs,
                      decisions(reqs, found, review, severity_counts))
