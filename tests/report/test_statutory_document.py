"""The statutory set as presented: in report.html and in the printable statutory.html."""
from __future__ import annotations

import pytest

from close.report import build_report, write_reports
from close.results import outcome_to_dict


@pytest.fixture(scope="module")
def demo_doc(demo_close):
    return outcome_to_dict(demo_close)


@pytest.fixture(scope="module")
def sets(demo_doc):
    return {s.entity.id: s for s in build_report(demo_doc).statutory}


def view(s, key):
    return next(v for v in s.statements if v.key == key)


def test_every_entity_and_the_group_have_the_four_statements(sets):
    assert list(sets)[0] == "Group"
    for s in sets.values():
        keys = [v.key for v in s.statements]
        assert keys[:4] == ["balance_sheet", "income_statement", "cash_flow", "equity_changes"], s.entity.id


def test_balance_sheet_has_the_prior_year_end_and_classified_subtotals(sets):
    bs = view(sets["US01"], "balance_sheet")
    assert bs.columns == ["31 May 2026", "31 Dec 2025", "30 Apr 2026"]
    labels = [r.label for r in bs.rows]
    for label in ("Total current assets", "Total non-current assets", "Total current liabilities",
                  "Total non-current liabilities", "Total liabilities and equity"):
        assert label in labels
    assert all(c.ok for c in bs.checks)


def test_cash_flow_sections_once_each_with_opening_and_closing_cash(sets):
    for s in sets.values():
        cf = view(s, "cash_flow")
        headings = [r.label for r in cf.rows if r.kind == "heading"]
        assert len(headings) == len(set(headings)), s.entity.id
        labels = [r.label for r in cf.rows]
        assert "Net cash from operating activities" in labels
        assert labels[-2:] == ["Cash at the beginning of the period", "Cash at the end of the period"]
    us = view(sets["US01"], "cash_flow")
    assert all(c.ok for c in us.checks)


def test_nothing_unmapped_on_the_face_and_its_check_fails(sets):
    for s in sets.values():
        for v in s.statements:
            assert not [r.label for r in v.rows if r.label.startswith(("Unmapped", "Unknown account"))]
    income = view(sets["Group"], "income_statement")
    assert any(r.kind == "reconciling" for r in income.rows)        # the demo's seeded unmapped account
    assert [c.label for c in income.failed] == ["Every account is mapped to a statement line"]


def test_the_group_balance_sheet_difference_is_a_failed_check_with_its_amount(sets):
    failed = view(sets["Group"], "balance_sheet").failed
    assert failed and failed[0].difference != 0
    assert sets["Group"].failed


def test_statutory_html_written_beside_the_report_with_every_statement_and_its_checks(demo_doc, tmp_path):
    names = {p.name for p in write_reports(demo_doc, tmp_path)}
    assert {"report.html", "statutory.html"} <= names
    html = (tmp_path / "statutory.html").read_text(encoding="utf-8")
    for title in ("Consolidated balance sheet", "Consolidated statement of cash flows",
                  "Consolidated statement of changes in equity", "Statement of cash flows",
                  "Statement of changes in equity", "Note: property, plant and equipment"):
        assert title in html
    assert "@page" in html and "break-before: page" in html
    # every statement and schedule has its checks beside it; the policies are text
    assert html.count('class="st-checks"') == html.count('class="st-statement') - html.count('class="st-texts"')
    assert 'class="st-diff' in html                      # the difference, loud
    assert ">Unmapped" not in html
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Total current assets" in report and 'class="st-diff' in report


def test_current_portions_sit_in_current_liabilities_and_the_notes_follow_the_statements(sets):
    for key in ("US01", "Group"):
        rows = [(r.label, r.kind) for r in view(sets[key], "balance_sheet").rows]
        labels = [label for label, _ in rows]
        current = labels.index("Current liabilities")
        assert current < labels.index("Current portion of borrowings") < labels.index("Total current liabilities")
        assert labels.index("Non-current liabilities") < labels.index("Borrowings")
    us = sets["US01"]
    assert [v.key for v in us.statements][4:] == ["note_policies", "note_fixed_assets", "note_leases",
                                                  "note_debt", "note_tax", "note_related_parties"]
    policies = view(us, "note_policies")
    assert policies.texts and all("standard wording" in source for _, _, source in policies.texts)
    assert "standard wording" in policies.subtitle
    assert all(c.ok for c in view(us, "note_debt").checks)          # due within a year = the face
    assert all(c.ok for c in view(us, "note_leases").checks)
    related = view(us, "note_related_parties")
    assert related.rows[0].label.startswith(("CA01", "DE01", "UK01")) and "subsidiary" in related.rows[0].label


def test_statutory_html_prints_the_notes(demo_doc, tmp_path):
    write_reports(demo_doc, tmp_path)
    html = (tmp_path / "statutory.html").read_text(encoding="utf-8")
    for title in ("Note: accounting policies", "Note: leases", "Note: related parties (group entities)",
                  "Current portion of borrowings", "standard wording: no policy set in close.toml"):
        assert title in html


def test_a_currency_without_minor_units_prints_whole_units(group_close, tmp_path):
    outcome, _ = group_close("kestrel")
    doc = outcome_to_dict(outcome)
    sets = {s.entity.id: s for s in build_report(doc).statutory}
    assert all(v.whole_units for v in sets["JP01"].statements)
    assert not any(v.whole_units for v in sets["SE01"].statements)
    write_reports(doc, tmp_path)
    html = (tmp_path / "statutory.html").read_text(encoding="utf-8")
    start = html.index('id="st-jp01"')
    japan = html[start:html.find('class="st-set"', start)]
    assert "1,669,837,866<" in japan and "1,669,837,866.00" not in japan       # total assets, yen
