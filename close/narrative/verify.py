"""Every figure in a draft is checked against the section's facts before it can be queued.

Code computes the numbers; a draft may only restate them. This module finds each figure
in a draft's text and decides whether it is one of the section's facts, written with an
allowed rounding. A draft with any figure that matches no fact, or that cites a fact for
the wrong value, is `unverified`, with the offending figures listed.

Rounding rules (the contract; tests/narrative/test_verify_cases.py holds the cases):

1. Amounts. A figure written with k decimals in unit U (U = 1, or a scale word: k /
   thousand = 10^3, m / M / mn / million = 10^6, bn / B / billion = 10^9) matches a fact
   x when |x| / U rounded half away from zero to k decimals equals the written magnitude.
   "1.2M" matches 1,150,000.00 to 1,249,999.99; "1,234,568" matches 1,234,567.50;
   "1,234,567.8" does not match 1,234,567.85 (it rounds to 1,234,567.9).
2. Signs. A written minus (-1.2M, −450.00) or parentheses ((450.00)) mean negative and
   need a negative fact. An unsigned figure matches either sign, because prose carries
   the direction ("a loss of 450.00", "fell by 1.2M").
3. Currencies. A figure with a currency marker ($ or US$ = USD, € = EUR, £ = GBP, ¥ =
   JPY, or an ISO code before or after it such as "USD 1,234.00" / "3.4k EUR") needs a
   fact in that currency. A bare figure may match any numeric fact (amount, count,
   percentage, ratio).
4. Percentages. "12.5%", "12.5 per cent", "12.5 percent", "2.1 pp", "2.1 percentage
   points" match a percentage fact rounded half away from zero to the shown decimals,
   or a ratio fact times 100 likewise ("41.2%" matches the ratio 0.41234). Never an
   amount.
5. Counts are amounts without decimals: "3 unmatched items" needs a fact equal to 3
   once rounded to units.
6. Dates are exact. "31 May 2026", "May 31, 2026", "2026-05-31" and "31 May" (no year:
   day and month must agree) match a date fact; "May 2026" and "2026-05" match a month
   fact, the run's month, or the month of a date fact ("May 2026" for a month end of
   2026-05-31). A bare year such as "2026" matches the year of any date or month fact,
   or a numeric fact like any other number.
7. What is not a figure: digits inside identifiers (US01, JE-000123, recon.bank,
   bank_transactions:BT-0042), ordinals (1st, 2nd), numbers written as words, and the
   number of a standard, regulation or form after its name ("IFRS 16", "IAS 21.23",
   "ASC 842-20", "ASU 2016-02", "Form 1099", "Section 404", "§ 179"): those name a rule,
   they state no amount. Slash dates (05/31/2026) and space-grouped numbers (1 234 567)
   are not recognised as such: their pieces are checked as plain numbers and fail, so
   the house style (comma thousands, point decimals, dates spelt out) is enforced, not
   guessed.
8. Names. Numbers that are part of a name are not claims: digits in a check's or
   metric's label ("31-60 days") and in a statement line's own name ("7000" for an
   account shown as a line) pass wherever they are written exactly so.
9. Units. A fact's unit is an ISO currency code, `amount` (money whose currency the
   results do not say: bare figures only), count, %, ratio, number, date, month, status
   or text. Any other unit is refused when the facts are loaded (UnknownUnit), so a fact
   the checker could never match is a bug found at once, not a figure silently
   unverifiable.
10. Citations. Each draft lists its figures with the fact each cites. A cited figure
   must match its own fact by the rules above; an uncited figure in the text must match
   some fact of the section. Whether the words around a matching figure describe that
   fact is the reviewer's call, helped by the citations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import list_currencies

CURRENCY_CODES = frozenset(list_currencies())
SYMBOLS = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
SCALES = {"k": 3, "K": 3, "thousand": 3, "m": 6, "M": 6, "mn": 6, "million": 6,
          "bn": 9, "B": 9, "billion": 9}
MONEY_UNITS = CURRENCY_CODES
NUMERIC_UNITS = {"amount", "count", "%", "ratio", "number"}
WORD_UNITS = {"date", "month", "status", "text"}
MINUS = "-−–"

# A standard, regulation or form named by its number: IFRS 16, IAS 21.23, ASC 842-20,
# ASU 2016-02, Form 1099-NEC, Section 404, § 179. Masked before anything is read as a
# figure, so "2016-02" in "ASU 2016-02" is not a month either.
STANDARD_NAMES = re.compile(
    r"(?:(?<![\w])(?:IFRS|IAS|IFRIC|SIC|ASC|ASU|SFAS|FAS|FRS|FRC|IPSAS|ISA|ISAE|ISRE|SSAE|"
    r"PCAOB\s+AS|AS|AU-C|SOX|ISO|IRC|HGB|UStG|CGI|"
    r"(?i:forms?|schedules?|sections?|sec\.|articles?|art\.|regulations?|directives?|topics?|"
    r"subtopics?|rules?|publications?|pub\.|chapters?|paragraphs?|para\.))|§§?)"
    r"\s?(?P<number>\d+[A-Z]?(?:[-.](?:\d+[A-Za-z]?|[A-Z]+))*)(?!\w|,\d)"
)

MONTHS = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
     ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
     ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")], start=1) for name in names}
# Month names count only capitalised ("May 2026", not "these 3 may need review").
_MONTH = r"(?P<{}>" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<{}>[0-3]?\d)(?:st|nd|rd|th)?"
DATE_PATTERNS = [
    ("date", re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-])")),
    ("date", re.compile(_DAY.format("d") + r"\s+" + _MONTH.format("mn") + r",?\s+(?P<y>\d{4})\b")),
    ("date", re.compile(r"\b" + _MONTH.format("mn") + r"\s+" + _DAY.format("d") + r",?\s+(?P<y>\d{4})\b")),
    ("month", re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<m>\d{2})(?![\w-])")),
    ("month", re.compile(r"\b" + _MONTH.format("mn") + r",?\s+(?P<y>\d{4})\b")),
    ("day", re.compile(r"(?<![\w.,])" + _DAY.format("d") + r"\s+" + _MONTH.format("mn") + r"(?![\w])")),
]

NUMBER = re.compile(r"(?:(?<![\w.])|(?<=(?<![\w])[A-Z]{3}))(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?")
_SCALE_AFTER = re.compile(r"\s?(?P<s>thousand|million|billion|mn|bn|k|K|m|M|B)(?![\w])")
_PERCENT_AFTER = re.compile(r"\s?(?:%|per\s?cent\b|percent\b|percentage points?\b|pp\b)")
_CODE_AFTER = re.compile(r"\s?(?P<c>[A-Z]{3})(?![\w])")
_CODE_BEFORE = re.compile(r"(?P<c>[A-Z]{3})\s?$")


@dataclass(frozen=True)
class Figure:
    """One figure as written: what kind, its value and how precisely it was written."""

    text: str
    kind: str                      # "amount" | "percent" | "date" | "month" | "day" | "year"
    value: Decimal | None = None   # magnitude as written, scale not applied (1.2 for "1.2M")
    decimals: int = 0
    scale: int = 0                 # power of ten of the scale word
    currency: str | None = None
    negative: bool = False
    when: tuple = ()               # (year, month, day) for dates; (year, month) months; (month, day) days


class UnknownUnit(ValueError):
    """A fact whose unit the checker does not know: no figure could ever match it."""


def known_unit(unit: str) -> bool:
    return unit in MONEY_UNITS or unit in NUMERIC_UNITS or unit in WORD_UNITS


def check_units(facts) -> None:
    """Refuse facts the checker cannot read, naming the first such fact."""
    for fact in facts:
        if not known_unit(fact.unit):
            raise UnknownUnit(
                f"fact {fact.id} has unit {fact.unit!r}, which the figure checker does not know: "
                f"use an ISO currency code, {', '.join(sorted(NUMERIC_UNITS | WORD_UNITS))}")


@dataclass(frozen=True)
class FactValue:
    """What the checker needs of a fact: its id, value (a string), unit and label."""

    id: str
    value: str
    unit: str
    label: str = ""

    def __post_init__(self):
        check_units([self])


def round_half_away(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + "\x00" * (end - start) + text[end:]


def _date_figures(text: str) -> tuple[list[Figure], str]:
    found: list[tuple[int, Figure]] = []
    for kind, pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            month = MONTHS[groups["mn"].lower().rstrip(".")] if groups.get("mn") else int(groups["m"])
            try:
                if kind == "date":
                    when = (int(groups["y"]), month, int(groups["d"]))
                    date(*when)
                elif kind == "month":
                    when = (int(groups["y"]), month)
                    date(when[0], when[1], 1)
                else:
                    when = (month, int(groups["d"]))
                    date(2000, month, when[1])
            except ValueError:
                continue            # not a real date: its digits are checked as numbers
            found.append((m.start(), Figure(m.group(0), kind, when=when)))
            text = _mask(text, m.start(), m.end())
    found.sort(key=lambda pair: pair[0])
    return [f for _, f in found], text


def _is_identifier(text: str, start: int, end: int) -> bool:
    """Digits glued to letters (US01, JE-000123, 2nd) are names, not figures."""
    before = text[start - 1] if start > 0 else " "
    if before in "-/:_#" and start > 1 and text[start - 2].isalpha():
        return True
    after = text[end:end + 1]
    if after and (after.isalnum() or after == "_"):
        if _SCALE_AFTER.match(text, end) or _PERCENT_AFTER.match(text, end) or _CODE_AFTER.match(text, end):
            return False
        return True
    if after in "-/_" and text[end + 1:end + 2].isalpha():
        return True
    return False


def _currency_before(text: str, left: int) -> tuple[str | None, int]:
    for symbol in sorted(SYMBOLS, key=len, reverse=True):
        if text[max(0, left - len(symbol)):left] == symbol:
            return SYMBOLS[symbol], left - len(symbol)
    code = _CODE_BEFORE.search(text, max(0, left - 4), left)
    if code and code.group("c") in CURRENCY_CODES \
            and (code.start() == 0 or not text[code.start() - 1].isalnum()):
        return code.group("c"), code.start()
    return None, left


def _amount_figure(text: str, m: re.Match) -> Figure | None:
    start, end = m.start(), m.end()
    if _is_identifier(text, start, end):
        return None
    digits = m.group("int").replace(",", "")
    frac = m.group("frac") or ""
    value = Decimal(digits + frac)
    decimals = len(frac) - 1 if frac else 0
    currency = None
    negative = False
    left = start

    # left context, nearest first: currency marker and sign in either order
    # ("USD -1,234.00", "-USD 1,234.00", "-$1.2M", "$-1.2M"), then an opening parenthesis
    glued = start > 0 and text[start - 1].isalpha()
    for _ in range(2):
        if currency is None:
            currency, left = _currency_before(text, left)
        if glued and currency is None:
            return None             # ABC123: an identifier, not GBP1,234
        if not negative and left > 0 and text[left - 1] in MINUS \
                and (left < 2 or not text[left - 2].isalnum()):
            negative = True
            left -= 1
    opened = left > 0 and text[left - 1] == "("
    if opened:
        left -= 1

    # right context: scale word, percent sign, currency code, closing parenthesis
    right = end
    scale = 0
    kind = "amount"
    sm = _SCALE_AFTER.match(text, right)
    if sm:
        scale = SCALES[sm.group("s")]
        right = sm.end()
    pm = _PERCENT_AFTER.match(text, right)
    if pm:
        kind = "percent"
        right = pm.end()
    if currency is None and kind == "amount":
        cm = _CODE_AFTER.match(text, right)
        if cm and cm.group("c") in CURRENCY_CODES:
            currency = cm.group("c")
            right = cm.end()
    if opened and text[right:right + 1] == ")":
        negative = True
        right += 1
    elif opened:
        left += 1
    if kind == "amount" and currency is None and scale == 0 and decimals == 0 \
            and len(digits) == 4 and "," not in m.group("int") and 1900 <= int(digits) <= 2100:
        kind = "year"
    return Figure(text[left:right].strip(), kind, value, decimals, scale, currency, negative)


def _mask_standard_names(text: str) -> str:
    """The numbers of named standards and forms hidden, their names left readable."""
    for m in reversed(list(STANDARD_NAMES.finditer(text))):
        text = _mask(text, m.start("number"), m.end("number"))
    return text


def extract_figures(text: str, *, standard_names: bool = True) -> list[Figure]:
    """Every figure in `text`, in order of kind: dates first (so their digits are not
    read again as numbers), then amounts, percentages, counts and years. The numbers of
    standards and forms ("IFRS 16", "Form 1099") are names, not figures, unless
    `standard_names` is False (to collect a label's numbers as names)."""
    dates, masked = _date_figures(_mask_standard_names(text) if standard_names else text)
    numbers = [f for f in (_amount_figure(masked, m) for m in NUMBER.finditer(masked)) if f]
    return dates + numbers


def _fact_decimal(fact: FactValue) -> Decimal | None:
    if fact.unit not in MONEY_UNITS and fact.unit not in NUMERIC_UNITS:
        return None
    try:
        return Decimal(fact.value)
    except InvalidOperation:
        return None


def _magnitude_matches(written: Decimal, decimals: int, scale: int, actual: Decimal) -> bool:
    return round_half_away(abs(actual).scaleb(-scale), decimals) == written


def _fact_when(fact: FactValue) -> tuple | None:
    if fact.unit == "date":
        y, m, d = fact.value.split("-")
        return int(y), int(m), int(d)
    if fact.unit == "month":
        y, m = fact.value.split("-")
        return int(y), int(m)
    return None


def matches(figure: Figure, fact: FactValue) -> bool:
    """Whether `figure` is `fact`, written by the rounding rules of this module."""
    when = _fact_when(fact)
    if figure.kind in ("date", "month", "day", "year"):
        if when is not None:
            if figure.kind == "date":
                return fact.unit == "date" and when == figure.when
            if figure.kind == "month":
                return when[:2] == figure.when      # a month fact, or the month of a date fact
            if figure.kind == "day":
                return fact.unit == "date" and when[1:] == figure.when
            return when[0] == int(figure.value)
        if figure.kind != "year":
            return False
    actual = _fact_decimal(fact)
    if actual is None:
        return False
    if figure.negative and actual >= 0:
        return False
    if figure.kind == "percent":
        if fact.unit == "%":
            return _magnitude_matches(figure.value, figure.decimals, 0, actual)
        if fact.unit == "ratio":
            return _magnitude_matches(figure.value, figure.decimals, 0, actual * 100)
        if fact.unit == "number":
            return (_magnitude_matches(figure.value, figure.decimals, 0, actual)
                    or _magnitude_matches(figure.value, figure.decimals, 0, actual * 100))
        return False
    if figure.currency is not None and fact.unit != figure.currency:
        return False
    return _magnitude_matches(figure.value, figure.decimals, figure.scale, actual)


def _normal(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Verdict:
    verification: str          # "verified" | "unverified"
    unverified_figures: list   # [{"text": ..., "reason": ...}]
    figures: list              # [{"text": ..., "fact": ..., "value": ...}] as cited


def names_in_labels(facts) -> frozenset[str]:
    """Digits that are part of a name, not a claim: in a check's or metric's label
    ("Form 1099", "31-60 days"), which code writes, and in a statement line's name
    ("7000" for an account shown as its own line), which is the fact's subject."""
    names = set()
    for fact in facts:
        sources = [getattr(fact, "label", "")]
        if getattr(fact, "is_line", False) and getattr(fact, "text", None):
            sources.append(fact.text)
        for source in sources:
            names.update(_normal(f.text) for f in extract_figures(source, standard_names=False))
    return frozenset(names)


def verify_draft(paragraphs: list[str], cited: list[dict], facts, month: str | None = None) -> Verdict:
    """Check a section's draft: every citation against its fact, then every figure in the
    text against its citation when it has one, else against all the section's facts.
    `facts` are objects with id, value, unit and label (facts.Fact or FactValue); `month`
    is the run's month (YYYY-MM), which the text may always name. A fact with a unit the
    checker does not know raises UnknownUnit."""
    facts = list(facts)
    check_units(facts)
    if month and not any(f.unit == "month" and f.value == month for f in facts):
        facts.append(FactValue("run.month", month, "month", "Month under review"))
    by_id = {f.id: f for f in facts}
    names = names_in_labels(facts)
    problems: list[dict] = []
    figures_out: list[dict] = []
    cited_figures: dict[str, bool] = {}     # figure text -> matched its cited fact

    for entry in cited:
        text, fact_id = str(entry.get("text", "")), str(entry.get("fact_id", ""))
        fact = by_id.get(fact_id)
        found = extract_figures(text)
        if fact is None:
            problems.append({"text": text, "reason": f"cites {fact_id!r}, which is not a fact of this section"})
            for f in found:
                cited_figures[_normal(f.text)] = False
            continue
        figures_out.append({"text": text, "fact": fact_id, "value": fact.value})
        for f in found:
            ok = matches(f, fact)
            if not ok:
                problems.append({"text": f.text,
                                 "reason": f"cites {fact_id} ({fact.value} {fact.unit}) for a different value"})
            cited_figures[_normal(f.text)] = cited_figures.get(_normal(f.text), True) and ok

    for paragraph in paragraphs:
        for figure in extract_figures(paragraph):
            key = _normal(figure.text)
            if key in cited_figures:
                continue            # checked against its citation above
            if key in names:
                continue
            if any(matches(figure, fact) for fact in facts):
                continue
            problems.append({"text": figure.text, "reason": "matches no fact"})

    unique = []
    for p in problems:
        if p not in unique:
            unique.append(p)
    return Verdict("unverified" if unique else "verified", unique, figures_out)
