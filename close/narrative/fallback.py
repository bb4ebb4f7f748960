"""The deterministic drafter: each section written from its facts as short plain prose.

Used when there is no ANTHROPIC_API_KEY, when the API fails after the SDK's retries, or
when Claude's answer for a section cannot be used. A CFO should read any section in
under a minute, so a draft is two to four short paragraphs that say what matters: the
close's counts, the headline figures with their movement, and the few largest items to
clear, with a count of the rest (the report's tables hold everything else).

It states figures exactly as the facts hold them (thousands separated, full precision,
currency code first; a movement unsigned, with "up" or "down" saying which way), cites
every one, and writes only words of its own: entity ids, check titles and record ids
from the refs, never a statement line's name, a finding's message or any other text
from the books. So its drafts pass the verifier by construction and read the same every
run.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from close.narrative.facts import Fact, FactSheet
from close.narrative.sections import Section
from close.narrative.verify import extract_figures
from close.results import SEVERITIES

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
MAX_ENTITIES = 6            # entities named one by one; the statements hold the rest
ITEMS_PER_PARAGRAPH = 4
MAX_ERRORED = 5
# what a record of each table is called, and what clears a difference it causes
REF_NOUNS = {
    "journal_lines": ("entry", "review entry {}"),
    "bank_transactions": ("bank item", "match or book bank item {}"),
    "accounts": ("account", "reconcile account {}"),
    "ap_bills": ("bill", "correct the posting of bill {}"),
    "ap_payments": ("payment", "correct the posting of payment {}"),
    "ar_invoices": ("invoice", "correct invoice {}"),
    "ar_receipts": ("receipt", "correct the posting of receipt {}"),
    "vendors": ("vendor", "update vendor {}"),
    "customers": ("customer", "check customer {}"),
    "fixed_assets": ("asset", "check asset {}"),
    "loans": ("loan", "agree loan {} to its schedule"),
    "leases": ("lease", "agree lease {} to its schedule"),
    "accruals": ("accrual", "agree accrual {} to its schedule"),
    "prepaids": ("prepaid", "agree prepaid {} to its schedule"),
    "deferred_revenue": ("contract", "agree contract {} to its schedule"),
    "intercompany_agreements": ("agreement", "check agreement {}"),
    "payroll": ("payroll line", "check payroll line {}"),
}


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


def value_of(fact: Fact | None) -> Decimal | None:
    if fact is None or fact.unit in ("status", "text", "date", "month"):
        return None
    try:
        return Decimal(fact.value)
    except InvalidOperation:
        return None


class Writer:
    """Collects paragraphs and the figures they cite."""

    def __init__(self, facts: list[Fact], ranks: dict[str, int] | None = None):
        self.facts = list(facts)
        self.by_id = {f.id: f for f in facts}
        self.ranks = ranks or {}
        self.paragraphs: list[str] = []
        self.figures: list[dict] = []

    def get(self, fact_id: str) -> Fact | None:
        return self.by_id.get(fact_id)

    def number(self, fact_id: str) -> Decimal | None:
        return value_of(self.get(fact_id))

    def fig(self, fact: Fact, unsigned: bool = False) -> str:
        """The fact as written, cited. `unsigned` drops a minus: the words carry it."""
        text = written(fact)
        if unsigned:
            text = text.replace("-", "", 1)
        if fact.unit not in ("status", "text"):
            entry = {"text": text, "fact_id": fact.id}
            if entry not in self.figures:
                self.figures.append(entry)
        return text

    def val(self, fact_id: str, unsigned: bool = False) -> str:
        return self.fig(self.by_id[fact_id], unsigned)

    def para(self, *sentences: str) -> None:
        text = " ".join(s for s in sentences if s)
        if text:
            self.paragraphs.append(text)

    def findings(self) -> list[Fact]:
        """The section's finding facts, most severe and largest first (the report's order)."""
        found = [f for f in self.facts if re.search(r"\.finding_\d+$", f.id)]
        return sorted(found, key=lambda f: (self.ranks.get(f.id, len(self.ranks)), self.facts.index(f)))


# --- words ---------------------------------------------------------------------------

def join(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def counted(w: Writer, fact_id: str, noun: str, plural: str | None = None) -> str:
    """"1 check" / "3 checks", the number cited."""
    fact = w.by_id[fact_id]
    return f"{w.fig(fact)} {noun if fact.value == '1' else (plural or noun + 's')}"


def number_word(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else "the"


def _mid_sentence(title: str) -> str:
    """A check's title inside a sentence: "Bank reconciliation" -> "bank reconciliation",
    but "AP subledger to GL" and "VAT return" keep their capitals."""
    if "." in title and " " not in title:          # an id without a title: recon.bank_unmatched -> bank unmatched
        plain = title.split(".", 1)[1].replace("_", " ")
        return plain if _safe(plain) else title
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def who_and_what(label: str) -> tuple[str, str, str]:
    """(severity or "", check title, entity or "group") from a code-made label such as
    "high finding of Bank reconciliation (US01)" or "Bank reconciliation (US01)"."""
    severity = ""
    if " finding of " in label:
        severity, label = label.split(" finding of ", 1)
    m = re.fullmatch(r"(.*) \(([^()]*)\)", label)
    title, entity = (m.group(1), m.group(2)) if m else (label, "group")
    return severity, title, entity


def subject(title: str, entity: str) -> str:
    return f"{'the group' if entity == 'group' else entity} {_mid_sentence(title)}"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _safe(text: str) -> str | None:
    """Text that holds no figure (record ids only), else None: a ref must never add a
    number that the verifier would have to match."""
    return text if text and not extract_figures(text) else None


def ref_words(ref: str) -> str | None:
    """`journal_lines:JE-000123` -> "entry JE-000123"; the ref as is when the plain
    form would show a bare number (account 2050), nothing when even that would."""
    table, _, key = ref.partition(":")
    noun = REF_NOUNS.get(table, (None,))[0]
    return (_safe(f"{noun} {key}") if noun and key else None) or _safe(ref)


def ref_action(ref: str) -> str | None:
    """What clears a difference the record causes, in words of this module."""
    table, _, key = ref.partition(":")
    template = REF_NOUNS.get(table, (None, None))[1]
    return (_safe(template.format(key)) if template and key else None) or _safe(f"check {ref}")


def finding_item(w: Writer, fact: Fact, severity: bool = True) -> str:
    """"US01 bank reconciliation, USD 450.00 (high, bank item BT-0042)"."""
    sev, title, entity = who_and_what(fact.label)
    text = subject(title, entity)
    if value_of(fact) is not None:
        text += f", {w.fig(fact, unsigned=True)}"
    notes = ([sev] if severity and sev else []) + [r for r in (ref_words(x) for x in fact.refs[:1]) if r]
    return text + (f" ({', '.join(notes)})" if notes else "")


def with_move(w: Writer, fact_id: str, on_prior: bool = True) -> str:
    """", up USD 1,234.00 on April 2026" when the figure has a movement, else ""."""
    return f", {moved(w, fact_id + '.vs_prior_month', on_prior)}" if w.get(fact_id + ".vs_prior_month") else ""


def moved(w: Writer, fact_id: str, on_prior: bool = True) -> str:
    """"up USD 1,234.00 on April 2026" from a `vs_prior_month` fact; "" without one."""
    change = w.number(fact_id)
    if change is None:
        return ""
    prior = f" on {w.val('run.prior_month')}" if on_prior and w.get("run.prior_month") else ""
    if change == 0:
        return "unchanged" + prior
    return f"{'up' if change > 0 else 'down'} {w.val(fact_id, unsigned=True)}{prior}"


def severities(w: Writer, prefix: str) -> str:
    """": 2 high and 24 medium severity" (zero counts left out), or ", all medium
    severity" when one severity holds every finding."""
    present = [s for s in SEVERITIES if w.number(f"{prefix}.findings_{s}")]
    if len(present) == 1 and w.number(f"{prefix}.findings_{present[0]}") == w.number(f"{prefix}.findings"):
        return f", of {present[0]} severity" if w.number(f"{prefix}.findings") == 1 else f", all {present[0]} severity"
    parts = [f"{w.val(f'{prefix}.findings_{s}')} {s}" for s in present]
    return ": " + join(parts) + " severity" if parts else ""


