"""The Claude Code plugin: laid out as the plugin documentation has it (the manifest alone
in .claude-plugin/, components in their default folders at the root), a skill folder
named like its skill with valid frontmatter, slash commands with argument hints,
allowed-tools that name only real, read-only commands and tools, every registered skill
with its parameters, long references with a table of contents, and no drift between
exports.

The layout checked here is the documented one (Claude Code's plugins reference and the
plugin-dev manifest, command frontmatter and skill references): plugin.json's `name`
kebab-case and its `version` semantic, component paths (when given) relative with
`./`, `.mcp.json` a map of servers with a command and arguments, a command a Markdown
file whose frontmatter may say description, argument-hint, allowed-tools and model.
"""
from __future__ import annotations

import json
import re
import shlex

import pytest
from typer.testing import CliRunner

from close.claude_export import (GENERATED, MAX_DESCRIPTION, MCP_SERVER, MCP_TOOLS, PLUGIN_NAME,
                                 PLUGIN_NAME_RULE, REFERENCES, SKILL_NAME, TOC_OVER_LINES, export_claude,
                                 mcp_tool_names, render, render_skill)
from close.cli import app
from close.registry import Registry

REGISTRY = Registry.discover()
SKILLS = REGISTRY.all()
MANIFEST_KEYS = {"name", "version", "description", "author", "homepage", "repository", "license",
                 "keywords", "commands", "agents", "skills", "hooks", "mcpServers", "outputStyles",
                 "lspServers", "userConfig", "dependencies"}
COMMAND_KEYS = {"description", "argument-hint", "allowed-tools", "model", "disable-model-invocation"}
SKILL_KEYS = {"name", "description", "allowed-tools"}
runner = CliRunner()


