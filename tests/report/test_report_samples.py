"""The Monthly Financial Review rendered from small hand-written results documents.

These cover what the demo close may not produce offline: a Claude-drafted section, an
unverified figure, review decisions, an errored skill, missing narrative and review.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from close.report import build_report, render_html, render_markdown, write_reports
from tests.report.checks import all_findings, external_references, finding_amount_text
from tests.report.samples import sample_doc, sample_review_state


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    doc = sample_doc()
    paths = write_reports(doc, out, review_state=sample_review_state())
    return doc, {p.name: p for p in paths}


def test_writes_html_markdown_and_workbook(written):
    _, paths = written
    assert sorted(paths) == ["report.html", "report.md", "report.xlsx", "statutory.html", "workpapers.xlsx"]
    assert all(p.stat().st_size > 0 for p in paths.values())


def test_html_is_self_contained(written):
    page = written[1]["report.html"].read_text(encoding="utf-8")
    assert external_references(page) == []
    assert "<style>" in page and "<svg" in page


def test_external_references_are_caught():
    assert external_references('<html><body><img src="https://x/y.png"></body></html>')
    assert external_references('<html><head><link rel="stylesheet" href="a.css"></head></html>')
    assert external_references('<html><body><script src="app.js"></script></body></html>')
    assert external_references('<html><head><style>@import url(x.css);</style></head></html>')


def test_html_shows_every_exception_with_amount_and_refs(written):
    doc, paths = written
    page = paths["report.html"].read_text(encoding="utf-8")
    for result, finding in all_findings(doc):
        for ref in finding["refs"]:
            assert ref in page, ref
        assert finding_amount_text(finding["amount"]) in page
        assert finding["message"].split(";")[0].replace("'", "&#39;") in page


def test_readiness_counts_on_the_cover(written):
    report = build_report(sample_doc(), sample_review_state())
    assert report.status_counts == {"pass": 5, "exceptions": 5, "skipped": 1, "error": 1}
    assert report.severity_counts == {"high": 1, "medium": 2, "low": 1}
    page = written[1]["report.html"].read_text(encoding="utf-8")
    cover = page[page.index('id="cover"'):page.index('id="summary"')]
    for label, count in (("Passed", 5), ("With exceptions", 5), ("Skipped", 1), ("Errored", 1)):
        assert f'<div class="label">{label}</div><div class="value">{count}</div>' in cover
    assert "33.3%" in cover and "1 of 3 items approved" in cover


def test_statements_have_their_comparative_columns(written):
    """The statutory set: a results document without the balance sheet's dates still
    names its columns; the income statement shows the month and the year to date."""
    page = written[1]["report.html"].read_text(encoding="utf-8")
    section = page[page.index('id="statements"'):page.index('id="flux"')]
    assert ">This month end</th>" in section and ">Last month end</th>" in section
    assert ">Month</th>" in section and ">Year to date</th>" in section
    assert "(512,000.00)" in section                                    # costs
    assert '<tr class="st-total">' in section


def test_chart_is_inline_svg_from_the_mfr_series(written):
    page = written[1]["report.html"].read_text(encoding="utf-8")
    section = page[page.index('id="performance"'):page.index('id="statements"')]
    assert section.count("<svg") == 2 and section.count("<rect") == 10
    assert "May 26 Revenue: 1,012,345.67 USD" in section
    assert "Feb 26 Net income: (12,500.00) USD" in section


def test_narrative_labels_author_and_marks_unverified_figures(written):
    page = written[1]["report.html"].read_text(encoding="utf-8")
    assert "Drafted by Claude (claude-sonnet-4-5)" in page
    assert "Fallback draft" in page
    box = page[page.index('id="narrative-reconciliations"'):]
    box = box[:box.index("</div>\n</div>") if "</div>\n</div>" in box else 2000]
    assert "UNVERIFIED" in box and "$1.3M" in box and "matches no fact" in box
    executive = page[page.index('id="narrative-executive_summary"'):page.index('id="narrative-executive_summary"') + 800]
    assert "UNVERIFIED" not in executive


def test_review_state_per_section_and_skill(written):
    page = written[1]["report.html"].read_text(encoding="utf-8")
    assert "review: approved" in page
    assert "review: rejected (1 stale approval)" in page
    recon = page[page.index('id="reconciliations"'):page.index('id="tax"')]
    assert "review: pending" in recon


def test_errored_and_skipped_skills_with_reasons(written):
    page = written[1]["report.html"].read_text(encoding="utf-8")
    section = page[page.index('id="not-run"'):page.index('id="sign-off"')]
    assert "SkillError: no closing rate USD-&gt;GBP for 2026-05" in section
    assert "needs loans.csv, which the pack does not have" in section


def test_missing_narrative_and_review_state_are_said_not_hidden():
    doc = sample_doc()
    del doc["narrative"]
    report = build_report(doc, None)
    page = render_html(report)
    assert "Narrative not drafted for this run." in page
    assert "review state unavailable" in page
    assert external_references(page) == []
    md = render_markdown(report)
    assert "review state unavailable" in md and "Narrative not drafted" in md


def test_markdown_lists_the_same_exceptions(written):
    doc, paths = written
    md = paths["report.md"].read_text(encoding="utf-8")
    assert md.startswith("# Monthly Financial Review — Sample Group, May 2026")
    exceptions = md[md.index("\n## Exceptions"):md.index("\n## Reconciliations")]
    for result, finding in all_findings(doc):
        assert f"`{result['id']}`" in exceptions
        assert finding_amount_text(finding["amount"]) in exceptions
        for ref in finding["refs"]:
            assert f"`{ref}`" in exceptions
    assert "**UNVERIFIED:**" in md and "`$1.3M`" in md
    assert "| US01 Sample Inc | USD | 1,012,345.67 | 120,456.78 | 3,300,000.00 |  |" in md
    assert "| Revenue (USD) | 1,012,345.67 | 930,250.00 (April 2026) | +82,095.67 |" in md


def test_workbook_has_area_sheets_with_numeric_cells(written):
    doc, paths = written
    wb = load_workbook(paths["report.xlsx"])
    assert {"Summary", "Statements", "Reconciliations", "Tax", "Flux", "Exceptions"} <= set(wb.sheetnames)
    sheet = wb["Exceptions"]
    header = [c.value for c in sheet[1]]
    amount_col = header.index("Amount")
    refs_col = header.index("Refs")
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = {(", ".join(f["refs"]), Decimal(f["amount"])) for _, f in all_findings(doc)}
    got = {(row[refs_col], Decimal(str(row[amount_col]))) for row in rows}
    assert got == expected
    for row in sheet.iter_rows(min_row=2):
        assert isinstance(row[amount_col].value, (int, float))
        assert row[amount_col].number_format == "#,##0.00;(#,##0.00)"
    assert sheet.freeze_panes == "B2"
    statements = wb["Statements"]
    head = [c.value for c in statements[1]]
    assert head[:5] == ["Entity", "Currency", "Statement", "Section", "Line"] and "April 2026" in head
    revenue = next(r for r in statements.iter_rows(min_row=2, values_only=True) if r[4] == "Revenue")
    assert Decimal(str(revenue[head.index("May 2026")])) == Decimal("1012345.67")
    recon = wb["Reconciliations"]
    values = [r for r in recon.iter_rows(min_row=2, values_only=True)]
    assert any(r[0] == "recon.bank" and r[2] == "US01" and Decimal(str(r[6])) == Decimal("-1250.00") for r in values)


def test_a_partial_close_still_renders_what_it_has(tmp_path):
    """`close run --skills 'recon.*'`: no review skill, no statements; the report says so
    and ranks the exceptions itself."""
    doc = sample_doc()
    doc["skills"] = [r for r in doc["skills"] if r["id"].startswith("recon.")]
    del doc["narrative"]
    report = build_report(doc, None)
    assert report.charts == [] and report.statements == [] and report.kpis == []
    assert [e.refs for e in report.exceptions] == [["bank_transactions:BT-0042"]]
    paths = write_reports(doc, tmp_path, review_state=None)
    page = paths[0].read_text(encoding="utf-8")
    assert "No monthly series" in page and "No statements in this run" in page
    assert "bank_transactions:BT-0042" in page and external_references(page) == []
    assert load_workbook(tmp_path / "report.xlsx")["Exceptions"].max_row == 2


def test_an_empty_close_renders(tmp_path):
    doc = {"month": "2026-05", "pack": {"name": "Empty", "sha256": ""}, "entities": [], "skills": []}
    page = write_reports(doc, tmp_path)[0].read_text(encoding="utf-8")
    assert "No exceptions." in page and "Every skill ran" in page
