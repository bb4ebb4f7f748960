"""Every answer an agent is told to use fits the answer budget, on the demo group's May
close: each MCP tool at its defaults and at its largest (a whole close in full, a
thousand findings, the longest journal entry, the fullest review queue), one skill's run
for every skill of the registry, and the `--json` commands the exported SKILL.md names.

The budget is close.agent's (16,000 tokens at three bytes each, so 48,000 bytes: under
Claude Code's 50,000-character limit); the brief's target, 20,000 tokens at four bytes
each, is checked beside it. A budget squeezed to 2,000 tokens shows the pages and cuts
at work: nothing is lost, everything is reached by following next_cursor.
"""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from close import agent
from close.cli import app
from close.mcp import build_server
from close.registry import Registry
from close.results import outcome_to_dict
from tests.mcp.close_mcp_client import in_session, json_of, text_of

MONTH = "2026-05"
REGISTRY = Registry.discover()
BRIEF_TOKENS, BRIEF_BYTES_PER_TOKEN = 20_000, 4
runner = CliRunner()


def assert_within_budget(text: str, what) -> None:
    assert agent.tokens(text) <= agent.budget_tokens(), (what, len(text.encode()))
    assert agent.tokens(text, BRIEF_BYTES_PER_TOKEN) <= BRIEF_TOKENS, (what, len(text.encode()))
    assert len(text) < 50_000, what        # Claude Code keeps the answer in the conversation


@pytest.fixture(scope="module")
def largest_entry(mcp_books):
    with mcp_books.opened() as (con, _):
        return con.execute("SELECT je_id FROM journal_lines GROUP BY je_id ORDER BY COUNT(*) DESC, je_id "
                           "LIMIT 1").fetchone()[0]


@pytest.fixture(scope="module")
def queue_workspace(tmp_path_factory, demo_close, demo_pack):
    """A review store holding a whole close's items (the demo books stay in mcp_workspace)."""
    from close.review import queue_run

    workspace = tmp_path_factory.mktemp("budget-queue")
    queue_run(outcome_to_dict(demo_close), workspace=workspace, user="ana", pack_path=demo_pack)
    return workspace


CALLS = [
    ("list_skills", {}), ("list_skills", {"limit": 1000}),
    ("run_close", {"month": MONTH}), ("run_close", {"month": MONTH, "limit": 1000}),
    ("run_close", {"month": MONTH, "detail": "full"}), ("run_close", {"month": MONTH, "detail": "full", "limit": 1000}),
    ("list_findings", {"month": MONTH}), ("list_findings", {"month": MONTH, "limit": 1000}),
    ("run_skill", {"skill_id": "stmt.statutory_pack", "month": MONTH, "limit": 1000}),
    ("run_skill", {"skill_id": "stmt.trial_balance_export", "month": MONTH}),
]


def test_every_tool_answers_within_the_budget(server, largest_entry):
    calls = CALLS + [("show_ref", {"ref": f"journal_lines:{largest_entry}", "limit": 1000})]
    calls += [("describe_skill", {"skill_id": s.id}) for s in REGISTRY.all()]

    async def work(client):
        return [(name, args, await client.call_tool(name, args)) for name, args in calls]

    for name, args, answer in in_session(server, work):
        assert not answer.is_error, (name, text_of(answer))
        assert_within_budget(text_of(answer), (name, args))
        assert json.loads(text_of(answer)) == answer.structured_content


def test_the_review_queue_answers_within_the_budget(queue_workspace, demo_pack):
    stub = SimpleNamespace(pack_path=demo_pack, workspace_arg=queue_workspace, closes={})
    server = build_server(stub, REGISTRY)

    async def work(client):
        return [await client.call_tool("review_queue", args) for args in ({}, {"limit": 1000}, {"month": MONTH})]

    answers = in_session(server, work)
    assert json_of(answers[1])["total"] > 50     # a queue worth paging
    for answer in answers:
        assert_within_budget(text_of(answer), "review_queue")


@pytest.mark.parametrize("skill", REGISTRY.all(), ids=[s.id for s in REGISTRY.all()])
def test_every_skill_run_answers_within_the_budget(skill, demo_close):
    """What run_skill and `close skills run --json` answer for the skill on every entity
    (from the session's demo close: the runner gives the same results skill by skill)."""
    answer = agent.skill_run_answer(demo_close, skill.id, MONTH, demo_close.pack, limit=1000)
    assert_within_budget(agent.compact(answer), skill.id)
    assert answer["total"] == len([r for r in demo_close.results if r.skill_id == skill.id])


def test_a_small_budget_pages_and_cuts_but_loses_nothing(server, demo_close, monkeypatch):
    monkeypatch.setenv("CLOSE_ANSWER_TOKENS", "2000")
    limit = agent.budget_tokens() * agent.BYTES_PER_TOKEN

    async def work(client):
        pages, cursor = [], None
        while True:
            answer = await client.call_tool("list_findings", {"month": MONTH, "limit": 1000,
                                                              **({"cursor": cursor} if cursor else {})})
            pages.append(answer)
            cursor = json_of(answer)["next_cursor"]
            if cursor is None:
                break
        big = await client.call_tool("run_skill", {"skill_id": "stmt.statutory_pack", "month": MONTH,
                                                   "entity": "US01"})
        return pages, big

    pages, big = in_session(server, work)
    assert len(pages) > 2
    assert all(len(text_of(p).encode()) <= limit for p in pages)
    found = [f for p in pages for f in json_of(p)["findings"]]
    assert len(found) == json_of(pages[0])["total"] == sum(len(r.findings) for r in demo_close.results)
    result = json_of(big)["skills"][0]
    assert len(text_of(big).encode()) <= limit
    assert result["trimmed"]["cut"] and "results.json" in result["trimmed"]["whole"]
    for path, cut in result["trimmed"]["cut"].items():
        assert cut.get("omitted_bytes", 0) > 0 or cut["shown"] < cut["total"], (path, cut)
    assert result["id"] == "stmt.statutory_pack" and result["status"] and result["summary"]


def cli_json(*args) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


def test_the_commands_an_agent_is_told_to_use_answer_within_the_budget(demo_pack, mcp_workspace,
                                                                       queue_workspace, largest_entry):
    where = ("--pack", demo_pack, "--workspace", mcp_workspace)
    outputs = {
        "check": cli_json("check", "--month", MONTH, "--json", *where),
        "check full": cli_json("check", "--month", MONTH, "--detail", "full", "--json", *where),
        "skills list": cli_json("skills", "list", "--json"),
        "skills show": cli_json("skills", "show", "stmt.statutory_pack", "--json"),
        "skills run": cli_json("skills", "run", "stmt.statutory_pack", "--month", MONTH, "--json", *where),
        "ref": cli_json("ref", f"journal_lines:{largest_entry}", "--json", *where),
        "review list": cli_json("review", "list", "--month", MONTH, "--status", "pending", "--json",
                                "--workspace", queue_workspace),
    }
    for what, text in outputs.items():
        assert text.count("\n") == 1, what          # compact: one line of JSON
        json.loads(text)
        assert_within_budget(text, what)
    first = json.loads(outputs["check full"])
    assert first["next_cursor"]
    second = json.loads(cli_json("check", "--month", MONTH, "--detail", "full", "--json", "--cursor",
                                 first["next_cursor"], *where))
    assert second["skills"][0] != first["skills"][0] and "catalog" not in second
    bad = runner.invoke(app, ["check", "--month", MONTH, "--json", "--cursor", "3.abc", *map(str, where)])
    assert bad.exit_code == 2 and "belongs to another listing" in bad.stderr
