"""The fallback writes short prose a CFO reads in under a minute, agrees with the report
on what it counts and in what order, and states only facts: on hand-made closes and on
the demo group's May close (tests/conftest.py runs it once per session)."""
import json
import re

import pytest

from close.config import Config
from close.narrative import draft
from close.narrative.facts import build_from_doc
from close.narrative.fallback import draft_section, ref_action, ref_words
from close.narrative.ranking import counted
from close.narrative.sections import SECTIONS
from close.results import read_results
from close.results import outcome_to_dict
from tests.narrative.narrative_docs import config, doc, group_doc

BY_ID = {s.id: s for s in SECTIONS}
MAX_PARAGRAPHS = 4
MAX_PARAGRAPH_WORDS = 120
# what a metrics dump looks like: dotted metric keys ("net income.mtd", "entity total.revenue"),
# statuses read out ("status pass"), column names, and fact ids
DUMP = re.compile(r"[a-z]\.[a-z]|\bstatus (pass|exceptions|error|skipped)\b|\b(mtd|ytd)\b|entity total"
                  r"|\b[A-Za-z0-9]+\.(stmt|recon|tax|flux|je|close)\.")


def words(text: str) -> int:
    return len(text.split())


def assert_short_verified_prose(section: dict) -> None:
    spec = BY_ID[section["id"]]
    paragraphs = section["paragraphs"]
    assert section["verification"] == "verified", (section["id"], section["unverified_figures"])
    assert 1 <= len(paragraphs) <= MAX_PARAGRAPHS, (section["id"], paragraphs)
    for paragraph in paragraphs:
        assert words(paragraph) <= MAX_PARAGRAPH_WORDS, (section["id"], paragraph)
        assert not DUMP.search(paragraph), (section["id"], DUMP.search(paragraph).group(0), paragraph)
    assert sum(words(p) for p in paragraphs) <= spec.words, (section["id"], sum(words(p) for p in paragraphs))


def sections_of(out: dict) -> dict:
    return {s["id"]: s for s in out["narrative"]["sections"]}


@pytest.mark.parametrize("make", [doc, group_doc])
def test_every_section_of_a_hand_made_close_is_short_verified_prose(make):
    d = make()
    for section in draft(d, config())["narrative"]["sections"]:
        assert_short_verified_prose(section)


def test_findings_are_counted_and_ranked_as_the_report_does():
    d = group_doc()
    sections = sections_of(draft(d, config()))
    summary, exceptions = sections["executive_summary"], sections["exceptions"]
    # 4 findings outside the close area; close.period_readiness's restatement does not count
    assert len([f for r in counted(read_results(d).results) for f in r.findings]) == 4
    assert "They raised 4 findings: 2 high and 2 medium severity." in summary["paragraphs"][0]
    assert exceptions["paragraphs"][0].startswith("The May 2026 close has 4 findings to review:")
    assert "99,999.00" not in json.dumps(sections)
    # close.exceptions_summary puts the bank item first; so do the summary and exceptions
    first = [f["fact"] for f in exceptions["figures"] if ".finding_" in f["fact"]]
    assert first == ["US01.recon.bank.finding_1", "US01.je.self_approved.finding_1",
                     "US01.flux.month_over_month.finding_1", "US01.je.self_approved.finding_2"]
    assert summary["paragraphs"][2].startswith(
        "The three items needing a decision first: US01 bank reconciliation, USD 450.00 (high, bank item BT-0042);")


def test_headline_figures_come_from_the_kpis_with_their_movement():
    d = group_doc()
    sheet = build_from_doc(d)
    roo = sheet.by_id("results_of_operations")
    assert roo["group.revenue.vs_prior_month"].value == "100000.00"
    assert roo["group.net_income.vs_prior_month"].value == "-20000.00"
    assert roo["group.operating_profit"].value == "700000.00"
    assert sheet.by_id("balance_sheet_and_cash")["group.cash.vs_prior_month"].value == "200000.00"
    text = draft_section(BY_ID["results_of_operations"], sheet)["paragraphs"]
    assert text[0] == ("Group revenue for May 2026 was USD 2,000,000.00, up USD 100,000.00 on April 2026, "
                       "at a gross margin of 51.4% against 50.0%. Operating profit was USD 700,000.00 and net "
                       "income USD 500,000.00, down USD 20,000.00. Year to date, revenue is USD 9,000,000.00 "
                       "against USD 8,000,000.00 a year earlier and net income USD 2,100,000.00 against "
                       "USD 1,900,000.00.")
    assert text[1] == ("In each entity's own currency: US01 earned net income of USD 412,000.00 "
                       "(April 2026: USD 380,000.00) on revenue of USD 1,234,567.89.")
    bs = draft_section(BY_ID["balance_sheet_and_cash"], sheet)["paragraphs"]
    assert bs[0].endswith("equity of USD 3,000,000.00. It balances.")


