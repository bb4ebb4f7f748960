"""Compiled report templates are kept between runs, and a cache that is wrong in any
way costs a compile, never a report: the pages are the same with or without it."""
from __future__ import annotations

import pytest
from jinja2 import FileSystemBytecodeCache

from close.report import build_report, render_html, render_markdown
from close.report import jinja as report_jinja
from tests.report.samples import sample_doc, sample_review_state


def render() -> tuple[str, str]:
    report_jinja.environment.cache_clear()
    report = build_report(sample_doc(), sample_review_state())
    return render_html(report), render_markdown(report)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """The cache in a folder of the test's own (Jinja's default is per user, in /tmp)."""
    folder = tmp_path / "cache"
    folder.mkdir()
    real = FileSystemBytecodeCache.__init__
    monkeypatch.setattr(FileSystemBytecodeCache, "__init__",
                        lambda self, directory=None, pattern="__jinja2_%s.cache": real(self, str(folder), pattern))
    yield folder
    report_jinja.environment.cache_clear()


def test_the_first_run_fills_the_cache_and_the_next_reads_it(cache_dir):
    first = render()
    files = sorted(p.name for p in cache_dir.iterdir())
    assert any(name.startswith("close-html-") for name in files)
    assert any(name.startswith("close-md-") for name in files)
    assert render() == first


def test_a_damaged_cache_is_compiled_over(cache_dir):
    first = render()
    for path in cache_dir.iterdir():
        path.write_bytes(path.read_bytes()[:40])   # cut short: no valid code
    assert render() == first
    for path in cache_dir.iterdir():
        path.write_bytes(b"not a template cache at all")
    assert render() == first


def test_a_cache_that_cannot_be_written_is_no_cache(cache_dir, monkeypatch):
    first = render()
    for path in cache_dir.iterdir():
        path.unlink()

    def refused(*args, **kwargs):
        raise PermissionError("read-only folder")

    monkeypatch.setattr("jinja2.bccache.tempfile.NamedTemporaryFile", refused)
    assert render() == first
    assert list(cache_dir.iterdir()) == []


def test_html_and_markdown_never_share_compiled_code(cache_dir):
    """The two environments compile differently (HTML autoescapes, Markdown escapes in
    finalize): their cache files are named apart, whatever the template."""
    render()
    names = [p.name for p in cache_dir.iterdir()]
    kinds = {name.split("-")[1] for name in names}
    assert kinds == {"html", "md"}
    assert len({name.split("-", 2)[2] for name in names if name.startswith("close-md-")}
               & {name.split("-", 2)[2] for name in names if name.startswith("close-html-")}) == 0
