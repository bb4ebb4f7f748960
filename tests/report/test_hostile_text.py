"""Pack text in the reports is shown, never run: no live formula in the workbook, no HTML,
link or broken table in the Markdown, no markup in the HTML."""
from __future__ import annotations

import pytest
from lxml import html as lxml_html
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from close.report import build_report, render_html, render_markdown
from close.report.workbook import write_workbook
from tests.report.checks import external_references
from tests.report.samples import sample_doc, sample_review_state

HOSTILE = ('=HYPERLINK("http://x","click") <script>alert(1)</script> <img src=x onerror=alert(1)> '
           "[click](javascript:alert(1)) \x1b]8;;http://evil\x1b\\ [/bold] a|b\nc")
# openpyxl cannot store ESC in a cell: the workbook shows it escaped, like the terminal.
IN_CELL = HOSTILE.replace("\x1b", "\\x1b")


def hostile_doc() -> dict:
    doc = sample_doc()
    doc["pack"]["name"] = HOSTILE
    by_id = {(r["id"], r["entity_id"]): r for r in doc["skills"]}
    by_id[("je.self_approved", "US01")]["findings"][0]["message"] = HOSTILE
    by_id[("je.self_approved", "US01")]["findings"][0]["refs"] = ["journal_lines:<img src=x onerror=alert(1)>"]
    by_id[("je.self_approved", "UK01")]["summary"] = HOSTILE
    by_id[("stmt.income_statement", "US01")]["metrics"]["lines"][0]["line"] = HOSTILE
    by_id[("close.mfr", None)]["metrics"]["entities"][0]["name"] = HOSTILE
    return doc


@pytest.fixture(scope="module")
def report():
    return build_report(hostile_doc(), sample_review_state())


@pytest.fixture(scope="module")
def md(report):
    return render_markdown(report)


def test_workbook_holds_pack_text_as_strings_not_formulas(report, tmp_path):
    wb = load_workbook(write_workbook(report, tmp_path / "report.xlsx"))
    summary = wb["Summary"]["B2"]
    assert (summary.value, summary.data_type, summary.quotePrefix) == (IN_CELL, "s", True)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    hostile = [c for c in cells if c.value == IN_CELL]
    sheets = {c.parent.title for c in hostile}
    assert {"Summary", "Exceptions", "Statements", "Not run"} <= sheets
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)
    figures = [c for c in cells if c.parent.title == "Exceptions" and c.column_letter == "F" and c.row > 1]
    assert figures and all(c.data_type == "n" and not isinstance(c.value, str) for c in figures)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","click")', "+1+2", "-1-2", "@SUM(A1)", "#REF!"])
def test_text_excel_would_run_stays_text(text, tmp_path):
    doc = sample_doc()
    doc["pack"]["name"] = text
    ws = load_workbook(write_workbook(build_report(doc, None), tmp_path / "r.xlsx"))["Summary"]
    assert (ws["B2"].value, ws["B2"].data_type) == (text, "s")
    assert ws["B2"].quotePrefix == (text[0] in "=+-@")


def test_markdown_shows_pack_text_as_text(md):
    for raw in ("<script", "<img", "](javascript:", "\x1b", "[/bold]"):
        assert raw not in md, raw
    assert md.startswith("# Monthly Financial Review — =HYPERLINK\\(\"http://x\",\"click\"\\) "
                         "&lt;script&gt;alert\\(1\\)&lt;/script&gt;")
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    tree = lxml_html.fromstring(rendered)
    assert not tree.xpath("//a | //img | //script | //code[contains(., '<')]")
    assert "<script>alert(1)</script>" in tree.text_content()
    entities = next(t for t in tree.iter("table") if "Total assets" in t.text_content())
    assert [len(row.xpath("td|th")) for row in entities.iter("tr")] == [6, 6]  # a pipe and a
    # line break in the entity's name added no column and no row


def test_markdown_keeps_figures_and_code_spans_plain(md):
    assert "`je.self_approved`" in md and "`recon.bank`" in md
    assert "| Revenue (USD) | 1,012,345.67 | 930,250.00 (April 2026) | +82,095.67 |" in md
    assert "journal\\_lines:&lt;img src=x onerror=alert\\(1\\)&gt;" in md  # a ref a code span cannot hold


def test_html_escapes_pack_text(report):
    page = render_html(report)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert external_references(page) == []
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//img")
    assert all(not (a.get("href") or "").lower().lstrip().startswith("javascript:") for a in tree.iter("a"))
    assert "<script>alert(1)</script>" in tree.text_content()
