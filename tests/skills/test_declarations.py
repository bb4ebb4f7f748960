"""Meta-tests over the registry: every skill is declared completely and under a catalog id."""
import re
from pathlib import Path

import pytest

from close.registry import Registry

REGISTRY = Registry.discover(include_plugins=False)
CATALOG = Path(__file__).parents[3] / "shared" / "SKILLS.md"


def catalog_ids() -> set[str]:
    text = CATALOG.read_text(encoding="utf-8")
    return set(re.findall(r"^\| ((?:je|recon|tax|stmt|flux|close)\.[a-z0-9_]+) \|", text, re.M))


@pytest.mark.parametrize("skill", REGISTRY.all(), ids=lambda s: s.id)
def test_declaration_is_complete(skill):
    assert skill.title.strip() and len(skill.description.split()) >= 8
    for name, param in skill.params.items():
        assert param.help.strip(), f"{skill.id} parameter {name} has no help"


@pytest.mark.skipif(not CATALOG.exists(), reason="shared/SKILLS.md is not beside this checkout")
def test_built_in_ids_come_from_the_catalog():
    unknown = sorted(s.id for s in REGISTRY.all() if s.id not in catalog_ids())
    assert not unknown, f"ids not in SKILLS.md: {unknown}"


@pytest.mark.skipif(not CATALOG.exists(), reason="shared/SKILLS.md is not beside this checkout")
def test_group_marking_follows_the_catalog():
    text = CATALOG.read_text(encoding="utf-8")
    group_ids = set(re.findall(r"^\| ((?:stmt|close|recon|flux|tax|je)\.[a-z0-9_]+) \| \*group\*", text, re.M))
    wrong = [s.id for s in REGISTRY.all() if s.id in group_ids and not s.group]
    assert not wrong, f"catalog marks these *group*: {wrong}"
