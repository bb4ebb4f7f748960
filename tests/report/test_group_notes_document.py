"""The group's notes as presented: after the consolidated statements in statutory.html and
in report.html's statements section, each with its ties to the consolidated balance sheet."""
from __future__ import annotations

import pytest

from close.report import build_report, write_reports
from close.results import outcome_to_dict

GROUP_NOTES = ["note_policies", "note_fixed_assets", "note_leases", "note_debt", "note_tax",
               "note_related_parties", "note_nci"]


@pytest.fixture(scope="module")
def demo_doc(demo_close):
    return outcome_to_dict(demo_close)


def test_the_group_set_has_its_notes_after_its_statements_all_tied(demo_doc):
    group = build_report(demo_doc).statutory[0]
    assert group.entity.id == "Group"
    keys = [v.key for v in group.statements]
    assert keys[:4] == ["balance_sheet", "income_statement", "cash_flow", "equity_changes"]
    assert keys[4:] == GROUP_NOTES
    for v in group.statements[5:]:
        assert v.checks and all(c.ok for c in v.checks), (v.key, v.failed)
    fa = next(v for v in group.statements if v.key == "note_fixed_assets")
    assert "Translation difference" in fa.columns
    assert fa.checks[0].right == fa.checks[0].left and fa.checks[0].right > 0


def test_statutory_html_and_report_html_show_the_group_notes(demo_doc, tmp_path):
    write_reports(demo_doc, tmp_path)
    html = (tmp_path / "statutory.html").read_text(encoding="utf-8")
    group = html[html.index('id="st-group"'):html.index('id="st-us01"')]
    at = [group.index(title) for title in (
        "Consolidated statement of changes in equity", "Note: accounting policies",
        "Note: property, plant and equipment", "Note: leases", "Note: borrowings and leases (maturity)",
        "Note: income tax", "Note: related parties (eliminated on consolidation)",
        "Note: non-controlling interests")]
    assert at == sorted(at)
    assert "Net book value + register-to-ledger differences = Property, plant and equipment" in group
    assert "US01 to UK01" in group and "CA01 (20.00% minority)" in group
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "Note: related parties (eliminated on consolidation)" in report
    assert "Note: non-controlling interests" in report
