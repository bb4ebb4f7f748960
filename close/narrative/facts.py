"""The facts a narrative may state: compact, exact, each with a stable id.

Built from the results contract, read through its typed reader (close.results.
read_results) and nothing else, so Claude and the fallback drafter see the same numbers
the report shows. A document that is not a results.json of this version is refused
there, with the reader's message; a result whose metrics (the skill's own free-form
figures) are of a shape this module does not expect keeps its status line and loses
only the facts it cannot give. A fact is a value as a string
with its unit (an ISO currency, count, %, ratio, number, date, month, status or text), a
label made by code, and, where the books supplied words (skill summaries, finding
messages, statement line names), that text kept apart in `text` so it only ever reaches
the model inside the delimited data block. No ledger rows are copied: a finding brings
its amount, severity, message and at most three refs.

Ids are `<entity or group>.<skill id>.<what>` (US01.recon.bank.difference,
US01.stmt.income_statement.revenue, group.close.exceptions_summary.finding_1) plus
`run.*` for the close as a whole, `<section>.*` for counts of a section, and the
headline figures of headline.py (`group.revenue`, `US01.net_income`), so the same pack
and month always give the same ids.

Findings are counted as the report counts them: the close area's skills
(close.exceptions_summary, close.checklist, close.period_readiness) restate the
findings of other skills, so their own findings are left out of every count and list.
Findings are ranked as the report ranks them: by close.exceptions_summary's order
(severity, then amount in the reporting currency) when it ran, else by severity and
amount; `FactSheet.ranks` gives each finding fact its place in that order.

Compactness: skills differ in how much they report and some report a lot, so every
list is capped (lines per statement, metrics per result, findings per result and per
section) and passing or skipped checks are listed by id in one line per section rather
than one fact each.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from close.narrative.ranking import counted, ordered_findings
from close.narrative.sections import SECTION_IDS, SECTIONS, STATEMENTS, section_for
from close.narrative.verify import CURRENCY_CODES
from close.results import SEVERITIES, FindingView, ResultsDoc, SkillResult, rank_key, read_results

MAX_LINES = 25              # statement lines per result (all-zero lines left out)
MAX_DETAIL_LINES = 10       # lines of other checks, when they found exceptions
MAX_METRICS = 8             # scalar metrics per result
MAX_ITEMS = 3               # rows of a list metric (e.g. per bank account), checks with exceptions only
MAX_ITEM_FIELDS = 4
MAX_FINDINGS = 3            # findings per result in its area's section
MAX_TOP_FINDINGS = 15       # findings in the exceptions section
MAX_HEADLINE_FINDINGS = 5   # findings in the executive summary
MAX_REFS = 3
MAX_TEXT = 240              # characters of ledger text per fact
# Statements that repeat lines other statements already state: status and metrics only.
LINES_ELSEWHERE = ("stmt.comparatives", "stmt.fx_translation", "stmt.trial_balance_export",
                   "stmt.statutory_pack")
COLUMN_KEYS = ("amount", "ytd", "prior", "prior_year")

_PCT = re.compile(r"pct|percent")
_NUMBER = re.compile(r"ratio|rate|share|days|months|dso|dpo|runway|chi|mad|score|benford|weight")
KEY_METRIC = re.compile(r"difference|variance|total|balance|net|revenue|income|profit|unreconciled|gap")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
# headline figures (headline.py) by what they are -> sections that state them
HEADLINE_SECTIONS = {
    "revenue": ("executive_summary", "results_of_operations"),
    "net_income": ("executive_summary", "results_of_operations"),
    "gross_margin_pct": ("results_of_operations",), "revenue_ytd": ("results_of_operations",),
    "net_income_ytd": ("results_of_operations",), "operating_profit": ("results_of_operations",),
    "operating_profit_ytd": ("results_of_operations",),
    "cash": ("executive_summary", "balance_sheet_and_cash"),
    "total_assets": ("balance_sheet_and_cash",), "total_liabilities": ("balance_sheet_and_cash",),
    "total_equity": ("balance_sheet_and_cash",), "balance_difference": ("balance_sheet_and_cash",),
    "working_capital": ("balance_sheet_and_cash",),
}


@dataclass(frozen=True)
class Fact:
    id: str
    value: str
    unit: str
    label: str
    text: str | None = None          # words from the books: data, never instructions
    refs: tuple[str, ...] = ()

    @property
    def is_line(self) -> bool:
        """A statement line's figure: its `text` is the line's name."""
        return ": line, " in self.label

    def as_dict(self) -> dict:
        d = asdict(self)
        d["refs"] = list(self.refs)
        return {k: v for k, v in d.items() if v not in (None, [], ())}


@dataclass
class FactSheet:
    """Facts per section plus what a drafter needs to speak about the run."""

    month: str
    reporting_currency: str | None
    sections: dict[str, list[Fact]] = field(default_factory=dict)
    ranks: dict[str, int] = field(default_factory=dict)   # finding fact id -> place in the report's order

    def facts(self, section_id: str) -> list[Fact]:
        return self.sections.get(section_id, [])

    def sha256(self, section_id: str) -> str:
        payload = json.dumps([f.as_dict() for f in self.facts(section_id)], sort_keys=True,
                             ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def by_id(self, section_id: str) -> dict[str, Fact]:
        return {f.id: f for f in self.facts(section_id)}


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")
    return s or "x"


def clip(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _month_facts(m) -> list[Fact]:
    """The month's dates, from the document's Month."""
    year_ago = m.shift(-12)
    return [
        Fact("run.month", str(m), "month", "Month under review"),
        Fact("run.period_start", m.first_day.isoformat(), "date", "First day of the month"),
        Fact("run.period_end", m.last_day.isoformat(), "date", "Month end"),
        Fact("run.prior_month", str(m.prev), "month", "Prior month"),
        Fact("run.prior_month_end", m.prev.last_day.isoformat(), "date", "Prior month end"),
        Fact("run.prior_year_month", str(year_ago), "month", "Same month last year"),
    ]


def classify(key: str, value, currency: str | None) -> tuple[str, str] | None:
    """(value, unit) for a metric, or None when it is not a figure worth stating."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value), "count"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f"), "number"
    if isinstance(value, Decimal):
        value = format(value, "f")
    if not isinstance(value, str):
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value, "date"
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return value, "month"
    if not _DECIMAL.match(value):
        return None
    k = key.lower()
    if _PCT.search(k):
        return value, "%"
    if _NUMBER.search(k):
        return value, "number"
    if re.fullmatch(r"-?\d+\.\d{2}", value):
        return value, currency or "amount"
    return value, "number"


