"""The registry finds every skill module, refuses duplicates, unknown dependencies and
cycles, and takes skills from other installed packages through entry points."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import skills as skills_package
from close.registry import Registry, RegistryError
from close.skill import Skill


def make(skill_id, depends=(), group=False):
    return Skill(id=skill_id, title=skill_id, description=f"test skill {skill_id}",
                 run=lambda ctx: ctx.result(), depends=depends, group=group)


def test_every_module_with_a_skill_is_registered():
    registry = Registry.discover(include_plugins=False)
    root = Path(skills_package.__file__).parent
    declared = set()
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "\nSKILL = Skill(" in text:
            module = ".".join(path.relative_to(root.parent).with_suffix("").parts)
            declared.add(module)
    registered = {s.module for s in registry.all()}
    assert declared and declared <= registered


def test_duplicate_id_is_an_error():
    with pytest.raises(RegistryError, match="declared twice"):
        Registry([make("je.a"), make("je.a")])


def test_unknown_dependency_is_an_error():
    with pytest.raises(RegistryError, match="unknown skill 'je.missing'"):
        Registry([make("je.a", depends=("je.missing",))])


def test_cycle_is_an_error():
    with pytest.raises(RegistryError, match="cycle"):
        Registry([make("je.a", depends=("je.b",)), make("je.b", depends=("je.a",))])


def test_per_entity_skill_cannot_depend_on_a_group_skill():
    with pytest.raises(RegistryError, match="group skill"):
        Registry([make("stmt.g", group=True), make("je.a", depends=("stmt.g",))])


def test_order_puts_dependencies_first_and_is_stable():
    registry = Registry([make("flux.z", depends=("je.b",)), make("je.b", depends=("je.c",)), make("je.c")])
    assert registry.order == ["je.c", "je.b", "flux.z"]
    assert [s.id for s in registry.select(["flux.*"])] == ["je.c", "je.b", "flux.z"]


def test_select_unknown_pattern_names_it():
    with pytest.raises(KeyError, match="no skill matches 'nope.*'"):
        Registry([make("je.a")]).select(["nope.*"])


def test_bad_id_is_refused_at_declaration():
    with pytest.raises(ValueError, match="area.name"):
        make("NotAnId")


PLUGIN_MODULE = '''
"""A third-party skill, declared exactly like the built-in ones."""
from close.skill import Skill

SKILL = Skill(id="acme.vendor_count", title="Vendor count", description="Counts journal lines.",
              needs=("journal_lines",), run=lambda ctx: ctx.result(metrics={"lines": 1}))
'''

PLUGIN_PYPROJECT = '''
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"
[project]
name = "close-acme-skills"
version = "0.0.1"
[project.entry-points."close.skills"]
acme = "acme_skills.vendor_count"
[tool.setuptools]
packages = ["acme_skills"]
'''


def test_entry_point_skill_pack_is_discovered(tmp_path, monkeypatch):
    source = tmp_path / "src"
    (source / "acme_skills").mkdir(parents=True)
    (source / "acme_skills" / "__init__.py").write_text("")
    (source / "acme_skills" / "vendor_count.py").write_text(textwrap.dedent(PLUGIN_MODULE))
    (source / "pyproject.toml").write_text(PLUGIN_PYPROJECT)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(source)], check=True, capture_output=True)
    monkeypatch.syspath_prepend(str(target))
    registry = Registry.discover()
    skill = registry.get("acme.vendor_count")
    assert skill.module == "acme_skills.vendor_count"
    assert "je.trial_balance" in registry


def test_skills_imported_in_background_are_the_ones_discover_registers():
    """`close run` imports the skill modules on a thread while the pack is hashed; in a
    fresh interpreter the thread loads every module and discover then finds them all."""
    script = textwrap.dedent("""
        import sys
        from close.registry import Registry, import_in_background
        import_in_background().join()
        loaded = sorted(m for m in sys.modules if m.startswith("skills."))
        registry = Registry.discover(include_plugins=False)
        modules = sorted({s.module for s in registry.all()})
        missing = [m for m in modules if m not in loaded]
        print(len(registry), len(modules), missing)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[2], check=True).stdout.split()
    assert int(out[0]) >= 82 and int(out[1]) > 0
    assert out[2] == "[]"
