"""The figure checker on hand-written cases: correct roundings pass, near misses fail.

Each case is a figure as a person or Claude might write it, the fact it claims to be,
and whether the rounding rules of close/narrative/verify.py accept it.
"""
import pytest

from close.narrative.verify import FactValue, extract_figures, matches, verify_draft

FACTS = {
    "rev": FactValue("US01.rev", "1234567.89", "USD"),
    "gap": FactValue("US01.gap", "-450.00", "USD"),
    "eur": FactValue("DE01.amt", "3400.00", "EUR"),
    "pct": FactValue("US01.margin_pct", "12.46", "%"),
    "ratio": FactValue("US01.gross_margin", "0.41234", "ratio"),
    "count": FactValue("US01.unmatched", "3", "count"),
    "day": FactValue("run.period_end", "2026-05-31", "date"),
    "month": FactValue("run.month", "2026-05", "month"),
    "low": FactValue("US01.low", "1150000.00", "USD"),
    "tie": FactValue("US01.tie", "1250000.00", "USD"),
    "gbp": FactValue("UK01.amt", "2500.00", "GBP"),
}

PASS = [
    ("USD 1,234,567.89", "rev"), ("$1,234,567.89", "rev"), ("1,234,567.89", "rev"),
    ("1234567.89", "rev"), ("$1.2M", "rev"), ("$1.23M", "rev"), ("USD 1.2 million", "rev"),
    ("1,234,568", "rev"), ("$1,235k", "rev"), ("1.23457M USD", "rev"), ("1,234,567.9", "rev"),
    ("(450.00)", "gap"), ("-450.00", "gap"), ("USD -450", "gap"), ("450.00", "gap"),
    ("−$0.45k", "gap"), ("€3.4k", "eur"), ("EUR 3,400", "eur"), ("3.4 thousand EUR", "eur"),
    ("12.5%", "pct"), ("12%", "pct"), ("12.46 per cent", "pct"), ("41.2%", "ratio"),
    ("41%", "ratio"), ("3", "count"), ("31 May 2026", "day"), ("May 31, 2026", "day"),
    ("2026-05-31", "day"), ("31 May", "day"), ("May 2026", "month"), ("2026-05", "month"),
    ("$1.2M", "low"), ("£2.5k", "gbp"), ("2026", "month"), ("$1.3M", "tie"),
]

FAIL = [
    ("USD 1,234,567.88", "rev"),    # one cent off
    ("$1.3M", "rev"),               # rounds to 1.2M
    ("1,234,567.8", "rev"),         # 1,234,567.89 rounds up to .9
    ("$1,234k", "rev"),             # 1,234.56789k rounds to 1,235k
    ("€1.2M", "rev"),               # right size, wrong currency
    ("GBP 1,234,567.89", "rev"),    # wrong currency code
    ("1,234,567.89 EUR", "rev"),    # code after the figure, wrong
    ("(1,234,567.89)", "rev"),      # parentheses make it negative
    ("-$1.2M", "rev"),              # minus on a positive fact
    ("$1.2M", "tie"),               # 1.25M rounds half away from zero to 1.3M
    ("USD 450.01", "gap"),
    ("€3.5k", "eur"),
    ("£3.4k", "eur"),
    ("12.4%", "pct"),
    ("13%", "pct"),                 # 12.46 rounds to 12
    ("41.3%", "ratio"),
    ("0.41%", "ratio"),             # a ratio is stated times 100
    ("1.2%", "rev"),                # a percentage is never an amount
    ("3%", "count"),
    ("4", "count"),
    ("30 May 2026", "day"),
    ("June 2026", "month"),
    ("2026-04", "month"),
    ("2025", "month"),
]


def _one(text):
    found = extract_figures(text)
    assert len(found) == 1, f"{text!r} should hold exactly one figure, found {found}"
    return found[0]


def test_the_table_has_forty_cases_or_more():
    assert len(PASS) + len(FAIL) >= 40


@pytest.mark.parametrize("text,fact", PASS)
def test_correct_rounding_passes(text, fact):
    assert matches(_one(text), FACTS[fact]), f"{text!r} should be accepted for {FACTS[fact]}"


@pytest.mark.parametrize("text,fact", FAIL)
def test_near_miss_fails(text, fact):
    assert not matches(_one(text), FACTS[fact]), f"{text!r} must not be accepted for {FACTS[fact]}"


@pytest.mark.parametrize("text", [
    "US01 and UK01", "JE-000123", "bank_transactions:BT-0042", "the 2nd entity", "recon.bank",
    "tax.form_1099", "ABC123", "these three may need review",
])
def test_identifiers_and_words_are_not_figures(text):
    assert extract_figures(text) == []


def test_every_figure_in_a_sentence_is_found():
    text = "Revenue was $1.2M (12.5% up) with 3 items of (450.00) and €3.4k at 31 May 2026."
    kinds = [(f.text, f.kind) for f in extract_figures(text)]
    assert kinds == [("31 May 2026", "date"), ("$1.2M", "amount"), ("12.5%", "percent"),
                     ("3", "amount"), ("(450.00)", "amount"), ("€3.4k", "amount")]


def test_a_draft_with_only_facts_is_verified():
    facts = list(FACTS.values())
    verdict = verify_draft(["Revenue was USD 1.2M in May 2026, with 3 unmatched items."],
                           [{"text": "USD 1.2M", "fact_id": "US01.rev"}], facts)
    assert verdict.verification == "verified"
    assert verdict.unverified_figures == []
    assert verdict.figures == [{"text": "USD 1.2M", "fact": "US01.rev", "value": "1234567.89"}]