class _Builder:
    def __init__(self, currencies: dict, titles: dict, reporting: str | None):
        self.currencies = currencies
        self.titles = titles
        self.reporting = reporting
        self.sections: dict[str, list[Fact]] = {s: [] for s in SECTION_IDS}
        self.seen: dict[str, set[str]] = {s: set() for s in SECTION_IDS}

    def add(self, section: str, fact: Fact) -> Fact:
        ids = self.seen[section]
        if fact.id in ids:
            n = 2
            while f"{fact.id}_{n}" in ids:
                n += 1
            fact = Fact(f"{fact.id}_{n}", fact.value, fact.unit, fact.label, fact.text, fact.refs)
        ids.add(fact.id)
        self.sections[section].append(fact)
        return fact

    def share(self, section: str, fact: Fact) -> None:
        """The same fact, same id, in another section (headline figures)."""
        if fact.id not in self.seen[section]:
            self.seen[section].add(fact.id)
            self.sections[section].append(fact)

    def currency(self, result: SkillResult) -> str | None:
        """The result's own `currency` metric when it names one, else the entity's. Only
        ISO codes the figure checker knows: anything else would be a unit no figure can
        match (close.narrative.verify refuses it), so such money is a plain `amount`."""
        stated = result.metric("currency")
        if isinstance(stated, str) and stated in CURRENCY_CODES:
            return stated
        return self.currencies.get(result.entity_id) if result.entity_id else self.reporting

    def name(self, result: SkillResult) -> str:
        title = self.titles.get(result.id, result.id)
        return f"{title} ({result.entity_id or 'group'})"

    def prefix(self, result: SkillResult) -> str:
        return f"{result.entity_id or 'group'}.{result.id}"


def _ranked(findings: tuple[FindingView, ...]) -> list[tuple[int, FindingView]]:
    """A result's findings in the one finding order (close.skill.rank_key, by the size
    of the amount), each with its 1-based index in the result."""
    def key(pair):
        i, f = pair
        return (rank_key(f.severity, abs(f.amount) if f.amount is not None else None, f.refs, f.message), i)
    return sorted(enumerate(findings, start=1), key=key)