def findings_sentence(w: Writer, prefix: str, lead: str = "They raised") -> str:
    if not w.number(f"{prefix}.findings"):
        return ""
    return f"{lead} {counted(w, f'{prefix}.findings', 'finding')}{severities(w, prefix)}."


def status_sentence(w: Writer, prefix: str, noun: tuple[str, str], month: str) -> str:
    """"80 reconciliations ran for May 2026: 59 passed and 21 found exceptions." """
    if not w.get(f"{prefix}.checks"):
        return ""
    ran = counted(w, f"{prefix}.checks", *noun)
    if all(not w.number(f"{prefix}.{s}") for s in ("exceptions", "error", "skipped")):
        if w.number(f"{prefix}.checks") == 1:
            return f"The only {noun[0]} passed for {month}."
        return f"All {ran} passed for {month}."
    return f"For {month}, {ran} ran{outcomes(w, prefix)}."


def outcomes(w: Writer, prefix: str) -> str:
    """": 59 passed, 21 found exceptions and 1 was skipped" (zero counts left out)."""
    if not w.get(f"{prefix}.pass"):
        return ""
    parts = [f"{w.val(f'{prefix}.pass')} passed"]
    if w.number(f"{prefix}.exceptions"):
        parts.append(f"{w.val(f'{prefix}.exceptions')} found exceptions")
    if w.number(f"{prefix}.skipped"):
        parts.append(f"{w.val(f'{prefix}.skipped')} {'was' if w.number(f'{prefix}.skipped') == 1 else 'were'} skipped")
    if w.number(f"{prefix}.error"):
        parts.append(f"{w.val(f'{prefix}.error')} errored")
    return ": " + join(parts)


