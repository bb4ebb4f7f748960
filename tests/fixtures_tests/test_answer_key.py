"""The answer key: reproduced by the generator, well formed, pointing at real rows."""
from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

import fixtures
from close.pack.schema import TABLES_BY_NAME


COMMITTED = Path(fixtures.__file__).parent / "answer_key.json"
CATALOG = Path(os.environ.get("CLOSE_SKILLS_CATALOG", Path(__file__).resolve().parents[3] / "shared" / "SKILLS.md"))
GROUP_SKILLS = {"stmt.consolidation", "close.mfr"}


def test_generator_reproduces_the_committed_answer_key(demo_dir):
    assert (demo_dir / "answer_key.json").read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        "the seeds changed: regenerate with `python -m fixtures.generate DIR` and copy DIR/answer_key.json "
        "to fixtures/answer_key.json")


def test_key_shape(demo_key):
    assert demo_key["month"] == "2026-05" and demo_key["seed"] == 20260531
    for case in demo_key["cases"]:
        assert set(case) - {"origin"} == {"skill", "entity_id", "refs", "amount", "note"}
        assert case.get("origin", "growth") == "growth"  # absent: a seed; growth: fixtures/growth.py
        assert re.fullmatch(r"\d+\.\d\d", case["amount"]) and Decimal(case["amount"]) > 0
        assert case["refs"] and case["note"]


def test_at_least_forty_skills_are_seeded(demo_key):
    assert len({c["skill"] for c in demo_key["cases"]}) >= 40


def test_every_ref_names_a_row_of_the_pack(demo_db, demo_key):
    con = demo_db
    missing = []
    for case in demo_key["cases"]:
        for ref in case["refs"]:
            table, key = ref.split(":", 1)
            spec = TABLES_BY_NAME[table]
            columns = spec.ref_key or spec.key
            parts = key.split("/")
            if table == "periods":
                columns = ("entity_id", "period")
            assert len(parts) == len(columns), ref
            where = " AND ".join(f'"{c}" = $k{i}' for i, c in enumerate(columns))
            found = con.execute(f"SELECT count(*) FROM {table} WHERE {where}",
                                {f"k{i}": p for i, p in enumerate(parts)}).fetchone()[0]
            if not found:
                missing.append(ref)
    assert not missing


def test_every_seeded_skill_is_in_the_catalog(demo_key):
    if not CATALOG.is_file():
        pytest.skip(f"skill catalog not found at {CATALOG} (set CLOSE_SKILLS_CATALOG)")
    catalog = set(re.findall(r"^\| ([a-z]+\.[a-z0-9_]+) \|", CATALOG.read_text(encoding="utf-8"), re.M))
    unknown = sorted({c["skill"] for c in demo_key["cases"]} - catalog)
    assert not unknown


def test_every_seeded_skill_leaves_an_entity_clean(demo_db, demo_key):
    con = demo_db
    entities = {r[0] for r in con.execute("SELECT entity_id FROM entities").fetchall()}
    by_skill: dict[str, set] = {}
    for case in demo_key["cases"]:
        if case.get("origin") != "growth":  # the business's own variances are not plants
            by_skill.setdefault(case["skill"], set()).add(case["entity_id"])
    crowded = [s for s, seeded in by_skill.items() if s not in GROUP_SKILLS and not entities - seeded]
    assert not crowded


def test_group_cases_have_no_entity(demo_key):
    for case in demo_key["cases"]:
        assert (case["entity_id"] is None) == (case["skill"] in GROUP_SKILLS), case


def test_readme_lists_exactly_the_answer_key():
    from fixtures.answer_table import readme_section, render

    readme = (COMMITTED.parent / "README.md").read_text(encoding="utf-8")
    key = json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert readme_section(readme) == render(key), "run `python -m fixtures.answer_table --write`"
