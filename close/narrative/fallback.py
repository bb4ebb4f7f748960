"""The deterministic drafter: each section written from its facts by plain templates.

Used when there is no ANTHROPIC_API_KEY, when the API fails after the SDK's retries, or
when Claude's answer for a section cannot be used. It states figures exactly as the
facts hold them (thousands separated, full precision, currency code first), cites every
one, and uses no words from the books except statement line names, so its drafts pass
the verifier by construction and read the same every run.
"""
from __future__ import annotations

from collections import OrderedDict
from datetime import date
from decimal import Decimal

from close.narrative.facts import KEY_METRIC
from close.narrative.facts import Fact, FactSheet
from close.narrative.sections import Section

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MAX_GROUP_LINES = 8
MAX_GROUPS = 12


def written(fact: Fact) -> str:
    """A fact's value as prose shows it."""
    unit, value = fact.unit, fact.value
    if unit == "date":
        d = date.fromisoformat(value)
        return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"
    if unit == "month":
        d = date.fromisoformat(value + "-01")
        return f"{MONTH_NAMES[d.month - 1]} {d.year}"
    if unit in ("status", "text"):
        return value
    number = format(Decimal(value), ",f")
    if unit == "%":
        return number + "%"
    if unit in ("count", "number", "ratio", "amount"):
        return number
    return f"{unit} {number}"


class Writer:
    """Collects paragraphs and the figures they cite."""

    def __init__(self, facts: list[Fact]):
        self.by_id = {f.id: f for f in facts}
        self.paragraphs: list[str] = []
        self.figures: list[dict] = []

    def get(self, fact_id: str) -> Fact | None:
        return self.by_id.get(fact_id)

    def fig(self, fact: Fact) -> str:
        text = written(fact)
        if fact.unit not in ("status", "text"):
            entry = {"text": text, "fact_id": fact.id}
            if entry not in self.figures:
                self.figures.append(entry)
        return text

    def val(self, fact_id: str) -> str:
        return self.fig(self.by_id[fact_id])

    def para(self, text: str) -> None:
        if text:
            self.paragraphs.append(text)


def _groups(facts: list[Fact]) -> "OrderedDict[str, list[Fact]]":
    """Facts of one result together: ids share `<entity>.<area>.<skill>`."""
    groups: OrderedDict[str, list[Fact]] = OrderedDict()
    for fact in facts:
        parts = fact.id.split(".")
        if parts[0] in ("run",) or len(parts) < 4:
            continue
        groups.setdefault(".".join(parts[:3]), []).append(fact)
    return groups


def _n(w: Writer, fact_id: str, noun: str) -> str:
    """"1 check" / "3 checks", the number cited."""
    fact = w.by_id[fact_id]
    return f"{w.fig(fact)} {noun if fact.value == '1' else noun + 's'}"


def _counts_sentence(w: Writer, prefix: str, what: str) -> str:
    if not w.get(f"{prefix}.checks"):
        return ""
    text = (f"{what} {_n(w, f'{prefix}.checks', 'check')} ran: {w.val(f'{prefix}.pass')} passed, "
            f"{w.val(f'{prefix}.exceptions')} found exceptions, {w.val(f'{prefix}.error')} errored "
            f"and {w.val(f'{prefix}.skipped')} skipped.")
    if w.get(f"{prefix}.findings"):
        text += (f" They raised {_n(w, f'{prefix}.findings', 'finding')}: {w.val(f'{prefix}.findings_high')} high, "
                 f"{w.val(f'{prefix}.findings_medium')} medium and {w.val(f'{prefix}.findings_low')} low severity.")
    return text


def _is_zero(fact: Fact) -> bool:
    try:
        return Decimal(fact.value) == 0
    except ArithmeticError:
        return False