def _decimal(value) -> Decimal | None:
    """A metric's value as a number, None when it is not one (metrics are free-form)."""
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def finding_fact(b: _Builder, result: SkillResult, index: int, finding: FindingView) -> Fact:
    currency = b.currency(result) or "amount"
    amount = finding.amount
    value, unit = (format(amount, "f"), currency) if amount is not None else ("none", "text")
    return Fact(f"{b.prefix(result)}.finding_{index}", value, unit,
                f"{finding.severity} finding of {b.name(result)}",
                clip(finding.message), finding.refs[:MAX_REFS])


def _metric_facts(b: _Builder, result: SkillResult, full: bool) -> list[Fact]:
    metrics = result.metrics
    currency = b.currency(result)
    facts: list[Fact] = []
    scalars = []
    for key, value in metrics.items():
        if key in ("lines", "currency"):
            continue
        if isinstance(value, dict):
            for sub, v in value.items():
                scalars.append((f"{key}.{sub}", v))
        elif not isinstance(value, list):
            scalars.append((key, value))
    if not full:
        scalars = [(k, v) for k, v in scalars if KEY_METRIC.search(k)][:4]
    if result.status == "pass":      # a passing check's zeros say nothing its status does not
        scalars = [(k, v) for k, v in scalars
                   if KEY_METRIC.search(k) or _decimal(v if not isinstance(v, float) else repr(v)) not in (None, 0)]
    for key, value in scalars[:MAX_METRICS]:
        got = classify(key, value, currency)
        if got:
            path = ".".join(slug(part) for part in key.split("."))
            facts.append(Fact(f"{b.prefix(result)}.{path}", got[0], got[1],
                              f"{b.name(result)}: {key.replace('_', ' ')}"))
    if result.status == "exceptions":
        for key, value in metrics.items():
            if key == "lines" or not isinstance(value, list):
                continue
            for n, item in enumerate(value[:MAX_ITEMS], start=1):
                if not isinstance(item, dict):
                    continue
                name = next((str(v) for k, v in item.items()
                             if isinstance(v, str) and (k.endswith("_id") or k in ("name", "line"))), str(n))
                fields = [(k, v) for k, v in item.items() if classify(k, v, currency)]
                fields.sort(key=lambda kv: KEY_METRIC.search(kv[0]) is None)
                for k, v in fields[:MAX_ITEM_FIELDS]:
                    got = classify(k, v, currency)
                    facts.append(Fact(f"{b.prefix(result)}.{slug(key)}.{slug(name)}.{slug(k)}", got[0], got[1],
                                      f"{b.name(result)}: {key} {name}: {k.replace('_', ' ')}"))
    return facts


COLUMNS = {"amount": "month", "ytd": "year to date", "prior": "prior period",
           "prior_year": "same period last year", "prior_year_ytd": "last year to date"}


def _line_facts(b: _Builder, result: SkillResult) -> list[Fact]:
    """A fact for each figure of each statement line."""
    if result.id in LINES_ELSEWHERE:
        return []
    limit = MAX_LINES
    if result.id not in STATEMENTS and not result.id.startswith("tax."):
        # account-level detail (flux by account and department) matters only when it flags something
        if result.status != "exceptions":
            return []
        limit = MAX_DETAIL_LINES
    lines = result.metric("lines") or []
    currency = b.currency(result)
    facts = []
    kept = [ln for ln in lines if isinstance(ln, dict) and "line" in ln
            and any(_decimal(ln.get(k)) not in (None, Decimal(0)) for k in COLUMN_KEYS)]
    for line in kept[:limit]:
        label = clip(line["line"])
        for key in COLUMN_KEYS:
            value = line.get(key)
            got = classify(key, value, currency)
            if not got:
                continue
            suffix = "" if key == "amount" else f".{slug(key)}"
            column = COLUMNS.get(key, key.replace("_", " "))
            facts.append(Fact(f"{b.prefix(result)}.{slug(label)}{suffix}", got[0], got[1],
                              f"{b.name(result)}: line, {column}", label))
    return facts


def _counts(results: list[SkillResult]) -> dict[str, int]:
    counts = {"pass": 0, "exceptions": 0, "error": 0, "skipped": 0}
    for r in results:
        counts[r.status] += 1
    return counts


