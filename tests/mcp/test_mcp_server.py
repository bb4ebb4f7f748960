"""close mcp as Claude Code meets it: the tools it lists, answers equal to the command
line's --json, one-line tool errors for bad input while the server keeps serving, refs
that lead to journal lines, and no tool that decides for a person."""
from __future__ import annotations

import ast
import json
import re
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

import close.mcp as close_mcp
from close.cli import app
from close.results import jsonable
from tests.mcp.close_mcp_client import in_session, json_of, text_of

TOOLS = {"list_skills", "describe_skill", "run_skill", "run_close", "list_findings",
         "show_ref", "review_queue"}
MONTH = "2026-05"
runner = CliRunner()


def cli(*args) -> str:
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def listed_tools(server):
    async def work(client):
        return (await client.list_tools()).tools

    return {tool.name: tool for tool in in_session(server, work)}


def test_every_tool_is_listed_with_a_typed_input_schema(server):
    tools = listed_tools(server)
    assert set(tools) == TOOLS
    run = tools["run_skill"].input_schema
    assert run["required"] == ["skill_id", "month"]
    assert run["properties"]["month"]["type"] == "string"
    assert run["properties"]["entities"]["anyOf"][0] == {"items": {"type": "string"}, "type": "array"}
    params = run["properties"]["params"]["anyOf"][0]
    assert params == {"type": "object", "additionalProperties": {"type": ["string", "integer", "boolean"]}}
    findings = tools["list_findings"].input_schema["properties"]
    assert findings["severity"]["anyOf"][0]["enum"] == ["high", "medium", "low"]
    assert findings["limit"]["anyOf"][0] == {"type": "integer", "minimum": 1, "maximum": 1000}
    assert findings["cursor"]["anyOf"][0] == {"type": "string"}
    # structured output: each tool publishes the shape of its answer
    lists = {"list_skills": "skills", "run_skill": "skills", "run_close": "skills",
             "list_findings": "findings", "show_ref": "rows", "review_queue": "items"}
    for name, key in lists.items():
        output = tools[name].output_schema
        assert output["type"] == "object", name
        assert {key, "total", "shown", "next_cursor"} <= set(output["required"]), name
        assert "limit" in tools[name].input_schema["properties"] and "cursor" in tools[name].input_schema["properties"]
    assert {"id", "params"} <= set(tools["describe_skill"].output_schema["required"])
    assert tools["review_queue"].input_schema["properties"]["status"]["anyOf"][0]["enum"] == [
        "pending", "approved", "rejected", "stale"]
    for tool in tools.values():
        assert tool.description.strip(), tool.name
        assert tool.annotations.read_only_hint is True, tool.name


DECIDING = re.compile(r"approv|reject|sign[\s_-]?off|comment|reopen|unlock|decide", re.IGNORECASE)
REVIEW_WRITERS = ("close.review.decisions", "close.review.signoff", "close.review.queue")


