"""Monthly Financial Review reports: HTML, Markdown and Excel workpapers.

    paths = write_reports(doc, out_dir, review_state=review_state)

`doc` is the results contract (results.json, with its narrative); `review_state` is what
the review queue returned for this run, or None when there is none. The HTML is one
self-contained file (inline CSS and SVG, nothing fetched) for a browser and for print;
the Markdown suits a pull request or a chat; report.xlsx holds the figures as numbers
for a reviewer's own tick-and-tie, and workpapers.xlsx is the month's file for an
auditor: one reconciliation per tab, with formulas that tie (close.report.workpapers).
"""
from __future__ import annotations

from pathlib import Path

from close.report.model import Report, _entities, build_report


def render_html(report: Report) -> str:
    from close.report.jinja import environment

    return environment("html").get_template("mfr.html.j2").render(r=report)


def render_statutory(report: Report) -> str:
    """statutory.html: the statutory statement sets alone, laid out for print (A4, a
    statement a page, its checks beside it)."""
    from close.report.jinja import environment

    return environment("html").get_template("statutory.html.j2").render(r=report)


def render_markdown(report: Report) -> str:
    from close.report.jinja import environment

    return environment("md").get_template("mfr.md.j2").render(r=report)


TEMPLATES = (("html", "mfr.html.j2"), ("html", "statutory.html.j2"), ("md", "mfr.md.j2"))


def prepare() -> None:
    """Import the writers and compile the templates ahead of time: a close calls this
    on a helper thread while the skills run, mostly inside DuckDB with the GIL free, so
    the reports start writing at once when the results are in."""
    from close.report import workbook, workpapers  # noqa: F401
    from close.report.jinja import environment

    for kind, name in TEMPLATES:
        environment(kind).get_template(name)


def stage_reports(doc, out_dir, review_state=None, inputs=None,
                  per_entity: bool = False, helper=None) -> list[tuple[Path, Path]]:
    """Write report.html, report.md, report.xlsx and workpapers.xlsx (and with
    per_entity a workpapers-<entity>.xlsx for each entity) to temporary files in out_dir;
    return (temporary, final) pairs for close.outputs to move into place. On any error
    the temporary files written so far are removed and the error raised. `inputs`
    (close.report.workpapers.Inputs) is what the workpapers need beyond results.json.
    `helper` (close.report.helper.Helper): a process that writes the workpapers while
    this one writes the rest."""
    from close.outputs import discard, staging_path
    from close.report.workbook import write_workbook
    from close.report.workpapers import workpapers_file, write_workpapers

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = None   # built once the helper has its job (build_report: 0.1 s at 1M lines)
    writers = [("report.html", lambda p: p.write_text(render_html(report), encoding="utf-8")),
               ("report.md", lambda p: p.write_text(render_markdown(report), encoding="utf-8")),
               ("statutory.html", lambda p: p.write_text(render_statutory(report), encoding="utf-8")),
               ("report.xlsx", lambda p: write_workbook(report, p))]
    workpapers = [(workpapers_file(), None)]
    if per_entity:
        workpapers += [(workpapers_file(entity.id), entity.id) for entity in _entities(doc)]
    staged = [(staging_path(out / name), out / name) for name, _ in writers + workpapers]
    # The workpapers as calls of a module-level function, which a helper process can run.
    calls = [(write_workpapers, doc, staged[len(writers) + i][0], review_state, inputs, entity)
             for i, (_, entity) in enumerate(workpapers)]
    try:
        if helper is not None:
            helper.start(calls)
        report = build_report(doc, review_state, inputs.lines if inputs is not None else None,
                              inputs.totals if inputs is not None else None)
        for (path, _), (_, write) in zip(staged, writers):
            write(path)
        if helper is not None:
            helper.finish()
        else:
            for function, *args in calls:
                function(*args)
    except BaseException:
        if helper is not None:
            helper.close()   # it writes nothing more before its files are removed
        discard(staged)
        raise
    return staged


def write_reports(doc, out_dir, review_state=None, inputs=None, per_entity: bool = False) -> list[Path]:
    """Write report.html, report.md, report.xlsx and workpapers.xlsx into out_dir;
    return their paths. Each file appears whole or not at all (written aside, then renamed)."""
    from close.outputs import publish

    return publish(stage_reports(doc, out_dir, review_state, inputs, per_entity))


__all__ = ["build_report", "render_html", "render_markdown", "render_statutory", "stage_reports", "write_reports"]