def _count_facts(prefix: str, what: str, results: list[SkillResult]) -> list[Fact]:
    """Checks by status, and findings by severity as the report counts them (close.*
    skills' findings left out: they restate the others)."""
    counts = _counts(results)
    findings = [f for r in counted(results) for f in r.findings]
    facts = [Fact(f"{prefix}.checks", str(len(results)), "count", f"{what}: checks run (skill x entity)")]
    for status in ("pass", "exceptions", "error", "skipped"):
        facts.append(Fact(f"{prefix}.{status}", str(counts.get(status, 0)), "count",
                          f"{what}: checks with status {status}"))
    facts.append(Fact(f"{prefix}.findings", str(len(findings)), "count", f"{what}: findings"))
    for severity in SEVERITIES:
        n = sum(1 for f in findings if f.severity == severity)
        facts.append(Fact(f"{prefix}.findings_{severity}", str(n), "count", f"{what}: {severity}-severity findings"))
    return facts


def _listing(results: list[SkillResult]) -> str:
    by_skill: dict[str, list[str]] = {}
    for r in results:
        by_skill.setdefault(r.id, []).append(r.entity_id or "group")
    return "; ".join(f"{skill} ({', '.join(ents)})" for skill, ents in by_skill.items())


def _result_facts(b: _Builder, section: str, r: SkillResult, full: bool) -> None:
    """Statement lines, metrics and findings of one result, in its section."""
    for fact in _line_facts(b, r):
        b.add(section, fact)
    for fact in _metric_facts(b, r, full):
        b.add(section, fact)
    findings = r.findings
    if findings:
        total = sum((abs(f.amount) for f in findings if f.amount is not None), Decimal(0))
        b.add(section, Fact(f"{b.prefix(r)}.findings", str(len(findings)), "count",
                            f"{b.name(r)}: findings"))
        b.add(section, Fact(f"{b.prefix(r)}.findings_amount", format(total, "f"),
                            b.currency(r) or "amount", f"{b.name(r)}: total of finding amounts"))
        for index, finding in _ranked(findings)[:MAX_FINDINGS]:
            b.add(section, finding_fact(b, r, index, finding))