def test_no_tool_approves_rejects_comments_or_signs_off(server):
    for tool in listed_tools(server).values():
        for text in (tool.name, tool.title or "", tool.description):
            assert not DECIDING.search(text), f"{tool.name}: {text!r}"
    # Nor does the server reach the writing side of the review queue behind a tool's back.
    package = Path(close_mcp.__file__).parent
    for source in sorted(package.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                assert not name.startswith(REVIEW_WRITERS), f"{source.name} imports {name}"
                assert name != "close.review.queue_run", f"{source.name} imports queue_run"


def test_run_skill_recon_bank_equals_the_command_line(server, demo_pack, mcp_workspace):
    async def work(client):
        whole = await client.call_tool("run_skill", {"skill_id": "recon.bank", "month": MONTH})
        tuned = await client.call_tool("run_skill", {"skill_id": "recon.bank", "month": MONTH,
                                                     "entity": "US01", "params": {"window_days": 7}})
        return whole, tuned

    whole, tuned = in_session(server, work)
    common = ("--month", MONTH, "--json", "--pack", demo_pack, "--workspace", mcp_workspace)
    expected = cli("skills", "run", "recon.bank", *common)
    assert json_of(whole) == json.loads(expected)
    assert text_of(whole) + "\n" == expected  # the very bytes `--json` prints
    assert whole.structured_content == json_of(whole)  # and the same as structured output
    assert sorted(r["entity_id"] for r in json_of(whole)["skills"]) == ["CA01", "DE01", "UK01", "US01"]
    expected_tuned = cli("skills", "run", "recon.bank", *common, "--entity", "US01", "--param", "window_days=7")
    assert json_of(tuned) == json.loads(expected_tuned)
    assert [r["entity_id"] for r in json_of(tuned)["skills"]] == ["US01"]


BAD_CALLS = [
    ("run_skill", {"skill_id": "recon.bank", "month": "2026-13"}, ["'2026-13' is not a month", "YYYY-MM"]),
    ("run_skill", {"skill_id": "recon.bnak", "month": MONTH}, ["unknown skill 'recon.bnak'", "recon.bank"]),
    ("run_skill", {"skill_id": "recon.bank", "month": MONTH, "params": {"threshold": "abc"}},
     ["parameter 'threshold' takes an amount", "'abc'"]),
    ("run_skill", {"skill_id": "recon.bank", "month": MONTH, "params": {"window_days": "abc"}},
     ["parameter 'window_days' takes an integer", "'abc'"]),
    ("run_skill", {"skill_id": "recon.bank", "month": MONTH, "params": {"window_days": 2.5}},
     ["parameter 'window_days' takes an integer", "2.5"]),
    ("run_skill", {"skill_id": "recon.bank", "month": MONTH, "params": {"tolerance": "1"}},
     ["recon.bank has no parameter 'tolerance'", "window_days"]),
    ("run_skill", {"skill_id": "recon.bank", "month": MONTH, "entity": "FR01"},
     ["unknown entity 'FR01'", "US01"]),
    ("describe_skill", {"skill_id": "je.nope"}, ["unknown skill 'je.nope'"]),
    ("list_skills", {"area": "audit"}, ["no skills in area 'audit'", "recon"]),
    ("list_findings", {"month": MONTH, "min_amount": "lots"}, ["min_amount 'lots' is not an amount"]),
    ("list_findings", {"month": MONTH, "skill": "zz.*"}, ["unknown skill 'zz.*'"]),
    ("list_findings", {"month": MONTH, "entity": "FR01"}, ["unknown entity 'FR01'"]),
    ("show_ref", {"ref": "JE-0060053"}, ["must look like <table>:<key>"]),
    ("show_ref", {"ref": "ledger:JE-1"}, ["names no keyed pack table"]),
    ("show_ref", {"ref": "payroll:E-0107"}, ["2 key part(s): period/employee_id"]),
    ("show_ref", {"ref": "journal_lines:JE-9999999"}, ["no journal_lines row has je_id JE-9999999"]),
    ("review_queue", {"month": "May"}, ["'May' is not a month"]),
    ("run_close", {"month": "2030-01"}, ["the pack has no books for 2030-01: its books end in"]),
    ("run_skill", {"skill_id": "recon.bank", "month": "2019-12"}, ["the pack has no books for 2019-12: its journal starts in"]),
    ("list_findings", {"month": "2030-01"}, ["the pack has no books for 2030-01"]),
    ("list_findings", {"month": MONTH, "cursor": "nonsense"}, ["cursor 'nonsense' is not one close gave out"]),
    ("list_findings", {"month": MONTH, "cursor": "5.0123456789"}, ["belongs to another listing"]),
]
SCHEMA_BAD_CALLS = [  # refused by the input schema before the tool runs, in one line
    ("run_skill", {"skill_id": "recon.bank"}, ["month is required (Month, YYYY-MM, e.g. 2026-05)"]),
    ("run_skill", {}, ["skill_id is required (Skill id", "; month is required"]),
    ("list_findings", {"month": MONTH, "severity": "urgent"},
     ["severity 'urgent': input should be 'high', 'medium' or 'low'"]),
    ("run_close", {"month": MONTH, "detail": "everything"}, ["detail 'everything': input should be 'summary' or 'full'"]),
    ("list_findings", {"month": MONTH, "limit": 0}, ["limit 0: input should be greater than or equal to 1"]),
    ("show_ref", {"ref": ["journal_lines:JE-1"]}, ["ref list: input should be a valid string"]),
]


def test_bad_input_is_a_clear_tool_error_and_the_server_keeps_serving(server):
    async def work(client):
        answers = []
        for name, arguments, _ in BAD_CALLS + SCHEMA_BAD_CALLS:
            answers.append(await client.call_tool(name, arguments))
            answers.append(await client.call_tool("describe_skill", {"skill_id": "recon.bank"}))
        answers.append(await client.call_tool("run_skill", {"skill_id": "recon.bank", "month": MONTH,
                                                            "entity": "US01"}))
        return answers

    answers = in_session(server, work)
    for i, (name, arguments, fragments) in enumerate(BAD_CALLS + SCHEMA_BAD_CALLS):
        bad, after = answers[2 * i], answers[2 * i + 1]
        message = text_of(bad)
        assert bad.is_error, (name, arguments, message)
        assert message.startswith(f"Error executing tool {name}: "), message
        for fragment in fragments:
            assert fragment in message, (name, arguments, message)
        assert "\n" not in message and "https://" not in message, message  # one line, said by close itself
        assert json_of(after)["id"] == "recon.bank"
    assert [r["entity_id"] for r in json_of(answers[-1])["skills"]] == ["US01"]


def seeded_journal_case(answer_key):
    """A seeded journal-entry case whose refs name a journal entry (from the answer key)."""
    for case in answer_key["cases"]:
        if case["skill"].startswith("je.") and case["entity_id"] and any(
                r.startswith("journal_lines:") for r in case["refs"]):
            return case
    raise AssertionError("the demo answer key has no journal-entry case with a journal_lines ref")


def test_a_findings_ref_resolves_to_its_journal_lines(server, demo_answer_key, mcp_books):
    case = seeded_journal_case(demo_answer_key)
    ref = next(r for r in case["refs"] if r.startswith("journal_lines:"))

    async def work(client):
        run = json_of(await client.call_tool("run_skill", {
            "skill_id": case["skill"], "month": demo_answer_key["month"], "entity": case["entity_id"]}))
        findings = [f for r in run["skills"] if r["id"] == case["skill"] for f in r["findings"]
                    if set(case["refs"]) <= set(f["refs"]) and Decimal(f["amount"]) == Decimal(case["amount"])]
        assert findings, (case, run)  # the ref shown below is one a finding carries
        return json_of(await client.call_tool("show_ref", {"ref": ref}))

    shown = in_session(server, work)
    je_id = ref.split(":", 1)[1]
    with mcp_books.opened() as (con, _):
        expected = con.execute(
            "SELECT entity_id, je_id, line_no, account_id, debit, credit, description "
            "FROM journal_lines WHERE je_id = $je ORDER BY line_no", {"je": je_id}).fetchall()
    assert len(expected) >= 1
    assert shown["ref"] == ref and shown["table"] == "journal_lines" and shown["total"] == len(expected)
    keys = ("entity_id", "je_id", "line_no", "account_id", "debit", "credit", "description")
    assert [tuple(row[k] for k in keys) for row in shown["rows"]] == [
        tuple(jsonable(v) for v in row) for row in expected]
    assert {row["entity_id"] for row in shown["rows"]} == {case["entity_id"]}


def all_pages(client, tool, arguments, key):
    """Every item of a paged tool, following next_cursor; and the answers."""
    async def work():
        items, answers, cursor = [], [], None
        while True:
            answer = json_of(await client.call_tool(tool, {**arguments, **({"cursor": cursor} if cursor else {})}))
            answers.append(answer)
            items += answer[key]
            cursor = answer["next_cursor"]
            if cursor is None:
                return items, answers
    return work()


def test_list_findings_filters_the_months_close(server, demo_close, demo_answer_key):
    async def work(client):
        everything = await all_pages(client, "list_findings", {"month": MONTH, "limit": 7}, "findings")
        calls = [{"severity": "high", "min_amount": "1000.00", "limit": 1000},
                 {"skill": "je.*", "entity": "UK01", "limit": 1000}, {"limit": 2}]
        return everything, [json_of(await client.call_tool("list_findings", {"month": MONTH, **c})) for c in calls]

    (everything, pages), (large_high, je_uk, two) = in_session(server, work)
    expected = [{"skill": r.skill_id, "entity_id": r.entity_id, "severity": f.severity,
                 "message": f.message, "amount": jsonable(f.amount) if f.amount is not None else None,
                 "refs": list(f.refs)}
                for r in demo_close.results for f in r.findings]
    assert expected, "the demo close has findings"
    assert everything == expected and all(p["total"] == len(expected) for p in pages)
    assert [p["shown"] for p in pages[:-1]] == [7] * (len(pages) - 1) and pages[-1]["next_cursor"] is None
    assert large_high["findings"] == [f for f in expected if f["severity"] == "high"
                                      and f["amount"] is not None and Decimal(f["amount"]) >= 1000]
    assert large_high["filters"] == {"severity": "high", "min_amount": "1000.00"}
    assert je_uk["findings"] == [f for f in expected if f["skill"].startswith("je.") and f["entity_id"] == "UK01"]
    seeded = [c for c in demo_answer_key["cases"] if c["skill"].startswith("je.") and c["entity_id"] == "UK01"]
    for case in seeded:
        assert any(f["skill"] == case["skill"] and set(case["refs"]) <= set(f["refs"])
                   for f in je_uk["findings"]), case
    assert two["findings"] == expected[:2] and two["total"] == len(expected) and two["shown"] == 2
    assert two["next_cursor"] and "next_cursor" in two["more"]


def test_run_close_summary_is_the_full_results_in_brief(server, demo_pack, mcp_workspace):
    async def work(client):
        summary = json_of(await client.call_tool("run_close", {"month": MONTH}))
        full, pages = await all_pages(client, "run_close", {"month": MONTH, "detail": "full"}, "skills")
        narrow = json_of(await client.call_tool("run_close", {
            "month": MONTH, "skills": ["recon.bank"], "entities": ["US01"], "detail": "full"}))
        return summary, full, pages, narrow

    summary, full, pages, narrow = in_session(server, work)
    assert "catalog" in pages[0] and all("catalog" not in p for p in pages[1:])
    assert len(pages) > 1  # a whole close does not fit one answer
    statuses = [r["status"] for r in full]
    assert summary["status_counts"] == {s: statuses.count(s) for s in ("pass", "exceptions", "skipped", "error")}
    assert summary["skills"] == [
        {"id": r["id"], "entity_id": r["entity_id"], "status": r["status"], "summary": r["summary"],
         "findings": len(r["findings"]) + (r.get("findings_omitted") or {}).get("count", 0)}
        for r in full if r["status"] != "pass"]
    assert summary["findings"]["total"] == sum(s["findings"] for s in summary["skills"])
    assert summary["next_cursor"] is None and summary["total"] == len(summary["skills"])
    assert len(json.dumps(summary)) < len(json.dumps(full)) / 10
    assert narrow["entities"] == ["US01"]
    assert narrow["skills"] == [r for r in full if r["id"] == "recon.bank" and r["entity_id"] == "US01"]
    # the same JSON as the read-only command line, `close check`
    expected = cli("check", "--month", MONTH, "--json", "--pack", demo_pack, "--workspace", mcp_workspace)
    assert json.loads(expected) == summary


def test_review_queue_reads_the_queue_and_writes_nothing(server, demo_pack, mcp_workspace, monkeypatch):
    from close.review import queue_run
    from close.review.store import connect

    monkeypatch.delenv("CLOSE_WORKSPACE", raising=False)
    doc = in_session(server, lambda client: client.call_tool(
        "run_close", {"month": MONTH, "skills": ["je.*"], "detail": "full"}))
    queue_run(json_of(doc), workspace=mcp_workspace, user="ana", pack_path=demo_pack)

    def store_rows():
        con = connect(mcp_workspace, create=False)
        try:
            return [con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                    for t in ("items", "decisions", "comments", "audit_log", "month_actions")]
        finally:
            con.close()

    before = store_rows()

    async def work(client):
        answers = [json_of(await client.call_tool("review_queue", arguments)) for arguments in
                   ({"month": MONTH, "limit": 1000}, {"limit": 1000}, {"month": MONTH, "status": "approved"},
                    {"month": "2026-04"})]
        paged, _ = await all_pages(client, "review_queue", {"month": MONTH, "limit": 3}, "items")
        return [a["items"] for a in answers] + [paged]

    by_month, everything, approved, april, paged = in_session(server, work)
    expected = json.loads(cli("review", "list", "--month", MONTH, "--json", "--workspace", mcp_workspace))
    assert expected and by_month == expected == everything == paged
    assert all(item["status"] == "pending" and item["kind"] == "skill" for item in by_month)
    assert approved == [] and april == []
    assert store_rows() == before


def test_close_mcp_refuses_a_path_that_is_no_pack(tmp_path):
    missing = runner.invoke(app, ["mcp", "--pack", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    empty = runner.invoke(app, ["mcp", "--pack", str(tmp_path)])
    assert empty.exit_code == 2 and "is not a ledger pack" in empty.stderr