def frontmatter(text: str) -> tuple[dict[str, str], str]:
    """Frontmatter read strictly: a `---` line, then `key: value` lines whose value is a
    plain word or a double-quoted string, then `---`; and the body."""
    lines = text.split("\n")
    assert lines[0] == "---", "a Markdown component must start with a --- line"
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
def plugin(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plugins") / "close-plugin"
    export_claude(folder, REGISTRY)
    return folder


@pytest.fixture(scope="module")
def skill_dir(plugin):
    return plugin / "skills" / SKILL_NAME


# -- the plugin's layout ------------------------------------------------------------------

def test_the_plugin_has_the_documented_layout(plugin):
    top = sorted(p.name for p in plugin.iterdir())
    assert top == [".claude-plugin", ".mcp.json", "commands", "skills"]
    assert [p.name for p in (plugin / ".claude-plugin").iterdir()] == ["plugin.json"]  # the manifest alone
    manifest = json.loads((plugin / ".claude-plugin" / "plugin.json").read_text(encoding="utf-8"))
    assert set(manifest) <= MANIFEST_KEYS
    assert manifest["name"] == PLUGIN_NAME and PLUGIN_NAME_RULE.fullmatch(manifest["name"])
    assert re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?", manifest["version"])
    assert 0 < len(manifest["description"]) <= 200
    for key in ("commands", "agents", "skills", "hooks", "mcpServers", "outputStyles"):
        for path in [manifest[key]] if isinstance(manifest.get(key), str) else manifest.get(key) or []:
            assert path.startswith("./") and ".." not in path, (key, path)
    skills = [p for p in (plugin / "skills").iterdir()]
    assert [p.name for p in skills] == [SKILL_NAME] and (skills[0] / "SKILL.md").is_file()
    assert {p.suffix for p in (plugin / "commands").iterdir()} == {".md"}


def test_the_bundled_mcp_server_is_close_mcp(plugin, tmp_path):
    servers = json.loads((plugin / ".mcp.json").read_text(encoding="utf-8"))["mcpServers"]
    assert list(servers) == [MCP_SERVER]
    server = servers[MCP_SERVER]
    assert server == {"command": "close", "args": ["mcp"]}
    assert runner.invoke(app, [*server["args"], "--help"]).exit_code == 0
    with_pack = tmp_path / "with-pack"
    export_claude(with_pack, REGISTRY, pack="books/acme")
    assert json.loads((with_pack / ".mcp.json").read_text(encoding="utf-8"))["mcpServers"][MCP_SERVER] == {
        "command": "close", "args": ["mcp", "--pack", "books/acme"]}


def test_slash_commands_for_the_common_jobs_have_argument_hints(plugin):
    commands = {p.stem: p.read_text(encoding="utf-8") for p in sorted((plugin / "commands").glob("*.md"))}
    assert set(commands) == {"close-month", "explain-finding", "pending-review"}
    for name, text in commands.items():
        fields, body = frontmatter(text)
        assert set(fields) <= COMMAND_KEYS and {"description", "argument-hint", "allowed-tools"} <= set(fields)
        assert 0 < len(fields["description"]) <= 60, name
        hints = re.findall(r"\[([A-Za-z0-9-]+)\]", fields["argument-hint"])
        assert hints and " ".join(f"[{h}]" for h in hints) == fields["argument-hint"], name
        used = {int(n) for n in re.findall(r"\$(\d)", body)}
        assert used == set(range(1, len(hints) + 1)), (name, used, hints)   # every hinted argument is used
        assert "approve" not in fields["allowed-tools"] and "signoff" not in fields["allowed-tools"]
    assert "close check --month $1" in commands["close-month"] and "run_close" in commands["close-month"]
    assert "show_ref" in commands["explain-finding"]
    assert "review_queue" in commands["pending-review"] and "--status pending" in commands["pending-review"]


def allowed(text: str) -> list[str]:
    return [entry.strip() for entry in frontmatter(text)[0]["allowed-tools"].split(",")]


def test_allowed_tools_name_real_read_only_commands_and_the_servers_tools(plugin, skill_dir, server):
    from tests.mcp.close_mcp_client import in_session

    async def work(client):
        return {tool.name: tool for tool in (await client.list_tools()).tools}

    listed = in_session(server, work)
    assert set(MCP_TOOLS) == set(listed)
    assert all(tool.annotations.read_only_hint for tool in listed.values())
    names = {name: tool for tool in MCP_TOOLS for name in mcp_tool_names(tool)}
    texts = [(skill_dir / "SKILL.md").read_text(encoding="utf-8"),
             *(p.read_text(encoding="utf-8") for p in (plugin / "commands").glob("*.md"))]
    for text in texts:
        entries = allowed(text)
        commands = [e for e in entries if e.startswith("Bash(")]
        tools = [e for e in entries if not e.startswith("Bash(")]
        assert set(tools) == set(names)     # every tool, under the plugin's and a project's server name
        assert all(n.startswith(f"mcp__plugin_{PLUGIN_NAME}_{MCP_SERVER}__") or n.startswith(f"mcp__{MCP_SERVER}__")
                   for n in tools)
        for entry in commands:
            command = re.fullmatch(r"Bash\((close [a-z -]+):\*\)", entry).group(1)
            words = command.split()[1:]
            assert words[0] not in ("run", "signoff") and not {"approve", "reject", "comment"} & set(words), entry
            assert runner.invoke(app, [*words, "--help"]).exit_code == 0, entry   # a real command
    assert any("Bash(close check:*)" == e for e in allowed(texts[0]))


# -- the skill ----------------------------------------------------------------------------

def test_skill_frontmatter_is_valid_and_the_folder_is_named_like_the_skill(skill_dir):
    fields, body = frontmatter((skill_dir / "SKILL.md").read_text(encoding="utf-8"))
    assert set(fields) == SKILL_KEYS
    assert fields["name"] == SKILL_NAME == skill_dir.name
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", fields["name"]) and len(fields["name"]) <= 64
    assert 0 < len(fields["description"]) <= MAX_DESCRIPTION
    assert "Use when" in fields["description"]
    assert body.lstrip().startswith(GENERATED)


def test_frontmatter_is_yaml(plugin):
    yaml = pytest.importorskip("yaml")
    for relative, text in render(REGISTRY).items():
        if relative.endswith(".md") and text.startswith("---\n"):
            parsed = yaml.safe_load(text.split("---\n")[1])
            assert parsed == frontmatter(text)[0], relative


def test_the_skill_recommends_the_read_only_check_first(skill_dir):
    _, body = frontmatter((skill_dir / "SKILL.md").read_text(encoding="utf-8"))
    for needed in ("close check --month", "close skills run", "--json", "close mcp", "run_close", "run_skill",
                   "list_findings", "show_ref", "journal_lines", "close review list", "next_cursor", "--cursor"):
        assert needed in body, needed
    assert body.index("close check --month") < body.index("close run --month")
    assert "Nothing is written" in body and "paid API" in body
    for area in {s.area for s in SKILLS}:
        assert f"]({REFERENCES}/{area}.md)" in body


@pytest.mark.parametrize("skill", SKILLS, ids=[s.id for s in SKILLS])
def test_every_skill_is_in_its_area_reference_with_its_parameters(skill_dir, skill):
    text = (skill_dir / REFERENCES / f"{skill.area}.md").read_text(encoding="utf-8")
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
    assert f"`{skill.id}`" in (skill_dir / "SKILL.md").read_text(encoding="utf-8")


def assert_example_is_accepted(skill, example: str) -> None:
    """The example names the skill and gives parameters the skill parses."""
    words = shlex.split(example)
    assert words[:4] == ["close", "skills", "run", skill.id] and "--json" in words
    assert words[words.index("--month") + 1] == "2026-05"
    params = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--param")
    skill.parse_params(params)


def test_long_references_open_with_a_table_of_contents(skill_dir):
    for path in sorted((skill_dir / REFERENCES).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
        if len(text.splitlines()) <= TOC_OVER_LINES:
            assert "Contents" not in headings
            continue
        assert headings[0] == "Contents", path.name
        contents = text.split("## Contents\n", 1)[1].split("\n## ", 1)[0]
        links = re.findall(r"^- \[(.+)\]\(#([^)]+)\)$", contents, flags=re.MULTILINE)
        assert [title for title, _ in links] == headings[1:], path.name
        for title, anchor in links:
            assert anchor == re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
    assert any(len(p.read_text(encoding="utf-8").splitlines()) > TOC_OVER_LINES
               for p in (skill_dir / REFERENCES).glob("*.md")), "the test needs a long reference"


def test_only_registered_areas_have_reference_files(skill_dir):
    files = sorted(p.name for p in (skill_dir / REFERENCES).iterdir())
    assert files == sorted(f"{area}.md" for area in {s.area for s in SKILLS})


# -- exporting ----------------------------------------------------------------------------

def test_exporting_again_gives_the_same_bytes(plugin, tmp_path):
    again = tmp_path / "again"
    export_claude(again, Registry.discover())
    export_claude(again, Registry.discover())  # over itself, too
    first = {p.relative_to(plugin): p.read_bytes() for p in sorted(plugin.rglob("*")) if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in sorted(again.rglob("*")) if p.is_file()}
    assert first == second
    assert {str(k): v.decode("utf-8") for k, v in first.items()} == render(REGISTRY)


def test_a_stale_generated_reference_goes_and_a_persons_file_stays(tmp_path):
    skill = tmp_path / "plugin" / "skills" / SKILL_NAME
    for folder in (REFERENCES, "reference"):                 # reference/: the older layout
        (skill / folder).mkdir(parents=True)
        (skill / folder / "gone.md").write_text(GENERATED + "\n# gone\n", encoding="utf-8")
    (skill / REFERENCES / "notes.md").write_text("my own notes\n", encoding="utf-8")
    export_claude(tmp_path / "plugin", REGISTRY)
    assert not (skill / REFERENCES / "gone.md").exists() and not (skill / "reference").exists()
    assert (skill / REFERENCES / "notes.md").read_text(encoding="utf-8") == "my own notes\n"


def test_the_skill_alone_goes_into_a_folder_named_like_it(tmp_path):
    folder = tmp_path / ".claude" / "skills" / SKILL_NAME
    export_claude(folder, REGISTRY, skill_only=True)
    assert {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} == set(render_skill(REGISTRY))
    wrong = runner.invoke(app, ["skills", "export-claude", str(tmp_path / "my-skill"), "--skill-only"])
    assert wrong.exit_code == 2 and "a skill folder must be named like its skill" in wrong.stderr
    assert not (tmp_path / "my-skill").exists()
    over = runner.invoke(app, ["skills", "export-claude", str(folder)])
    assert over.exit_code == 2 and "holds a skill folder exported before" in over.stderr
    assert "\n" not in over.stderr.strip()
    fresh = runner.invoke(app, ["skills", "export-claude", str(tmp_path / "p" / ".claude" / "skills" / "close")])
    assert fresh.exit_code == 2 and "add --skill-only" in fresh.stderr
    assert not (tmp_path / "p").exists()


def test_the_command_writes_the_same_plugin(tmp_path):
    result = runner.invoke(app, ["skills", "export-claude", str(tmp_path / "close-plugin")])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {tmp_path / 'close-plugin' / '.claude-plugin' / 'plugin.json'}" in result.stdout
    for relative, text in render(REGISTRY).items():
        assert (tmp_path / "close-plugin" / relative).read_text(encoding="utf-8") == text
