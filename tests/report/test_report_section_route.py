"""A report section is added the documented way (docs/architecture.md): a builder that
reads the ResultsDoc, registered with @report_section, and its two templates. Nothing
else is touched, and the section renders in report.html and report.md."""
from __future__ import annotations

import shutil

import pytest

from close.report import build_report, render_html, render_markdown
from close.report import jinja
from close.report.model import REPORT_SECTIONS, report_section
from tests.report.samples import DOC


@pytest.fixture
def templates_with_a_section(tmp_path, monkeypatch):
    """The shipped templates plus the new section's two, as a project would add them."""
    root = tmp_path / "templates"
    shutil.copytree(jinja.templates_dir(), root)
    (root / "sections").mkdir(exist_ok=True)
    (root / "sections" / "skipped_checks.html.j2").write_text(
        '<section class="major" id="skipped-checks"><h2>Skipped checks</h2>'
        '<p>{{ s.count }} skipped: {{ s.ids | join(", ") }}</p></section>\n', encoding="utf-8")
    (root / "sections" / "skipped_checks.md.j2").write_text(
        "## Skipped checks\n\n{{ s.count }} skipped: {{ s.ids | join(', ') }}\n\n", encoding="utf-8")
    monkeypatch.setattr(jinja, "templates_dir", lambda: root)
    saved = dict(REPORT_SECTIONS)
    jinja.environment.cache_clear()
    yield root
    REPORT_SECTIONS.clear()
    REPORT_SECTIONS.update(saved)
    jinja.environment.cache_clear()


def test_a_section_added_through_the_documented_route_renders(templates_with_a_section):
    @report_section("skipped_checks")
    def skipped_checks(doc):
        skipped = [r.id for r in doc.results if r.status == "skipped"]
        return {"count": len(skipped), "ids": skipped} if skipped else None

    report = build_report(DOC)
    assert report.sections == {"skipped_checks": {"count": 1, "ids": ["recon.loans"]}}
    assert "<h2>Skipped checks</h2>" in render_html(report)
    assert "1 skipped: recon.loans" in render_html(report)
    assert "## Skipped checks\n\n1 skipped: recon.loans" in render_markdown(report)


def test_a_section_with_nothing_to_show_is_left_out(templates_with_a_section):
    report_section("skipped_checks")(lambda doc: None)
    report = build_report(DOC)
    assert report.sections == {}
    assert "Skipped checks" not in render_html(report)
