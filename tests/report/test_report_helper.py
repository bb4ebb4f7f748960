"""The helper process that writes a large close's workpapers beside the other reports
(close.report.helper): the same workbook as written in process, errors raised as they
would be, and a helper that dies or never starts costs nothing but time."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from close.config import Config
from close.pipeline import workpaper_inputs
from close.report import helper as helper_module
from close.report import stage_reports
from close.report.helper import HELPER_MIN_LINES, Helper, wanted
from close.results import outcome_to_dict

NOW = datetime(2026, 6, 2, 9, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo_doc(demo_close):
    return outcome_to_dict(demo_close)


@pytest.fixture(scope="module")
def inputs(demo_doc, demo_books, demo_pack):
    con, info = demo_books
    return workpaper_inputs(con, demo_doc, pack=info, pack_path=demo_pack, config=Config(), user="pat", now=NOW)


def cells(path) -> dict:
    """Every cell's value and look; a staged file is read under an .xlsx name."""
    import shutil

    readable = path.with_name(path.name + ".xlsx")
    shutil.copyfile(path, readable)
    book = load_workbook(readable)
    return {ws.title: [[(c.value, c.number_format, c.font.b, c.protection.locked) for c in row]
                       for row in ws.iter_rows()] for ws in book.worksheets}


def staged_workpapers(staged) -> dict:
    return {final.name: temp for temp, final in staged if final.name.startswith("workpapers")}


def test_only_a_large_pack_gets_a_helper():
    assert wanted(HELPER_MIN_LINES) and not wanted(HELPER_MIN_LINES - 1)
    assert not wanted(162_804)      # the demo group writes its reports in a fraction of a second


def test_the_helper_writes_the_same_workpapers(demo_doc, inputs, tmp_path, monkeypatch):
    here = stage_reports(demo_doc, tmp_path / "here", None, inputs, per_entity=True)
    answers = []
    real_finish = Helper.finish
    monkeypatch.setattr(Helper, "finish", lambda self: answers.append(real_finish(self)) or answers[-1])
    with Helper() as helper:
        child = helper._child
        there = stage_reports(demo_doc, tmp_path / "there", None, inputs, per_entity=True, helper=helper)
    assert child.returncode == 0       # it ran the job and exited
    assert answers == [[temp for temp, final in there if final.name.startswith("workpapers")]]
    assert [final.name for _, final in there] == [final.name for _, final in here]
    assert all(temp.is_file() for temp, _ in there)
    written_here, written_there = staged_workpapers(here), staged_workpapers(there)
    assert len(written_there) == 1 + len({r["entity_id"] for r in demo_doc["skills"] if r["entity_id"]})
    for name, temp in written_there.items():
        assert cells(temp) == cells(written_here[name]), name


def test_a_writing_error_in_the_helper_is_raised_here(demo_doc, inputs, tmp_path, monkeypatch):
    """A disk that refuses the workpapers fails the close as it would without a helper,
    and no staged file is left behind."""
    out = tmp_path / "out"
    out.mkdir()
    from close import outputs

    real = outputs.staging_path

    def into_a_missing_folder(final):
        path = real(final)
        return tmp_path / "gone" / path.name if final.name.startswith("workpapers") else path

    monkeypatch.setattr(outputs, "staging_path", into_a_missing_folder)
    with Helper() as helper, pytest.raises(FileNotFoundError):
        stage_reports(demo_doc, out, None, inputs, helper=helper)
    assert list(out.iterdir()) == []


def test_a_helper_that_dies_or_never_starts_is_replaced_by_writing_here(demo_doc, inputs, tmp_path, monkeypatch):
    with Helper() as helper:
        helper._child.kill()
        staged = stage_reports(demo_doc, tmp_path / "killed", None, inputs, helper=helper)
    assert staged_workpapers(staged)["workpapers.xlsx"].is_file()

    def no_python(*args, **kwargs):
        raise OSError("no interpreter")

    monkeypatch.setattr(helper_module.subprocess, "Popen", no_python)
    with Helper() as helper:
        staged = stage_reports(demo_doc, tmp_path / "unstarted", None, inputs, helper=helper)
    assert staged_workpapers(staged)["workpapers.xlsx"].is_file()


def test_a_close_of_a_large_pack_writes_through_the_helper(demo_pack, tmp_path, monkeypatch):
    """The pipeline starts the helper for a pack past the threshold (lowered here to the
    demo's size) and its outputs are those of a close without one."""
    from close.cli import app
    from typer.testing import CliRunner

    started = []
    real_init = Helper.__init__

    def counting(self):
        started.append(self)
        real_init(self)

    def close_to(out, workspace):
        done = CliRunner().invoke(app, ["run", "--month", "2026-05", "--pack", str(demo_pack), "--workspace",
                                        str(workspace), "--out", str(out), "--as", "pat", "--skills", "recon.*"])
        assert done.exit_code in (0, 1), done.output
        return (out / "results.json").read_bytes()

    without = close_to(tmp_path / "without", tmp_path / "ws")
    monkeypatch.setattr(helper_module, "HELPER_MIN_LINES", 1)
    monkeypatch.setattr(Helper, "__init__", counting)
    with_helper = close_to(tmp_path / "with", tmp_path / "ws")
    assert len(started) == 1
    assert with_helper == without
    sheets = load_workbook(tmp_path / "with" / "workpapers.xlsx", read_only=True).sheetnames
    assert sheets == load_workbook(tmp_path / "without" / "workpapers.xlsx", read_only=True).sheetnames