def entity_ids(w: Writer) -> list[str]:
    """Entities with headline figures in this section, in the run's order."""
    seen: list[str] = []
    for f in w.facts:
        owner, _, rest = f.id.partition(".")
        if owner != "group" and rest in ("revenue", "net_income", "balance_difference", "cash", "working_capital") \
                and owner not in seen:
            seen.append(owner)
    return seen


def items_paragraphs(w: Writer, items: list[str], lead: str, rest: str = "") -> None:
    """Items in paragraphs of a few each, the count of the rest after the last."""
    chunks = [items[i:i + ITEMS_PER_PARAGRAPH] for i in range(0, len(items), ITEMS_PER_PARAGRAPH)]
    for n, chunk in enumerate(chunks):
        opening = lead if n == 0 else "Then"
        w.para(f"{opening}: " + "; ".join(chunk) + ".", rest if n == len(chunks) - 1 else "")
    if not chunks:
        w.para(rest)


def rest_sentence(w: Writer, fact_id: str, text: str) -> str:
    """"The other 59 findings are listed in the report." from a `_after_top_<n>` fact."""
    return text.format(w.val(fact_id)) if w.get(fact_id) else ""


# --- sections ------------------------------------------------------------------------

def executive_summary(w: Writer, section: Section, month: str) -> None:
    if w.get("run.checks"):
        across = f" across {counted(w, 'run.entities', 'entity', 'entities')}" if w.number("run.entities") else ""
        w.para(f"The {month} close ran {counted(w, 'run.checks', 'check')}{across}{outcomes(w, 'run')}.",
               findings_sentence(w, "run", "They raised"))
    figures: list[str] = []
    for name, lead in (("revenue", "Group revenue for the month was"), ("net_income", "Net income was"),
                       ("cash", "Cash closed at")):
        if w.get(f"group.{name}"):
            figures.append(f"{lead} {w.val(f'group.{name}')}{with_move(w, f'group.{name}', not figures)}.")
    if not figures:
        figures = [entity_result(w, e) for e in entity_ids(w)[:MAX_ENTITIES]]
    w.para(*figures)
    top = w.findings()[:section.listed or 3]
    if top:
        lead = (f"The {number_word(len(top))} items needing a decision first"
                if len(top) > 1 else "The item needing a decision first")
        w.para(f"{lead}: " + "; ".join(finding_item(w, f) for f in top) + ".")


def entity_result(w: Writer, entity: str) -> str:
    """"CA01 earned net income of CAD 59,420.79 (April 2026: CAD 87,623.90) on revenue of
    CAD 745,543.32." in the entity's own currency."""
    income, revenue = w.get(f"{entity}.net_income"), w.get(f"{entity}.revenue")
    if not income and not revenue:
        return ""
    prior = w.get(f"{entity}.net_income.prior_month")
    when = w.val("run.prior_month") if w.get("run.prior_month") else "prior month"
    text = entity
    if income:
        text += f" earned net income of {w.fig(income)}" + (f" ({when}: {w.fig(prior)})" if prior else "")
        if revenue:
            text += f" on revenue of {w.fig(revenue)}"
    else:
        text += f" had revenue of {w.fig(revenue)}"
    return text + "."