def _group_sentence(w: Writer, facts: list[Fact]) -> str:
    """One result in one sentence: status, its main statement lines, key metrics, findings."""
    status = next((f for f in facts if f.id.endswith(".status")), None)
    name = status.label if status else facts[0].label.split(":")[0]
    parts = [f"status {status.value}"] if status else []
    by_id = {f.id: f for f in facts}
    mains = [f for f in facts if f.is_line and f.label.endswith(", month")]
    shown = 0
    for main in mains:
        prior = by_id.get(main.id + ".prior")
        if _is_zero(main) and (prior is None or _is_zero(prior)):
            continue
        text = f"{main.text}: {w.fig(main)}"
        if prior is not None:
            text += f" (prior period {w.fig(prior)})"
        parts.append(text)
        shown += 1
        if shown == MAX_GROUP_LINES:
            break
    metrics = [f for f in facts if ": line, " not in f.label and f is not status and ".finding" not in f.id
               and f.unit not in ("status", "text", "date", "month")]
    metrics.sort(key=lambda f: (KEY_METRIC.search(f.id.rsplit(".", 1)[-1]) is None, _is_zero(f)))
    for f in metrics[:4]:
        parts.append(f"{f.label.split(': ', 1)[-1]} {w.fig(f)}")
    count = next((f for f in facts if f.id.endswith(".findings")), None)
    amount = next((f for f in facts if f.id.endswith(".findings_amount")), None)
    if count:
        text = _n(w, count.id, "finding")
        if amount:
            text += f" totalling {w.fig(amount)}"
        parts.append(text)
    tops = [f for f in facts if ".finding_" in f.id and f.unit != "text"]
    if tops:
        parts.append("largest " + ", ".join(f"{w.fig(f)} ({f.label.split(' ', 1)[0]})" for f in tops))
    return f"{name}: " + "; ".join(parts) + "." if parts else ""


def _listing(w: Writer, fact_id: str, what: str) -> str:
    fact = w.get(fact_id)
    if not fact:
        return ""
    return f"{what}, {_n(w, fact_id, 'check')}: {fact.text}."


def _executive_summary(w: Writer, month: str) -> None:
    opening = f"The {month} close covered {_n(w, 'run.entities', 'entity').replace('entitys', 'entities')}."
    w.para(opening + " " + _counts_sentence(w, "run", "In all,"))
    headline = [f for f in w.by_id.values() if f.text and ".stmt." in f.id and ".finding" not in f.id]
    if headline:
        w.para("Headline figures: " + "; ".join(f"{f.id.split('.')[0]} {f.text.lower()}: {w.fig(f)}"
                                                for f in headline[:12]) + ".")
    tops = [f for f in w.by_id.values() if ".finding_" in f.id and f.unit != "text"]
    if tops:
        w.para("Largest items for a decision: " + "; ".join(
            f"{f.label.replace(' finding of ', ' severity, ')} {w.fig(f)}" for f in tops) + ".")


def _area(w: Writer, section: Section, month: str) -> None:
    w.para(_counts_sentence(w, section.id, f"For {month},"))
    sentences = [s for s in (_group_sentence(w, g) for g in list(_groups(w.by_id.values()).values())[:MAX_GROUPS]) if s]
    for start in range(0, len(sentences), 4):
        w.para(" ".join(sentences[start:start + 4]))
    w.para(" ".join(s for s in (_listing(w, f"{section.id}.passed", "Passed"),
                                _listing(w, f"{section.id}.skipped_checks", "Skipped")) if s))


def _exceptions(w: Writer, month: str) -> None:
    if w.get("exceptions.findings"):
        w.para(f"The {month} close raised {_n(w, 'exceptions.findings', 'finding')}: "
               f"{w.val('exceptions.findings_high')} high, {w.val('exceptions.findings_medium')} medium and "
               f"{w.val('exceptions.findings_low')} low severity.")
    tops = [f for f in w.by_id.values() if ".finding_" in f.id]
    if tops:
        w.para("Most severe and largest first: " + "; ".join(
            f"{f.label.replace(' finding of ', ' severity, ')}"
            + (f" {w.fig(f)}" if f.unit != "text" else "") for f in tops) + ".")
    errored = [f for f in w.by_id.values() if f.unit == "status" and f.value == "error"]
    if errored:
        w.para(f"{_n(w, 'exceptions.errored_checks', 'check')} errored and produced no result: "
               + "; ".join(f.label for f in errored) + ".")


def draft_section(section: Section, sheet: FactSheet) -> dict:
    """{"paragraphs": [...], "figures": [{"text", "fact_id"}]} for one section."""
    w = Writer(sheet.facts(section.id))
    month = w.val("run.month") if w.get("run.month") else "this month"
    if section.id == "executive_summary":
        _executive_summary(w, month)
    elif section.id == "exceptions":
        _exceptions(w, month)
    else:
        _area(w, section, month)
    if not w.paragraphs:
        w.para(f"No checks reported on this section for {month}.")
    return {"paragraphs": w.paragraphs, "figures": w.figures}
