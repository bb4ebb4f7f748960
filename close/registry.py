"""Finding skills without a central list.

Every module under the `skills` package that defines `SKILL` is a skill, and so is every
`close.skills` entry point of another installed package (the entry point names a module
with `SKILL`, a Skill, or a list of them). Discovery is explicit (walk and import), a
duplicate id is an error, and dependencies are checked before anything runs.
"""
from __future__ import annotations

import fnmatch
import importlib
import pkgutil
import threading
from dataclasses import replace
from importlib.metadata import entry_points
from types import ModuleType

from close.skill import AREA_ORDER, Skill  # noqa: F401  (AREA_ORDER re-exported for readers of the registry)

ENTRY_POINT_GROUP = "close.skills"


class RegistryError(Exception):
    """Duplicate ids, unknown dependencies or cycles: the close cannot start."""


def _skills_in(obj, origin: str) -> list[Skill]:
    if isinstance(obj, Skill):
        return [obj]
    if isinstance(obj, ModuleType):
        found = getattr(obj, "SKILL", None)
        if found is None:
            found = getattr(obj, "SKILLS", None)
        if found is None:
            return []
        return _skills_in(found, origin)
    if isinstance(obj, (list, tuple)):
        return [s for item in obj for s in _skills_in(item, origin)]
    raise RegistryError(f"{origin} does not provide a Skill")


def _builtin_modules() -> list[ModuleType]:
    import skills as package

    modules = []
    for info in sorted(pkgutil.walk_packages(package.__path__, "skills."), key=lambda i: i.name):
        modules.append(importlib.import_module(info.name))
    return modules


def import_in_background() -> threading.Thread:
    """Start importing the built-in skill modules on a daemon thread. `close run` calls
    this first thing: the imports (a tenth of a second of Python) then overlap the
    hashing of the pack, which runs with the GIL released, and Registry.discover finds
    the modules loaded. A module that fails to import here fails again, and is reported,
    when discover imports it."""
    def load() -> None:
        try:
            _builtin_modules()
        except Exception:   # discover raises it, with the close's own error handling
            pass

    thread = threading.Thread(target=load, name="close-skill-imports", daemon=True)
    thread.start()
    return thread


def _plugin_skills() -> list[Skill]:
    found = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)):
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin is named, not swallowed
            raise RegistryError(f"skill plug-in {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        for skill in _skills_in(obj, f"entry point {ep.name}"):
            found.append(skill if skill.module else replace(skill, module=ep.value))
    return found


class Registry:
    """The skills of this installation, checked and in a runnable order."""

    def __init__(self, skills: list[Skill]):
        self._by_id: dict[str, Skill] = {}
        for skill in skills:
            if skill.id in self._by_id:
                first = self._by_id[skill.id].module
                raise RegistryError(f"skill id {skill.id!r} is declared twice: {first} and {skill.module}")
            self._by_id[skill.id] = skill
        self._check_dependencies()
        self.order = self._topological_order()

    @classmethod
    def discover(cls, include_plugins: bool = True) -> "Registry":
        skills = []
        for module in _builtin_modules():
            for skill in _skills_in(module, module.__name__):
                skills.append(skill if skill.module else replace(skill, module=module.__name__))
        if include_plugins:
            skills.extend(_plugin_skills())
        return cls(skills)

    def __contains__(self, skill_id: str) -> bool:
        return skill_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, skill_id: str) -> Skill:
        try:
            return self._by_id[skill_id]
        except KeyError:
            raise KeyError(f"unknown skill {skill_id!r}; `close skills list` shows the ids") from None

    def all(self) -> list[Skill]:
        """Skills in catalog order: by area (je, recon, tax, stmt, flux, close), then id."""
        return sorted(self._by_id.values(), key=sort_key)

    def inputs(self, skill: Skill) -> tuple[str, ...]:
        """What `skill` reads that this registry has: every `depends=` (checked), and each
        `uses=` that is installed; a used skill that is not is read as not run (None)."""
        return skill.depends + tuple(u for u in skill.uses
                                     if u in self._by_id and u not in skill.depends)

    def _check_dependencies(self) -> None:
        for skill in self._by_id.values():
            for dep in skill.depends:
                if dep not in self._by_id:
                    raise RegistryError(f"skill {skill.id} depends on unknown skill {dep!r}")
            for dep in self.inputs(skill):
                if self._by_id[dep].group and not skill.group:
                    raise RegistryError(
                        f"skill {skill.id} runs per entity but depends on group skill {dep}")

    def _topological_order(self) -> list[str]:
        """Kahn's algorithm with a sorted ready set, so the order is the same every run.
        Per-entity skills come first and group skills after them, as the runner runs them:
        a group skill's per-entity inputs are done before any group skill starts, so only
        its group inputs order it among the group skills (close.checklist, which has none,
        keeps its place after the other areas' group skills)."""
        order: list[str] = []
        for group in (False, True):
            pending = {s.id: {d for d in self.inputs(s) if self._by_id[d].group == group}
                       for s in self._by_id.values() if s.group == group}
            order += self._kahn(pending)
        return order

    def _kahn(self, pending: dict[str, set]) -> list[str]:
        order: list[str] = []
        while pending:
            ready = sorted((sid for sid, deps in pending.items() if not deps),
                           key=lambda sid: sort_key(self._by_id[sid]))
            if not ready:
                cycle = " -> ".join(sorted(pending))
                raise RegistryError(f"dependency cycle among skills: {cycle}")
            for sid in ready:
                order.append(sid)
                del pending[sid]
            for deps in pending.values():
                deps.difference_update(ready)
        return order

    def select(self, patterns: list[str] | None) -> list[Skill]:
        """Skills matching any glob (`recon.*`, `je.self_approved`), plus what they depend on,
        in dependency order. A pattern that matches nothing is an error."""
        if not patterns:
            chosen = set(self._by_id)
        else:
            chosen = set()
            for pattern in patterns:
                hits = [sid for sid in self._by_id if fnmatch.fnmatchcase(sid, pattern)]
                if not hits:
                    raise KeyError(f"no skill matches {pattern!r}; `close skills list` shows the ids")
                chosen.update(hits)
            stack = list(chosen)
            while stack:
                for dep in self.inputs(self._by_id[stack.pop()]):
                    if dep not in chosen:
                        chosen.add(dep)
                        stack.append(dep)
        return [self._by_id[sid] for sid in self.order if sid in chosen]


def sort_key(skill: Skill):
    area = AREA_ORDER.index(skill.area) if skill.area in AREA_ORDER else len(AREA_ORDER)
    return (area, skill.id)


def describe(skill) -> dict:
    """The declaration as data: what `show --json`, the MCP server and skill files print."""
    return {
        "id": skill.id,
        "area": skill.area,
        "title": skill.title,
        "description": skill.description,
        "group": skill.group,
        "needs": list(skill.needs),
        "depends": list(skill.depends),
        "uses": list(skill.uses),
        "params": {
            name: {"type": p.type_name, "json_type": p.json_type,
                   "default": p.describe_default(), "help": p.help}
            for name, p in skill.params.items()
        },
    }
