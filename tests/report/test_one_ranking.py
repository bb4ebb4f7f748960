"""One finding ranking (close.skill.rank_key, through close.results.ranking) wherever
findings are listed: close.exceptions_summary, the report, the narrative; and the two
report counts that used to differ: every flux finding with its rank and amount, and the
close area's statuses counted as the console counts them."""
from __future__ import annotations

import copy
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from close.narrative.ranking import ordered_findings
from close.report import build_report
from close.report.workbook import write_workbook
from close.results import (SUMMARISING_AREA, dumps, outcome_to_dict, rank_findings, rank_key,
                           read_results)


@pytest.fixture(scope="module")
def demo_doc(demo_close):
    return json.loads(dumps(outcome_to_dict(demo_close)))


def _identity(skill_id, entity_id, message, refs):
    return (skill_id, entity_id, message, tuple(refs))


def _amount(text):
    return Decimal(text) if text is not None else None


def _counted_findings(doc):
    return [(r, f) for r in doc["skills"] if r["id"].split(".")[0] != SUMMARISING_AREA for f in r["findings"]]


def test_the_summary_skill_ranks_by_the_one_key(demo_doc):
    ranked = next(r for r in demo_doc["skills"] if r["id"] == "close.exceptions_summary")["metrics"]["ranked"]
    keys = [rank_key(row["severity"], _amount(row["amount_reporting"]), row["refs"], row["message"],
                     row["skill_id"], row["entity_id"]) for row in ranked]
    assert keys == sorted(keys)
    assert len(ranked) == len(_counted_findings(demo_doc)) > 20


def test_report_narrative_and_summary_list_findings_in_the_same_order(demo_doc):
    summary = [_identity(row["skill_id"], row["entity_id"], row["message"], row["refs"])
               for row in next(r for r in demo_doc["skills"]
                               if r["id"] == "close.exceptions_summary")["metrics"]["ranked"]]
    contract = [_identity(f.skill_id, f.entity_id, f.message, f.refs) for f in rank_findings(demo_doc).findings]
    report = [_identity(e.skill_id, e.entity_id, e.message, e.refs) for e in build_report(demo_doc).exceptions]
    narrative = [_identity(r.id, r.entity_id, f.message, f.refs)
                 for r, _, f in ordered_findings(read_results(demo_doc).results)]
    assert summary == contract == report == narrative
    assert [e.rank for e in build_report(demo_doc).exceptions] == list(range(1, len(summary) + 1))


def test_without_the_summary_every_reader_ranks_by_the_key_in_own_currency(demo_doc):
    doc = copy.deepcopy(demo_doc)
    doc["skills"] = [r for r in doc["skills"] if r["id"] != "close.exceptions_summary"]
    expected = sorted(
        (rank_key(f["severity"], _amount(f["amount"]), f["refs"],
                  f["message"], r["id"], r["entity_id"]), _identity(r["id"], r["entity_id"], f["message"], f["refs"]))
        for r, f in _counted_findings(doc))
    expected = [identity for _, identity in expected]
    report = build_report(doc)
    assert [_identity(e.skill_id, e.entity_id, e.message, e.refs) for e in report.exceptions] == expected
    assert [_identity(r.id, r.entity_id, f.message, f.refs)
            for r, _, f in ordered_findings(read_results(doc).results)] == expected
    assert report.exceptions_ranked_by == "severity, then amount in the entity's currency"


def test_every_flux_finding_is_in_the_flux_sheet_with_rank_and_amount(demo_doc, tmp_path):
    flux = [(r, f) for r, f in _counted_findings(demo_doc) if r["id"].startswith("flux.")]
    assert len({r["id"] for r, _ in flux}) >= 4          # more than flux.month_over_month
    report = build_report(demo_doc)
    assert len(report.flux_findings) == len(flux)
    ranks = {(e.skill_id, e.entity_id, e.message): e.rank for e in report.exceptions}
    for row in report.flux_findings:
        assert row.rank == ranks[(row.skill_id, row.entity_id, row.message)]
        assert row.amount is not None and row.amount_reporting is not None
    sheet = load_workbook(write_workbook(report, tmp_path / "report.xlsx"))["Flux"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(flux)
    assert all(rank is not None and amount is not None for rank, _, _, _, _, amount, *_ in rows)
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)


def test_console_and_report_count_the_close_area_alike(demo_doc, demo_close, capsys):
    from close.cli.run_cmd import _print_summary

    report = build_report(demo_doc)
    by_area = dict(report.checklist_areas)
    close_results = [r for r in demo_doc["skills"] if r["id"].startswith("close.")]
    assert by_area["close"]["pass"] + by_area["close"]["exceptions"] == len(close_results)
    _print_summary(SimpleNamespace(outcome=demo_close, doc=demo_doc, files=[]), None)
    printed = capsys.readouterr().out
    row = next(line for line in printed.splitlines() if line.strip("│ ").startswith("close "))
    numbers = [int(cell) for cell in row.replace("│", " ").split()[1:]]
    assert numbers == [by_area["close"][s] for s in ("pass", "exceptions", "skipped", "error")]
    for area, counts in read_results(demo_doc).area_status_counts().items():
        assert {k: by_area[area][k] for k in counts} == counts