def test_a_figure_matching_no_fact_is_listed():
    verdict = verify_draft(["Revenue was USD 1.4M and 7 items are open."], [], list(FACTS.values()))
    assert verdict.verification == "unverified"
    assert verdict.unverified_figures == [{"text": "USD 1.4M", "reason": "matches no fact"},
                                          {"text": "7", "reason": "matches no fact"}]


def test_citing_a_fact_for_the_wrong_value_is_listed():
    # 3 is a fact (the unmatched count) but the draft cites the margin for it
    verdict = verify_draft(["Margin was 3%."], [{"text": "3%", "fact_id": "US01.margin_pct"}],
                           list(FACTS.values()))
    assert verdict.verification == "unverified"
    assert verdict.unverified_figures[0]["text"] == "3%"
    assert "US01.margin_pct" in verdict.unverified_figures[0]["reason"]


def test_citing_an_unknown_fact_is_listed():
    verdict = verify_draft(["Cash was USD 1,234,567.89."],
                           [{"text": "USD 1,234,567.89", "fact_id": "US01.cash"}], list(FACTS.values()))
    assert verdict.verification == "unverified"
    assert "not a fact of this section" in verdict.unverified_figures[0]["reason"]


def test_numbers_in_a_check_title_are_names_not_claims():
    facts = [FactValue("US01.flux.ar_aging.status", "pass", "status", "AR aging 31-60 days (US01)")]
    assert verify_draft(["AR aging 31-60 days passed."], [], facts).verification == "verified"
    assert verify_draft(["AR aging 31-90 days passed."], [], facts).verification == "unverified"


@pytest.mark.parametrize("text", [
    "IFRS 16", "ASC 842", "IAS 21", "Form 1099", "IAS 21.23", "ASC 842-20", "ASU 2016-02",
    "Form 1099-NEC", "Section 404", "§ 179", "ISO 4217", "Topic 606", "IFRIC 23", "Schedule 2",
])
def test_standard_regulation_and_form_names_are_not_figures(text):
    assert extract_figures(text) == []
    assert extract_figures(f"Under {text}, the lease is recognised.") == []


def test_figures_beside_a_standard_name_are_still_checked():
    facts = [FACTS["rev"], FACTS["count"]]
    verdict = verify_draft(["Under IFRS 16 and ASC 842 revenue was USD 1.2M; IAS 21: 3 items, "
                            "Form 1099: 7 vendors."], [], facts)
    assert verdict.unverified_figures == [{"text": "7", "reason": "matches no fact"}]
    # the name takes only its own number: an amount after it is a figure
    assert [f.text for f in extract_figures("Section 1,234.56")] == ["1,234.56"]


def test_a_month_matches_the_runs_month_and_the_month_of_a_date_fact():
    end = FactValue("run.period_end", "2026-05-31", "date")
    assert matches(_one("2026-05"), end) and matches(_one("May 2026"), end)
    assert not matches(_one("2026-04"), end) and not matches(_one("June 2026"), end)
    amount = FactValue("US01.rev", "1234567.89", "USD")
    # the run's month, given to the checker, though no fact of the section states it
    verdict = verify_draft(["The 2026-05 close: revenue USD 1.2M in May 2026."], [], [amount], month="2026-05")
    assert verdict.verification == "verified", verdict.unverified_figures
    assert verify_draft(["The 2026-04 close."], [], [amount], month="2026-05").unverified_figures == [
        {"text": "2026-04", "reason": "matches no fact"}]
    assert verify_draft(["The 2026-05 close."], [], [amount]).verification == "unverified"


def test_a_fact_with_an_unknown_unit_is_refused_when_loaded():
    from close.narrative.facts import Fact
    from close.narrative.verify import UnknownUnit

    with pytest.raises(UnknownUnit, match="fact US01.margin has unit 'percent'"):
        FactValue("US01.margin", "12.5", "percent")
    with pytest.raises(UnknownUnit, match="'percent'"):
        verify_draft(["Margin 12.5%."], [], [Fact("US01.margin", "12.5", "percent", "Margin")])


def test_money_without_a_currency_matches_bare_figures_only():
    fact = FactValue("group.x.findings_amount", "450.00", "amount")
    assert matches(_one("450.00"), fact) and matches(_one("450"), fact)
    assert not matches(_one("USD 450.00"), fact)


def test_a_statement_line_named_by_a_number_is_a_name():
    from close.narrative.facts import Fact
    line = Fact("DE01.flux.budget_vs_actual.7000", "0.01", "EUR", "Budget vs actual (DE01): line, month", "7000")
    assert verify_draft(["7000: EUR 0.01 over budget."], [], [line]).verification == "verified"
    assert verify_draft(["7001: EUR 0.01 over budget."], [], [line]).verification == "unverified"


def test_facts_built_from_results_have_only_units_the_checker_knows():
    """A currency code the checker does not know (a pack's own 'ZZZ') becomes plain
    `amount` money rather than a unit no figure could match."""
    from close.narrative.facts import build_facts
    from close.narrative.sections import SECTION_IDS
    from close.narrative.verify import check_units
    from tests.narrative.narrative_docs import doc

    sheet = build_facts(doc(), currencies={"US01": "ZZZ", "UK01": "GBP"}, reporting_currency="QQQ")
    for section in SECTION_IDS:
        check_units(sheet.facts(section))
    units = {f.unit for section in SECTION_IDS for f in sheet.facts(section)}
    assert "ZZZ" not in units and "QQQ" not in units and "amount" in units and "GBP" in units