def results_of_operations(w: Writer, section: Section, month: str) -> None:
    group = []
    if w.get("group.revenue"):
        text = f"Group revenue for {month} was {w.val('group.revenue')}{with_move(w, 'group.revenue')}"
        if w.get("group.gross_margin_pct"):
            text += f", at a gross margin of {w.val('group.gross_margin_pct')}"
            if w.get("group.gross_margin_pct.prior_month"):
                text += f" against {w.val('group.gross_margin_pct.prior_month')}"
        group.append(text + ".")
    profit = []
    if w.get("group.operating_profit"):
        profit.append(f"operating profit was {w.val('group.operating_profit')}")
    if w.get("group.net_income"):
        profit.append(f"net income {w.val('group.net_income')}{with_move(w, 'group.net_income', not group)}")
    if profit:
        group.append(capital(" and ".join(profit)) + ".")
    ytd = []
    for key, noun in (("revenue_ytd", "revenue is"), ("net_income_ytd", "net income")):
        if w.get(f"group.{key}"):
            text = f"{noun if not ytd else noun.removesuffix(' is')} {w.val(f'group.{key}')}"
            if w.get(f"group.{key}.prior_year"):
                text += f" against {w.val(f'group.{key}.prior_year')}" + (" a year earlier" if not ytd else "")
            ytd.append(text)
    if ytd:
        group.append("Year to date, " + " and ".join(ytd) + ".")
    w.para(*group)

    entities = entity_ids(w)
    sentences = [entity_result(w, e) for e in entities[:MAX_ENTITIES]]
    if any(sentences):
        more = " The other entities are in the statements." if len(entities) > MAX_ENTITIES else ""
        w.para("In each entity's own currency:", *sentences, more)

    statements = [f for f in w.facts if f.unit == "status" and f.value == "exceptions" and ".flux." not in f.id]
    flux = [f for f in w.findings() if ".flux." in f.id]
    notes = []
    if statements:
        names = [subject(*who_and_what(f.label)[1:]) for f in statements]
        notes.append(capital(join(names)) + (" has" if len(names) == 1 else " have")
                     + " findings to clear first; they are listed under exceptions.")
    if flux:
        top = flux[:section.listed or 3]
        lead = "Flux checks flagged " + (counted(w, f"{section.id}.flux_findings", "variance")
                                        if w.get(f"{section.id}.flux_findings") else "variances")
        notes.append(f"{lead}{'; the largest' if len(flux) > 1 else ''}: "
                     + "; ".join(finding_item(w, f) for f in top) + "."
                     + rest_sentence(w, f"{section.id}.flux_findings_after_top_{section.listed}",
                                     " Another {} are in the report's flux tables."))
    w.para(*notes)


def balance_sheet_and_cash(w: Writer, section: Section, month: str) -> None:
    when = w.val("run.period_end") if w.get("run.period_end") else "month end"
    if w.get("group.total_assets"):
        text = f"At {when} the consolidated balance sheet shows total assets of {w.val('group.total_assets')}"
        rest = [f"liabilities of {w.val('group.total_liabilities')}" if w.get("group.total_liabilities") else "",
                f"equity of {w.val('group.total_equity')}" if w.get("group.total_equity") else ""]
        text += (", " + join(rest) if any(rest) else "") + "."
        difference = w.number("group.balance_difference")
        if difference is not None:
            text += (" It balances." if difference == 0 else
                     f" It is out of balance by {w.val('group.balance_difference', unsigned=True)}.")
        w.para(text)

    cash = []
    if w.get("group.cash"):
        cash.append(f"Group cash closed at {w.val('group.cash')}{with_move(w, 'group.cash')}.")
    else:
        held = [f"{e} {w.val(f'{e}.cash')}" for e in entity_ids(w) if w.get(f"{e}.cash")][:MAX_ENTITIES]
        if held:
            cash.append(f"Cash at {when}: {join(held)}.")
    fell = [f"{w.val(f'{e}.working_capital.vs_prior_month', unsigned=True)} in {e}" for e in entity_ids(w)
            if (w.number(f"{e}.working_capital.vs_prior_month") or 0) < 0][:MAX_ENTITIES]
    rose = [f"{w.val(f'{e}.working_capital.vs_prior_month')} in {e}" for e in entity_ids(w)
            if (w.number(f"{e}.working_capital.vs_prior_month") or 0) > 0][:MAX_ENTITIES]
    moves = [f"fell by {join(fell)}" if fell else "", f"rose by {join(rose)}" if rose else ""]
    if any(moves):
        cash.append("Net working capital " + ", and ".join(m for m in moves if m) + ".")
    w.para(*cash)

    balanced, out = [], []
    for e in entity_ids(w):
        difference = w.number(f"{e}.balance_difference")
        if difference == 0:
            balanced.append(e)
        elif difference is not None:
            out.append(f"{e} is out by {w.val(f'{e}.balance_difference', unsigned=True)}")
    checks = []
    if balanced:
        verb = "balances" if len(balanced) == 1 else "balance"
        checks.append(f"{join(balanced)} {verb}" + (f"; {join(out)}." if out else "."))
    elif out:
        checks.append(capital(join(out)) + ".")
    if w.number(f"{section.id}.findings"):
        sev = severities(w, section.id)
        checks.append(f"The statement checks raised {counted(w, f'{section.id}.findings', 'finding')}"
                      f"{sev}; they are listed under exceptions.")
    w.para(*checks)


