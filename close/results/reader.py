"""The one typed reader of results.json: built once from the parsed JSON, checked, then
read through typed fields instead of `.get()` on nested dicts.

The narrative, the report, the review, the agent's answers and the command line read a
results document through `read_results`, so a document that is not ours (or written by
another version of close) is refused once, here, with a message that says where it is
wrong, and every reader gets the same guarantees: amounts are Decimal (parsed from the
JSON's exact strings), the month is a `Month`, a status and a severity are from the
vocabulary, the catalog's titles, areas, names and currencies are plain strings.

A skill's metrics are its own (each skill documents them), so they stay the JSON values
the skill wrote: the reader checks they are an object and hands them on as they are.
`ResultsDoc.to_dict()` gives back the document it was read from, key for key: the round
trip is how the tests show that every field is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Mapping

from close.periods import BadMonth, Month, parse_month
from close.skill import AREA_ORDER, SEVERITIES, STATUSES, summarises

# The parts of results.json this reader knows. A result or finding with another key was
# written by another version of close, whose meaning this one cannot vouch for.
RESULT_KEYS = ("id", "entity_id", "status", "summary", "metrics", "findings", "findings_omitted")
FINDING_KEYS = ("severity", "message", "amount", "refs")
OMITTED_KEYS = ("count", "amount", "by_severity", "listed_in")
CORE_KEYS = ("month", "pack", "entities", "scope", "catalog", "skills")


class ResultsError(ValueError):
    """A results document that is not one close wrote (or not of this version)."""


def _refuse(where: str, what: str):
    raise ResultsError(f"not a results.json of this version of close: {where} {what}")


def _decimal(value, where: str) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, str):
        _refuse(where, f"must be a decimal string, not {type(value).__name__} {value!r}")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        _refuse(where, f"must be a decimal string, not {value!r}")
    if not amount.is_finite():
        _refuse(where, f"must be a finite amount, not {value!r}")
    return amount


def _text(value, where: str, default: str = "") -> str:
    if value is None:
        return default
    if not isinstance(value, str):
        _refuse(where, f"must be text, not {type(value).__name__}")
    return value


def _object(value, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        _refuse(where, f"must be an object, not {type(value).__name__}")
    return value


def _list(value, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        _refuse(where, f"must be a list, not {type(value).__name__}")
    return value


def _unknown(raw: dict, known: tuple[str, ...], where: str) -> None:
    extra = sorted(set(raw) - set(known))
    if extra:
        _refuse(where, f"has {', '.join(map(repr, extra))}, which this version does not write")


def _amount_text(amount: Decimal | None) -> str | None:
    """The JSON string an amount was read from (close.results.jsonable's format)."""
    if amount is None:
        return None
    text = format(amount, "f")
    return "0.00" if text == "-0.00" else text


@dataclass(frozen=True)
class FindingView:
    """One finding as results.json lists it."""

    severity: str
    message: str
    amount: Decimal | None
    refs: tuple[str, ...]

    @classmethod
    def read(cls, raw, where: str) -> "FindingView":
        raw = _object(raw, where)
        _unknown(raw, FINDING_KEYS, where)
        severity = raw.get("severity")
        if severity not in SEVERITIES:
            _refuse(f"{where}.severity", f"must be one of {', '.join(SEVERITIES)}, not {severity!r}")
        refs = _list(raw.get("refs"), f"{where}.refs")
        return cls(severity, _text(raw.get("message"), f"{where}.message"),
                   _decimal(raw.get("amount"), f"{where}.amount"),
                   tuple(_text(r, f"{where}.refs[{i}]") for i, r in enumerate(refs)))

    def to_dict(self) -> dict:
        return {"severity": self.severity, "message": self.message,
                "amount": _amount_text(self.amount), "refs": list(self.refs)}


@dataclass(frozen=True)
class Omitted:
    """Findings a result counts but does not list (they are in findings.csv)."""

    count: int
    amount: Decimal
    by_severity: Mapping[str, int]
    listed_in: str

    @classmethod
    def read(cls, raw, where: str) -> "Omitted":
        raw = _object(raw, where)
        _unknown(raw, OMITTED_KEYS, where)
        by_severity = _object(raw.get("by_severity"), f"{where}.by_severity")
        counts = {}
        for severity, n in by_severity.items():
            if severity not in SEVERITIES or not isinstance(n, int):
                _refuse(f"{where}.by_severity", f"has {severity!r}: {n!r}")
            counts[severity] = n
        count = raw.get("count", 0)
        if not isinstance(count, int) or count < 0:
            _refuse(f"{where}.count", f"must be a count, not {count!r}")
        return cls(count, _decimal(raw.get("amount", "0"), f"{where}.amount") or Decimal(0),
                   MappingProxyType(counts), _text(raw.get("listed_in"), f"{where}.listed_in"))

    def to_dict(self) -> dict:
        return {"count": self.count, "amount": _amount_text(self.amount),
                "by_severity": dict(self.by_severity), "listed_in": self.listed_in}


@dataclass(frozen=True)
class SkillResult:
    """What one skill found for one entity (or the group, entity_id None)."""

    id: str
    entity_id: str | None
    status: str
    summary: str
    metrics: Mapping[str, Any]          # the skill's own figures, as the skill wrote them
    findings: tuple[FindingView, ...]
    omitted: Omitted | None = None

    @classmethod
    def read(cls, raw, where: str) -> "SkillResult":
        raw = _object(raw, where)
        _unknown(raw, RESULT_KEYS, where)
        skill_id = raw.get("id")
        if not isinstance(skill_id, str) or not skill_id:
            _refuse(f"{where}.id", f"must be a skill id, not {skill_id!r}")
        where = f"{where} ({skill_id})"
        status = raw.get("status")
        if status not in STATUSES:
            _refuse(f"{where}.status", f"must be one of {', '.join(STATUSES)}, not {status!r}")
        entity_id = raw.get("entity_id")
        if entity_id is not None and not isinstance(entity_id, str):
            _refuse(f"{where}.entity_id", f"must be an entity id or null, not {entity_id!r}")
        findings = _list(raw.get("findings"), f"{where}.findings")
        omitted = raw.get("findings_omitted")
        return cls(skill_id, entity_id, status, _text(raw.get("summary"), f"{where}.summary"),
                   _object(raw.get("metrics"), f"{where}.metrics"),
                   tuple(FindingView.read(f, f"{where}.findings[{i}]") for i, f in enumerate(findings)),
                   Omitted.read(omitted, f"{where}.findings_omitted") if omitted is not None else None)

    @property
    def area(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def summarises(self) -> bool:
        """A close-area skill: it restates other skills' findings, so they are not counted twice."""
        return summarises(self.id)

    @property
    def ran(self) -> bool:
        return self.status in ("pass", "exceptions")

    @property
    def findings_count(self) -> int:
        """Every finding of the result, listed or not."""
        return len(self.findings) + (self.omitted.count if self.omitted else 0)

    @property
    def severity_counts(self) -> dict[str, int]:
        """Findings by severity, listed and omitted."""
        counts = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            counts[f.severity] += 1
        for severity, n in (self.omitted.by_severity if self.omitted else {}).items():
            counts[severity] += n
        return counts

    @property
    def findings_amount(self) -> Decimal | None:
        """Total of the findings' amounts, listed and omitted (None: no finding has one)."""
        amounts = [f.amount for f in self.findings if f.amount is not None]
        if self.omitted:
            amounts.append(self.omitted.amount)
        return sum(amounts, Decimal(0)) if amounts else None

    def metric(self, name: str, default=None):
        return self.metrics.get(name, default)

    def to_dict(self) -> dict:
        doc = {"id": self.id, "entity_id": self.entity_id, "status": self.status,
               "summary": self.summary, "metrics": dict(self.metrics),
               "findings": [f.to_dict() for f in self.findings]}
        if self.omitted is not None:
            doc["findings_omitted"] = self.omitted.to_dict()
        return doc


@dataclass(frozen=True)
class SkillInfo:
    title: str
    area: str


@dataclass(frozen=True)
class CatalogEntity:
    """An entity of the run as the catalog names it."""

    id: str
    name: str = ""
    currency: str = ""
    country: str = ""
    parent_id: str | None = None
    ownership_pct: Decimal | None = None

    @property
    def label(self) -> str:
        """"US01 · Acme Holdings Inc.", or the id alone when the catalog has no name."""
        return f"{self.id} · {self.name}" if self.name else self.id

    def to_dict(self) -> dict:
        return {"name": self.name, "currency": self.currency, "country": self.country,
                "parent_id": self.parent_id, "ownership_pct": _amount_text(self.ownership_pct)}


def _catalog_entity(entity_id: str, raw, where: str) -> CatalogEntity:
    raw = _object(raw, where)
    parent = raw.get("parent_id")
    if parent is not None and not isinstance(parent, str):
        _refuse(f"{where}.parent_id", f"must be an entity id or null, not {parent!r}")
    return CatalogEntity(entity_id, _text(raw.get("name"), f"{where}.name"),
                         _text(raw.get("currency"), f"{where}.currency"),
                         _text(raw.get("country"), f"{where}.country"), parent,
                         _decimal(raw.get("ownership_pct"), f"{where}.ownership_pct"))


@dataclass(frozen=True)
class ResultsDoc:
    """A results document, read and checked once."""

    month: Month
    pack_name: str
    pack_sha256: str
    entity_ids: tuple[str, ...]
    complete: bool
    reporting_currency: str
    skills_catalog: Mapping[str, SkillInfo]
    entities_catalog: Mapping[str, CatalogEntity]
    results: tuple[SkillResult, ...]
    # What the stages after the skills added (narrative, usage, ...), in file order.
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Which of the core keys the document had, so to_dict() gives back what was read.
    present: tuple[str, ...] = CORE_KEYS

    @property
    def narrative(self) -> dict | None:
        value = self.extra.get("narrative")
        return value if isinstance(value, dict) else None

    @property
    def usage(self) -> dict:
        value = self.extra.get("usage")
        return value if isinstance(value, dict) else {}

    def results_for(self, skill_id: str) -> list[SkillResult]:
        """Every result of a skill (one per entity, or the group's)."""
        return [r for r in self.results if r.id == skill_id]

    def result(self, skill_id: str, entity_id: str | None = None) -> SkillResult | None:
        """The skill's result for one entity (None: the group's), or None if it has none."""
        return next((r for r in self.results if r.id == skill_id and r.entity_id == entity_id), None)

    def skill_title(self, skill_id: str) -> str:
        info = self.skills_catalog.get(skill_id)
        return info.title if info and info.title else skill_id

    def skill_area(self, skill_id: str) -> str:
        info = self.skills_catalog.get(skill_id)
        return info.area if info and info.area else skill_id.split(".", 1)[0]

    def skill_titles(self) -> dict[str, str]:
        return {skill_id: self.skill_title(skill_id) for skill_id in self.skills_catalog}

    def entity(self, entity_id: str) -> CatalogEntity | None:
        return self.entities_catalog.get(entity_id)

    def entity_currency(self, entity_id: str | None) -> str:
        """An entity's functional currency; the reporting currency for the group (None)
        or an entity the catalog does not name."""
        entity = self.entities_catalog.get(entity_id) if entity_id else None
        return (entity.currency if entity and entity.currency else self.reporting_currency) or ""

    def entity_currencies(self) -> dict[str, str]:
        return {k: e.currency for k, e in self.entities_catalog.items()}

    def counted(self) -> list[SkillResult]:
        """Results whose findings count: every skill outside the close area."""
        return [r for r in self.results if not r.summarises]

    def status_counts(self) -> dict[str, int]:
        """Results by status: every result of the run, the close area's included."""
        counts = {s: 0 for s in STATUSES}
        for r in self.results:
            counts[r.status] += 1
        return counts

    def area_status_counts(self) -> dict[str, dict[str, int]]:
        """Results by area, then status: every result of the run, areas in AREA_ORDER.
        The console summary and the report's status by area both count this way."""
        return area_status_counts((r.area, r.status) for r in self.results)

    def severity_counts(self) -> dict[str, int]:
        """Findings by severity, listed and omitted, of the results that count."""
        counts = {s: 0 for s in SEVERITIES}
        for r in self.counted():
            for severity, n in r.severity_counts.items():
                counts[severity] += n
        return counts

    def to_dict(self) -> dict:
        """The document as it was read (key for key, for a document close wrote)."""
        core = {
            "month": str(self.month),
            "pack": {"name": self.pack_name, "sha256": self.pack_sha256},
            "entities": list(self.entity_ids),
            "scope": {"complete": self.complete},
            "catalog": {"reporting_currency": self.reporting_currency or None,
                        "skills": {k: {"title": v.title, "area": v.area} for k, v in self.skills_catalog.items()},
                        "entities": {k: v.to_dict() for k, v in self.entities_catalog.items()}},
            "skills": [r.to_dict() for r in self.results],
        }
        doc = {key: value for key, value in core.items() if key in self.present}
        doc.update(self.extra)
        return doc


def area_status_counts(pairs) -> dict[str, dict[str, int]]:
    """(area, status) pairs counted by area then status, areas in AREA_ORDER (others after,
    by name): the one way results are counted by area, for the console and the report."""
    counts: dict[str, dict[str, int]] = {}
    for area, status in pairs:
        counts.setdefault(area, {s: 0 for s in STATUSES})[status] += 1
    order = {area: i for i, area in enumerate(AREA_ORDER)}
    return dict(sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))


def read_results(doc) -> ResultsDoc:
    """A results document (the parsed JSON, or one already read) as a ResultsDoc; a
    ResultsError names the first place where it is not a results.json of this version."""
    if isinstance(doc, ResultsDoc):
        return doc
    if not isinstance(doc, dict):
        raise ResultsError(f"not a results.json: expected a JSON object, not {type(doc).__name__}")
    if "skills" not in doc or "month" not in doc:
        missing = [k for k in ("month", "skills") if k not in doc]
        raise ResultsError(f"not a results.json of this version of close: it has no {' or '.join(missing)}")
    try:
        month = parse_month(doc["month"]) if isinstance(doc["month"], str) else None
    except BadMonth:
        month = None
    if month is None:
        _refuse("month", f"must be YYYY-MM, not {doc['month']!r}")
    pack = _object(doc.get("pack"), "pack")
    entity_ids = _list(doc.get("entities"), "entities")
    scope = _object(doc.get("scope"), "scope")
    catalog = _object(doc.get("catalog"), "catalog")
    skills = {}
    for skill_id, raw in _object(catalog.get("skills"), "catalog.skills").items():
        raw = _object(raw, f"catalog.skills.{skill_id}")
        skills[skill_id] = SkillInfo(_text(raw.get("title"), f"catalog.skills.{skill_id}.title"),
                                     _text(raw.get("area"), f"catalog.skills.{skill_id}.area"))
    entities = {entity_id: _catalog_entity(entity_id, raw, f"catalog.entities.{entity_id}")
                for entity_id, raw in _object(catalog.get("entities"), "catalog.entities").items()}
    results = tuple(SkillResult.read(r, f"skills[{i}]") for i, r in enumerate(_list(doc["skills"], "skills")))
    return ResultsDoc(
        month=month, pack_name=_text(pack.get("name"), "pack.name"),
        pack_sha256=_text(pack.get("sha256"), "pack.sha256"),
        entity_ids=tuple(_text(e, f"entities[{i}]") for i, e in enumerate(entity_ids)),
        complete=bool(scope.get("complete", False)),
        reporting_currency=_text(catalog.get("reporting_currency"), "catalog.reporting_currency"),
        skills_catalog=MappingProxyType(skills), entities_catalog=MappingProxyType(entities),
        results=results, extra=MappingProxyType({k: v for k, v in doc.items() if k not in CORE_KEYS}),
        present=tuple(k for k in CORE_KEYS if k in doc))
