"""The printed Monthly Financial Review: about fifteen pages, the detail kept on screen.

report.html prints (browser print, or headless chromium --print-to-pdf) with its own
print CSS: sections run on, each entity's statutory set, exceptions past the first 25,
the checks needing attention, all skill results and the rows behind the refs are not
printed, and a note says, where each would have printed, that it is on screen.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from close.report import write_reports
from close.results import outcome_to_dict
from tests.report.samples import DOC as SAMPLE

MAX_PAGES = 16  # the demo prints on 15; one page of slack for what other sections add


@pytest.fixture(scope="module")
def report(demo_close, tmp_path_factory):
    doc = outcome_to_dict(demo_close)
    doc["narrative"] = SAMPLE["narrative"]
    out = tmp_path_factory.mktemp("print")
    paths = {p.name: p for p in write_reports(doc, out, review_state=None)}
    return doc, paths["report.html"]


def opening_tag(page: str, element_id: str) -> str:
    return re.search(rf'<[a-z]+ [^>]*id="{element_id}"[^>]*>', page).group()


def test_print_css_leaves_the_detail_on_screen_and_says_so(report):
    doc, path = report
    page = path.read_text(encoding="utf-8")
    css = page[page.index("@media print"):]
    assert re.search(r"\.print-appendix \{ display: none !important; \}", css)
    assert ".print-only { display: block; }" in css and "section.major { break-before: auto;" in css
    assert "print-appendix" in opening_tag(page, "appendix") and "print-appendix" in opening_tag(page, "lines")
    note = page[page.index('id="appendix-note"'):page.index('id="appendix"')]
    assert f"all {len(doc['skills'])} skill results" in note
    shown = len(re.findall(r'<tr>\s*<td class="num muted">\d+</td>', page))
    assert shown > 25 and f"Printed: the first 25 of {shown} in this ranking" in page
    blocks = re.findall(r'<div class="statement-block( print-appendix)?">\s*<h3 id="statements-([^"]+)"', page)
    assert ("", "Group") in blocks and all(flag for flag, entity in blocks if entity != "Group")


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("pdfinfo")),
                    reason="needs headless chromium and pdfinfo to print and count pages")
def test_the_demo_prints_in_at_most_fifteen_pages(report, tmp_path):
    _, path = report
    pdf = tmp_path / "report.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
                    path.as_uri()], check=True, capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages <= MAX_PAGES, f"report.html prints on {pages} pages"
