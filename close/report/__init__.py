"""Monthly Financial Review reports: HTML, Markdown and Excel workpapers.

    paths = write_reports(doc, out_dir, review_state=review_state)

`doc` is the results contract (results.json, with its narrative); `review_state` is what
the review queue returned for this run, or None when there is none. The HTML is one
self-contained file (inline CSS and SVG, nothing fetched) for a browser and for print;
the Markdown suits a pull request or a chat; the workbook holds the figures as numbers
for a reviewer's own tick-and-tie.
"""
from __future__ import annotations

from pathlib import Path

from close.report.model import Report, build_report


def render_html(report: Report) -> str:
    from close.report.jinja import environment

    return environment("html").get_template("mfr.html.j2").render(r=report)


def render_markdown(report: Report) -> str:
    from close.report.jinja import environment

    return environment("md").get_template("mfr.md.j2").render(r=report)


def write_reports(doc, out_dir, review_state=None) -> list[Path]:
    """Write report.html, report.md and report.xlsx into out_dir; return their paths."""
    from close.report.workbook import write_workbook

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = build_report(doc, review_state)
    html_path, md_path, xlsx_path = out / "report.html", out / "report.md", out / "report.xlsx"
    html_path.write_text(render_html(report), encoding="utf-8")
    md_path.write_text(render_markdown(report), encoding="utf-8")
    write_workbook(report, xlsx_path)
    return [html_path, md_path, xlsx_path]


__all__ = ["build_report", "render_html", "render_markdown", "write_reports"]