def test_a_long_list_names_the_largest_and_counts_the_rest_as_a_fact():
    d = doc()
    for n in range(1, 12):
        d["skills"].append({"id": f"recon.extra_{n:02d}", "entity_id": "US01", "status": "exceptions",
                            "summary": "x", "metrics": {"difference": f"{n}.00"},
                            "findings": [{"severity": "medium", "message": "m", "amount": f"{n}.00",
                                          "refs": [f"journal_lines:JE-{n:06d}"]}]})
    sheet = build_from_doc(d)
    assert sheet.by_id("reconciliations")["reconciliations.exceptions_after_top_5"].value == "7"
    out = draft_section(BY_ID["reconciliations"], sheet)
    listing = out["paragraphs"][1]
    assert listing.startswith("Most severe and largest first: US01 bank reconciliation: out by USD 450.00 (high); "
                              "match or book bank item BT-0042. US01 recon.extra_11: out by USD 11.00 (medium); "
                              "review entry JE-000011.")
    assert listing.count("; review entry JE-") == 4
    assert listing.endswith("Another 7 reconciliations have smaller or less severe exceptions; the report lists them.")
    assert {"text": "7", "fact_id": "reconciliations.exceptions_after_top_5"} in out["figures"]


@pytest.mark.parametrize("ref,plain,action", [
    ("journal_lines:JE-000123", "entry JE-000123", "review entry JE-000123"),
    ("bank_transactions:BT-0042", "bank item BT-0042", "match or book bank item BT-0042"),
    ("accounts:2050", "accounts:2050", "check accounts:2050"),       # a bare 2050 would read as a figure
    ("payroll:2026-05/E-0107", None, None),                          # holds a month: left out
    ("things:T-1", "things:T-1", "check things:T-1"),
])
def test_refs_are_named_in_plain_words_and_never_add_a_figure(ref, plain, action):
    assert ref_words(ref) == plain
    assert ref_action(ref) == action


# --- the demo group's May close -----------------------------------------------------

@pytest.fixture(scope="module")
def demo_narrative(demo_close):
    doc = outcome_to_dict(demo_close)
    first = draft(doc, Config())
    second = draft(outcome_to_dict(demo_close), Config())
    return doc, first, second


def test_the_demo_close_reads_as_short_verified_prose_the_same_every_run(demo_narrative):
    _, first, second = demo_narrative
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    sections = first["narrative"]["sections"]
    assert [s["id"] for s in sections] == [s.id for s in SECTIONS]
    for section in sections:
        assert section["drafted_by"] == "fallback"
        assert_short_verified_prose(section)
        assert section["figures"] and all(f["value"] for f in section["figures"])


def test_the_demo_narrative_counts_and_ranks_findings_as_the_report_does(demo_narrative):
    from close.report.model import build_report
    doc, out, _ = demo_narrative
    report = build_report(doc)
    sections = sections_of(out)
    n, sev = report.total_findings, report.severity_counts
    expected = f"{n:,} findings: {sev['high']:,} high, {sev['medium']:,} medium and {sev['low']:,} low severity"
    assert expected in sections["executive_summary"]["paragraphs"][0]
    opening = f"The May 2026 close has {expected.replace(':', ' to review:', 1)}"
    assert sections["exceptions"]["paragraphs"][0].startswith(opening)
    listed = [f["fact"].rsplit(".", 1)[0] for f in sections["exceptions"]["figures"] if ".finding_" in f["fact"]]
    assert listed == [f"{row.entity_id or 'group'}.{row.skill_id}" for row in report.exceptions[:len(listed)]]
    assert len(listed) == BY_ID["exceptions"].listed


def test_the_demo_narrative_quotes_no_ledger_text(demo_narrative, demo_books):
    doc, out, _ = demo_narrative
    text = " ".join(p for s in out["narrative"]["sections"] for p in s["paragraphs"])
    con, _ = demo_books
    names = set()
    for table, column in (("accounts", "name"), ("vendors", "name"), ("customers", "name"),
                          ("journal_lines", "description"), ("bank_transactions", "description")):
        names.update(row[0] for row in con.execute(f"SELECT DISTINCT {column} FROM {table}").fetchall())
    quoted = sorted(n for n in names if n and len(n) >= 12 and n in text)
    assert not quoted
    # nor any run of six words from a finding's message or a result's summary
    phrases = set()
    for r in doc["skills"]:
        for source in [r.get("summary") or ""] + [f.get("message") or "" for f in r["findings"]]:
            tokens = source.split()
            phrases.update(" ".join(tokens[i:i + 6]) for i in range(len(tokens) - 5))
    assert not sorted(p for p in phrases if p in text)