def build_facts(doc: ResultsDoc | dict, *, currencies: dict | None = None, titles: dict | None = None,
                reporting_currency: str | None = None) -> FactSheet:
    """Facts for every section from a results document (read through close.results'
    reader; a ResultsError names what is wrong with one that is not ours). Entity
    currencies, skill titles and the reporting currency come from its catalog unless
    given."""
    doc = read_results(doc)
    currencies = doc.entity_currencies() if currencies is None else currencies
    currencies = {k: v for k, v in currencies.items() if v in CURRENCY_CODES}
    if reporting_currency is None:
        reporting_currency = doc.reporting_currency or None
    if reporting_currency not in CURRENCY_CODES:
        reporting_currency = None
    b = _Builder(currencies, doc.skill_titles() if titles is None else titles, reporting_currency)
    results = list(doc.results)
    period = _month_facts(doc.month)

    for section in SECTION_IDS:
        for fact in period:
            b.share(section, fact)

    # the run as a whole
    summary = "executive_summary"
    b.add(summary, Fact("run.entities", str(len(doc.entity_ids or {r.entity_id for r in results if r.entity_id})),
                        "count", "Entities closed"))
    for fact in _count_facts("run", "Whole close", results):
        b.add(summary, fact)
    _headline(b, doc, results)

    per_section: dict[str, list[SkillResult]] = {s: [] for s in SECTION_IDS}
    for r in results:
        per_section[section_for(r.id)].append(r)
        if r.id == "stmt.consolidation":
            per_section["results_of_operations"].append(r)

    for section, rs in per_section.items():
        if section == "exceptions" or not rs:
            continue
        for fact in _count_facts(section, section.replace("_", " ").capitalize(), rs):
            b.add(section, fact)
        if section == "results_of_operations":
            flux = sum(len(r.findings) for r in rs if r.id.startswith("flux."))
            b.add(section, Fact(f"{section}.flux_findings", str(flux), "count", "Findings of the flux checks"))
        _rest(b, section)
        quiet = [r for r in rs if r.status == "pass" and r.id not in STATEMENTS and not r.id.startswith("flux.")]
        if quiet:
            b.add(section, Fact(f"{section}.passed", str(len(quiet)), "count",
                                "Checks that passed (listed in text)", clip(_listing(quiet))))
        skipped = [r for r in rs if r.status == "skipped"]
        if skipped:
            b.add(section, Fact(f"{section}.skipped_checks", str(len(skipped)), "count",
                                "Checks skipped (listed in text)", clip(_listing(skipped))))
        listed = {id(r) for r in quiet + skipped}
        for r in rs:
            if id(r) in listed:
                continue
            full = r.id in STATEMENTS or r.id.startswith("flux.") or r.status != "pass"
            b.add(section, Fact(f"{b.prefix(r)}.status", r.status, "status", b.name(r), clip(r.summary)))
            if r.status == "error":
                continue
            try:
                _result_facts(b, section, r, full)
            except (AttributeError, TypeError, ValueError, ArithmeticError):
                continue    # metrics of a shape this module does not expect: the status line, nothing more

    # exceptions: the most severe and largest findings across all skills, and errors
    exc = "exceptions"
    everything = ordered_findings(results)
    b.add(exc, Fact("exceptions.findings", str(len(everything)), "count",
                    "Findings across all checks (close.* summaries left out, as in the report)"))
    for severity in SEVERITIES:
        n = sum(1 for _, _, f in everything if f.severity == severity)
        b.add(exc, Fact(f"exceptions.findings_{severity}", str(n), "count", f"{severity}-severity findings"))
    _rest(b, exc)
    for n, (r, i, f) in enumerate(everything[:MAX_TOP_FINDINGS]):
        fact = finding_fact(b, r, i, f)
        b.add(exc, fact)
        if n < MAX_HEADLINE_FINDINGS:
            b.share(summary, fact)
    ranks = {f"{b.prefix(r)}.finding_{i}": n for n, (r, i, _) in enumerate(everything)}
    errors = [r for r in results if r.status == "error"]
    b.add(exc, Fact("exceptions.errored_checks", str(len(errors)), "count", "Checks that errored"))
    for r in errors:
        b.add(exc, Fact(f"{b.prefix(r)}.status", "error", "status", b.name(r), clip(r.summary)))
    for r in per_section["exceptions"]:
        if r.status == "exceptions":
            b.add(exc, Fact(f"{b.prefix(r)}.findings", str(len(r.findings)), "count",
                            f"{b.name(r)}: findings", clip(r.summary)))

    return FactSheet(str(doc.month), reporting_currency, b.sections, ranks)


def _headline(b: _Builder, doc: ResultsDoc, results: list[SkillResult]) -> None:
    """The headline figures (headline.py), each in the sections that state it."""
    from close.narrative.headline import headline_facts
    entities = list(doc.entity_ids or sorted({r.entity_id for r in results if r.entity_id}))
    try:
        facts = headline_facts(results, entities, b.currencies, b.reporting)
    except (AttributeError, TypeError, ValueError, ArithmeticError):
        return      # metrics of a shape headline.py does not expect: the sections keep their other facts
    has_group = any(f.id == "group.revenue" for f in facts)
    for fact in facts:
        owner, name = fact.id.split(".")[:2]
        for section in HEADLINE_SECTIONS.get(name, ()):
            # the summary states the group; an entity's figures only when there is no group
            if section == "executive_summary" and owner != "group" and (has_group or name == "cash"):
                continue
            b.share(section, fact)


_REST = {"results_of_operations": ("flux_findings", "flux findings"),
         "reconciliations": ("exceptions", "checks with exceptions"),
         "tax": ("exceptions", "checks with exceptions"), "exceptions": ("findings", "findings")}


def _rest(b: _Builder, section: str) -> None:
    """How many items are left once a draft has named the section's first few
    (`<section>.<what>_after_top_<n>`), so "and 4 more" is itself a fact."""
    listed = next((s.listed for s in SECTIONS if s.id == section), 0)
    what, words = _REST.get(section, (None, None))
    total = next((f for f in b.sections[section] if f.id == f"{section}.{what}"), None)
    if not listed or not total or int(total.value) <= listed:
        return
    b.add(section, Fact(f"{section}.{what}_after_top_{listed}", str(int(total.value) - listed), "count",
                        f"{section.replace('_', ' ').capitalize()}: {words} beyond the first {listed}"))


def build_from_doc(doc: ResultsDoc | dict) -> FactSheet:
    """Facts with entity currencies, skill titles and the reporting currency from the
    results document's catalog: the narrative reads results.json and nothing else."""
    return build_facts(doc)