def checks_area(w: Writer, section: Section, month: str, noun: tuple[str, str]) -> None:
    """Reconciliations and tax: counts, then each failing check, most severe and largest
    first, with its amount and what clears it, and the count of the rest."""
    w.para(status_sentence(w, section.id, noun, month), findings_sentence(w, section.id))
    failing = []
    for status in (f for f in w.facts if f.unit == "status" and f.value == "exceptions"):
        prefix = status.id[:-len(".status")]
        found = [f for f in w.findings() if f.id.startswith(prefix + ".finding_")]
        best = min((w.ranks.get(f.id, len(w.ranks)) for f in found), default=len(w.ranks))
        failing.append((best, w.facts.index(status), status, prefix, found))
    failing.sort(key=lambda t: t[:2])
    items = []
    for _, _, status, prefix, found in failing[:section.listed or 5]:
        _, title, entity = who_and_what(status.label)
        text = capital(subject(title, entity))
        difference = w.get(f"{prefix}.difference")
        if value_of(difference):
            text += f": out by {w.fig(difference, unsigned=True)}"
        elif value_of(w.get(f"{prefix}.findings_amount")):
            text += f": {w.val(f'{prefix}.findings_amount')} to clear"
        severity = who_and_what(found[0].label)[0] if found else ""
        action = next((a for a in (ref_action(r) for r in (found[0].refs if found else ())) if a), "")
        items.append(text + (f" ({severity})" if severity else "") + (f"; {action}" if action else "") + ".")
    if items:
        rest = rest_sentence(w, f"{section.id}.exceptions_after_top_{section.listed}",
                             f"Another {{}} {noun[1]} have smaller or less severe exceptions; the report lists them.")
        w.para("Most severe and largest first:", *items, rest)
    errored = [f for f in w.facts if f.unit == "status" and f.value == "error"][:MAX_ERRORED]
    if errored:
        w.para("No result from " + join([subject(*who_and_what(f.label)[1:]) for f in errored])
               + "; it must run before sign-off.")


def exceptions(w: Writer, section: Section, month: str) -> None:
    if w.get("exceptions.findings"):
        if w.number("exceptions.findings"):
            opening = (f"The {month} close has {counted(w, 'exceptions.findings', 'finding')} to review"
                       f"{severities(w, 'exceptions')}.")
        else:
            opening = f"The {month} close raised no findings."
        errors = w.number("exceptions.errored_checks")
        if errors:
            names = [subject(*who_and_what(f.label)[1:])
                     for f in w.facts if f.unit == "status" and f.value == "error"][:MAX_ERRORED]
            opening += (f" {capital(counted(w, 'exceptions.errored_checks', 'check'))} errored and produced "
                        f"no result: {join(names)}.")
        elif errors == 0:
            opening += " No check errored."
        w.para(opening)
    top = [finding_item(w, f) for f in w.findings()[:section.listed or 8]]
    rest = rest_sentence(w, f"exceptions.findings_after_top_{section.listed}",
                         "The other {} are listed in the report's exceptions table.")
    items_paragraphs(w, top, "Most severe and largest first", rest)


def draft_section(section: Section, sheet: FactSheet) -> dict:
    """{"paragraphs": [...], "figures": [{"text", "fact_id"}]} for one section."""
    w = Writer(sheet.facts(section.id), sheet.ranks)
    month = w.val("run.month") if w.get("run.month") else "this month"
    if section.id == "executive_summary":
        executive_summary(w, section, month)
    elif section.id == "results_of_operations":
        results_of_operations(w, section, month)
    elif section.id == "balance_sheet_and_cash":
        balance_sheet_and_cash(w, section, month)
    elif section.id == "exceptions":
        exceptions(w, section, month)
    else:
        checks_area(w, section, month, {"reconciliations": ("reconciliation", "reconciliations"),
                                        "tax": ("tax check", "tax checks")}.get(section.id, ("check", "checks")))
    if not w.paragraphs:
        w.para(f"No checks reported on this section for {month}.")
    return {"paragraphs": w.paragraphs, "figures": w.figures}
