"""Clean books raise nothing: every skill, on every group's books with nothing planted.

The known-answer tests check that each seeded case is found and that nothing else is
reported on the seeded books. This is the stricter half on its own: each group's generator
writes the same months with no seed at all (`--no-seeds`), and then no skill of any area
may report a single finding or error beyond what the clean books' own answer key lists
(for the demo: the year-on-year variances its growing business creates, computed from the
journal by fixtures/growth.py; for Kestrel: nothing). A finding outside it is one a
reviewer would have to reject: the costliest kind, so the suite fails on it.
"""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from close.pack import open_pack
from close.periods import parse_month
from close.runner import run_close
from tests.support.groups import GROUPS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", params=GROUPS)
def clean_close(request, tmp_path_factory):
    """The close of one group's clean books (generated afresh, nothing planted)."""
    group = request.param
    folder = tmp_path_factory.mktemp(f"clean-{group}")
    command = [sys.executable, "-m", "fixtures.generate", str(folder / "pack"), "--no-seeds",
               *(("--group", group) if group != "acme" else ())]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    con, info = open_pack(folder / "pack", folder / "workspace")
    try:
        key = json.loads((folder / "pack" / "answer_key.json").read_text(encoding="utf-8"))
        yield group, run_close(con, info, parse_month("2026-05")), key
    finally:
        con.close()


def expected(finding, result, key) -> bool:
    return any(c["skill"] == result.skill_id and c["entity_id"] == result.entity_id
               and finding.amount == Decimal(c["amount"]) and set(c["refs"]) <= set(finding.refs)
               for c in key["cases"])


def test_no_skill_reports_anything_on_clean_books(clean_close):
    group, outcome, key = clean_close
    noise = [f"{r.skill_id} {r.entity_id or '(group)'}: {f.severity} {f.amount} {f.message[:160]} {list(f.refs)[:3]}"
             for r in outcome.results if r.skill_id.split(".")[0] != "close"
             for f in r.findings if not expected(f, r, key)]
    assert not noise, f"{group}: {len(noise)} findings on clean books:\n" + "\n".join(noise[:40])


def test_clean_books_key_is_found(clean_close):
    group, outcome, key = clean_close
    missed = [c for c in key["cases"]
              if not any(expected(f, r, {"cases": [c]}) for r in outcome.results for f in r.findings)]
    assert not missed, f"{group}: {missed}"


def test_no_skill_errors_on_clean_books(clean_close):
    group, outcome, _ = clean_close
    errors = [f"{r.skill_id} {r.entity_id}: {r.summary}" for r in outcome.results if r.status == "error"]
    assert not errors, f"{group}: " + "\n".join(errors)


def test_every_result_on_clean_books_passes_or_says_why_it_skipped(clean_close):
    group, outcome, key = clean_close
    unexplained = [f"{r.skill_id} {r.entity_id}" for r in outcome.results
                   if r.status == "skipped" and not r.summary.strip()]
    assert not unexplained, f"{group}: skipped without a reason: {unexplained}"
    expected_skills = {c["skill"] for c in key["cases"]}
    assert {r.status for r in outcome.results if r.skill_id not in expected_skills
            and r.skill_id.split(".")[0] != "close"} <= {"pass", "skipped"}
