"""The Claude Code skill folder: valid frontmatter, every registered skill with its
parameters, examples that the command line accepts, and no drift between exports."""
from __future__ import annotations

import re
import shlex

import pytest
from typer.testing import CliRunner

from close.claude_export import GENERATED, MAX_DESCRIPTION, SKILL_NAME, export_claude, render
from close.cli import app
from close.registry import Registry

REGISTRY = Registry.discover()
SKILLS = REGISTRY.all()


def frontmatter(text: str) -> tuple[dict[str, str], str]:
    """The frontmatter of SKILL.md, read strictly: a `---` line, then `key: value` lines
    whose value is a plain word or a double-quoted string, then `---`; and the body."""
    lines = text.split("\n")
    assert lines[0] == "---", "SKILL.md must start with a --- line"
    end = lines.index("---", 1)
    fields = {}
    for line in lines[1:end]:
        match = re.fullmatch(r'([a-z][a-z0-9_-]*): (?:"((?:[^"\\]|\\["\\])*)"|([^"\s][^\n]*))', line)
        assert match, f"not a simple YAML line: {line!r}"
        key, quoted, plain = match.groups()
        assert key not in fields, f"{key} given twice"
        if quoted is not None:
            fields[key] = re.sub(r'\\(["\\])', r"\1", quoted)
        else:
            assert ": " not in plain and not plain.startswith(("&", "*", "!", "|", ">", "'", "[", "{")), plain
            fields[key] = plain
    return fields, "\n".join(lines[end + 1:])


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("skills") / SKILL_NAME
    export_claude(folder, REGISTRY)
    return folder


def test_frontmatter_has_a_valid_name_and_a_when_to_use_description(exported):
    fields, body = frontmatter((exported / "SKILL.md").read_text(encoding="utf-8"))
    assert set(fields) == {"name", "description"}
    assert fields["name"] == SKILL_NAME == exported.name  # the folder is named after the skill
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", fields["name"]) and len(fields["name"]) <= 64
    assert 0 < len(fields["description"]) <= MAX_DESCRIPTION
    assert "Use when" in fields["description"]
    assert body.lstrip().startswith(GENERATED)


def test_frontmatter_is_yaml():
    yaml = pytest.importorskip("yaml")
    text = render(REGISTRY)["SKILL.md"]
    parsed = yaml.safe_load(text.split("---\n")[1])
    assert parsed == frontmatter(text)[0]


def test_body_says_how_to_run_read_and_drill_down(exported):
    _, body = frontmatter((exported / "SKILL.md").read_text(encoding="utf-8"))
    for needed in ("close run --month", "close skills run", "--json", "close mcp", "run_skill",
                   "list_findings", "show_ref", "journal_lines", "close review list"):
        assert needed in body, needed
    for area in {s.area for s in SKILLS}:
        assert f"](reference/{area}.md)" in body


@pytest.mark.parametrize("skill", SKILLS, ids=[s.id for s in SKILLS])
def test_every_skill_is_in_its_area_reference_with_its_parameters(exported, skill):
    text = (exported / "reference" / f"{skill.area}.md").read_text(encoding="utf-8")
    heading = f"## {skill.id}: {skill.title}\n"
    assert text.count(heading) == 1, heading
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    assert " ".join(skill.description.split()) in " ".join(section.split())
    for name, param in skill.params.items():
        row = next((line for line in section.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row, f"{skill.id}: parameter {name} missing"
        assert f"| {param.type_name} |" in row and param.describe_default() in row
    example = re.search(r"```sh\n(.+)\n```", section).group(1)
    assert_example_is_accepted(skill, example)
    assert f"`{skill.id}`" in (exported / "SKILL.md").read_text(encoding="utf-8")


def assert_example_is_accepted(skill, example: str) -> None:
    """The example names the skill and gives parameters the skill parses."""
    words = shlex.split(example)
    assert words[:4] == ["close", "skills", "run", skill.id] and "--json" in words
    assert words[words.index("--month") + 1] == "2026-05"
    params = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")
    skill.parse_params(params)


def test_only_registered_areas_have_reference_files(exported):
    files = sorted(p.name for p in (exported / "reference").iterdir())
    assert files == sorted(f"{area}.md" for area in {s.area for s in SKILLS})


def test_exporting_again_gives_the_same_bytes(exported, tmp_path):
    again = tmp_path / SKILL_NAME
    export_claude(again, Registry.discover())
    export_claude(again, Registry.discover())  # over itself, too
    first = {p.relative_to(exported): p.read_bytes() for p in sorted(exported.rglob("*")) if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in sorted(again.rglob("*")) if p.is_file()}
    assert first == second
    assert {str(k): v.decode("utf-8") for k, v in first.items()} == render(REGISTRY)


def test_a_stale_generated_reference_goes_and_a_persons_file_stays(tmp_path):
    folder = tmp_path / SKILL_NAME
    (folder / "reference").mkdir(parents=True)
    (folder / "reference" / "gone.md").write_text(GENERATED + "\n# gone\n", encoding="utf-8")
    (folder / "reference" / "notes.md").write_text("my own notes\n", encoding="utf-8")
    export_claude(folder, REGISTRY)
    assert not (folder / "reference" / "gone.md").exists()
    assert (folder / "reference" / "notes.md").read_text(encoding="utf-8") == "my own notes\n"


def test_the_command_writes_the_same_folder(exported, tmp_path):
    result = CliRunner().invoke(app, ["skills", "export-claude", str(tmp_path / SKILL_NAME)])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {tmp_path / SKILL_NAME / 'SKILL.md'}" in result.stdout
    for relative, text in render(REGISTRY).items():
        assert (tmp_path / SKILL_NAME / relative).read_text(encoding="utf-8") == text
