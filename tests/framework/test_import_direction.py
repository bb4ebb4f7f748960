"""Imports follow docs/architecture.md: a module may import its own layer and the
layers below it, never above. Parsed from the source (ast), so nothing is imported."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. A module belongs to the first layer with a prefix of its dotted name.
LAYERS = [
    ("foundation", ("close.skill", "close.memo", "close.money", "close.periods", "close.fx", "close.ledger",
                    "close.statements", "close.identity", "close.config", "close.workspace")),
    ("skills", ("skills",)),
    ("engine", ("close.registry", "close.runner", "close.scheduler", "close.pack", "close.refs",
                "close.engines")),
    ("importers", ("close.importers",)),
    ("contract", ("close.results",)),
    ("readers", ("close.narrative", "close.report", "close.review", "close.outputs")),
    ("orchestration", ("close.pipeline", "close.mcp", "close.claude_export", "close.agent")),
    ("serve", ("close.serve",)),
    ("cli", ("close.cli", "close.__main__")),
]
# What each layer may import besides itself and the foundation.
ALLOWED = {
    "foundation": set(),
    "skills": set(),
    "engine": {"skills"},                       # the registry discovers skills
    "importers": {"engine"},                    # they write packs and validate them
    "contract": set(),
    "readers": {"contract"},
    "orchestration": {"skills", "engine", "importers", "contract", "readers"},
    "serve": {"contract", "readers"},              # a reader of results and the review store ...
    "cli": {"skills", "engine", "importers", "contract", "readers", "orchestration", "serve"},
}
# Single modules a layer may import from a layer it may not otherwise reach.
ALLOWED_MODULES = {
    "serve": {"close.refs"},                       # ... plus the journal lines behind a ref
}


def layer_of(module: str) -> str | None:
    for name, prefixes in LAYERS:
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return name
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return found


def test_every_module_has_a_layer():
    lost = [module_name(p) for p in sorted(ROOT.glob("close/**/*.py")) + sorted(ROOT.glob("skills/**/*.py"))
            if module_name(p) != "close" and layer_of(module_name(p)) is None]
    assert not lost, f"add these to LAYERS and docs/architecture.md: {lost}"


def test_imports_go_down_the_layers():
    wrong = []
    for path in sorted(ROOT.glob("close/**/*.py")) + sorted(ROOT.glob("skills/**/*.py")):
        source = module_name(path)
        mine = layer_of(source)
        if mine is None:
            continue
        allowed = {mine, "foundation"} | ALLOWED[mine]
        for line, target in imports(path):
            theirs = layer_of(target)
            excepted = any(target == m or target.startswith(m + ".") for m in ALLOWED_MODULES.get(mine, ()))
            if theirs is not None and theirs not in allowed and not excepted:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({mine}) imports {target} ({theirs})")
    assert not wrong, "imports against docs/architecture.md:\n" + "\n".join(sorted(set(wrong)))
