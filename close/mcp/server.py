"""`close mcp`: the close as Model Context Protocol tools, served over stdio.

Claude Code working beside an accountant finds a skill, runs it on the books, reads the
findings and drills into the journal lines behind them, with the same JSON the command
line prints. Every tool only reads: none records a review decision, because Claude
prepares and people decide (`close review` on the command line).

Inputs are typed in each tool's schema (the SDK validates them before a tool runs);
what a schema cannot say (a month inside the books, a known skill, a parameter of the
skill's own type) is checked by the tool, and either way the caller gets a tool error
with one line and the server keeps serving: the SDK's own message for a schema error
(pydantic's, several lines with a URL) is rewritten into one line that names the
argument and says what it takes.

Answers are sized for an agent (close.agent): compact JSON, summaries by default, lists
a page at a time (`limit`, `cursor`), within the answer budget. Each answer comes twice
in one result, as the MCP specification recommends for structured output: as
`structuredContent`, checked against the tool's published output schema (shapes.py),
and as the same JSON in a text block for clients that read text.
"""
# No `from __future__ import annotations`: the SDK reads these signatures at runtime to
# build each tool's input schema.
from pathlib import Path
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError, WithJsonSchema

from close.agent import compact
from close.mcp import shapes
from close.mcp.books import Books
from close.mcp.tools import LIMITS, MAX_LIMIT, CloseTools
from close.pack import PackError
from close.registry import Registry

INSTRUCTIONS = """\
close runs a finance team's month-end close on a ledger pack (the company's books, loaded
into DuckDB). Skills are small checks and statements with ids like recon.bank or
je.self_approved, grouped in areas (je, recon, tax, stmt, flux, close).

To work: run_close first, for the month in brief (status counts and each check that did
not pass, one line each); list_findings to page through the month's findings by skill,
entity, severity or amount; show_ref to read the rows of the books a finding's ref names
(journal_lines:JE-0001234 gives every line of that entry); run_skill for one skill in
full, optionally some entities and parameters; list_skills and describe_skill to pick a
check. review_queue shows what waits for people in the review queue. Every list comes a
page at a time: when next_cursor is not null, call again with cursor set to it. Amounts
are decimal strings; months are YYYY-MM and must lie inside the books. Every figure
comes from the books: quote it, do not recompute it. Nothing here writes reports, queues
reviews or calls an API; review decisions and the month's sign-off are made by people
with the `close review` command line."""

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False,
                            idempotent_hint=True, open_world_hint=False)

MonthArg = Annotated[str, Field(description="Month, YYYY-MM, e.g. 2026-05.")]
SkillIdArg = Annotated[str, Field(description="Skill id, e.g. recon.bank (list_skills shows them).")]
EntitiesArg = Annotated[list[str] | None, Field(
    description="Only these entity ids, e.g. [\"US01\"]; default every entity of the pack.")]
SeverityArg = Literal["high", "medium", "low"]
CursorArg = Annotated[str | None, Field(
    description="next_cursor of the previous answer, to get the next page; leave out for the first.")]


def limit_arg(kind: str, what: str):
    return Annotated[int | None, Field(
        description=f"Most {what} per answer (default {LIMITS[kind]}; fewer when the answer "
                    f"budget is reached first; the total is always given).", ge=1, le=MAX_LIMIT)]

ReviewStatusArg = Literal["pending", "approved", "rejected", "stale"]
# Skill parameters are text, integers or booleans (amounts as text, to stay exact). The
# schema says so; the values themselves are checked by the skill's own parameter types,
# whose messages name the parameter (a union type here would answer a float with three
# pydantic errors instead).
PARAMS_SCHEMA = WithJsonSchema({
    "anyOf": [{"type": "object",
               "additionalProperties": {"type": ["string", "integer", "boolean"]}},
              {"type": "null"}]})


def _answer(doc) -> CallToolResult:
    """The answer as structured content and, the same JSON compact, as text."""
    return CallToolResult(content=[TextContent(type="text", text=compact(doc))], structured_content=doc)


def _clear_errors(call, *args, **kwargs):
    """Turn what the caller got wrong into a tool error with its own one-line message."""
    try:
        return call(*args, **kwargs)
    except PackError as exc:
        problems = [str(p) for p in exc.problems[:10]]
        more = len(exc.problems) - len(problems)
        tail = f"; and {more} more (close validate --pack lists all)" if more > 0 else ""
        raise ToolError("the pack cannot be loaded: " + "; ".join(problems) + tail) from None
    except (ValueError, KeyError) as exc:
        raise ToolError(str(exc.args[0]) if exc.args else type(exc).__name__) from None


def one_line(exc: ValidationError, schema: dict | None = None) -> str:
    """pydantic's validation errors as one line: each argument, what was wrong, and (for
    a missing one) what it takes, from the tool's own input schema."""
    properties = (schema or {}).get("properties", {})
    parts = []
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"]) or "arguments"
        if error["type"] == "missing":
            hint = (properties.get(str(error["loc"][0]), {}) or {}).get("description", "")
            parts.append(f"{name} is required" + (f" ({hint.rstrip('.')})" if hint else ""))
        else:
            message = error["msg"][0].lower() + error["msg"][1:]
            given = error.get("input")
            shown = repr(given) if isinstance(given, (str, int, float, bool)) or given is None else type(given).__name__
            parts.append(f"{name} {shown}: {message}")
    return "; ".join(" ".join(p.split()) for p in parts)


class CloseServer(MCPServer):
    """MCPServer whose argument errors read as one line, like every other error of close."""

    async def call_tool(self, name, arguments, context=None):
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                schema = self._tool_input_schema(name)
                raise ToolError(f"Error executing tool {name}: {one_line(exc.__cause__, schema)}") \
                    from exc.__cause__
            raise


def build_server(books: Books, registry: Registry | None = None) -> MCPServer:
    """An MCP server over one pack's books; the caller closes the books when done."""
    tools = CloseTools(books, registry)
    areas = ", ".join(tools.areas())
    server = CloseServer(name="close", instructions=INSTRUCTIONS, version=_version(),
                         log_level="WARNING")

    @server.tool(annotations=READ_ONLY)
    def list_skills(
        area: Annotated[str | None, Field(description=f"Only this area: {areas}.")] = None,
        search: Annotated[str | None, Field(
            description="Words that must all appear in the id, title or description, e.g. 'bank unmatched'.")] = None,
        limit: limit_arg("list_skills", "skills") = None,
        cursor: CursorArg = None,
    ) -> Annotated[CallToolResult, shapes.SkillList]:
        """List the registered skills (id, area, title, whether it runs once for the group),
        in catalog order: the items of `close skills list --json`, a page at a time."""
        return _answer(_clear_errors(tools.list_skills, area, search, limit, cursor))

    @server.tool(annotations=READ_ONLY)
    def describe_skill(skill_id: SkillIdArg) -> Annotated[CallToolResult, shapes.SkillDescription]:
        """Describe one skill: what it checks, the pack tables it needs, the skills whose
        results it uses, and its parameters with type, default and meaning; the same JSON
        as `close skills show ID --json`."""
        return _answer(_clear_errors(tools.describe_skill, skill_id))

    @server.tool(annotations=READ_ONLY)
    def run_skill(
        skill_id: SkillIdArg,
        month: MonthArg,
        entity: Annotated[str | None, Field(description="Only this entity id, e.g. US01.")] = None,
        entities: EntitiesArg = None,
        params: Annotated[dict[str, Any] | None, PARAMS_SCHEMA, Field(
            description="Parameter overrides by name, e.g. {\"window_days\": 7, \"threshold\": \"2500.00\"}; "
                        "amounts as decimal strings. describe_skill lists the parameters.")] = None,
        limit: limit_arg("run_skill", "results (one per entity)") = None,
        cursor: CursorArg = None,
    ) -> Annotated[CallToolResult, shapes.SkillRun]:
        """Run one skill (and the skills it depends on) for a month on the books and return
        its results per entity: status, summary, metrics and findings (the first 50 of
        each result; findings_omitted counts the rest) with amounts and refs. The same
        JSON as `close skills run ID --month M --json`."""
        chosen = ([entity] if entity else []) + list(entities or [])
        return _answer(_clear_errors(tools.run_skill, skill_id, month, chosen or None, params, limit, cursor))

    @server.tool(annotations=READ_ONLY)
    def run_close(
        month: MonthArg,
        entities: EntitiesArg = None,
        skills: Annotated[list[str] | None, Field(
            description="Only skills matching these globs, e.g. [\"recon.*\"], plus what they depend on.")] = None,
        detail: Annotated[Literal["summary", "full"], Field(
            description="summary: status and severity counts, and each result that did not pass "
                        "with its summary and number of findings; full: the results themselves, "
                        "metrics and findings, a page at a time.")] = "summary",
        limit: Annotated[int | None, Field(
            description=f"Most results per answer (default {LIMITS['summary']} for summary, "
                        f"{LIMITS['full']} for full; fewer when the answer budget is reached first).",
            ge=1, le=MAX_LIMIT)] = None,
        cursor: CursorArg = None,
    ) -> Annotated[CallToolResult, shapes.CloseCheck]:
        """Run the month's close on the books, read-only: every skill for every entity,
        then the group skills. The same JSON as `close check --month M --json`; it writes
        no report, queues no review and calls no API (people run `close run` for those)."""
        return _answer(_clear_errors(tools.run_close, month, entities, skills, detail, limit, cursor))

    @server.tool(annotations=READ_ONLY)
    def list_findings(
        month: MonthArg,
        skill: Annotated[str | None, Field(description="Skill id or glob, e.g. je.* or recon.bank.")] = None,
        entity: Annotated[str | None, Field(description="Only this entity id, e.g. UK01.")] = None,
        severity: Annotated[SeverityArg | None, Field(description="Only findings of this severity.")] = None,
        min_amount: Annotated[str | None, Field(
            description="Only findings of at least this amount, a decimal string such as \"1000.00\".")] = None,
        limit: limit_arg("list_findings", "findings") = None,
        cursor: CursorArg = None,
    ) -> Annotated[CallToolResult, shapes.Findings]:
        """List the findings of the month's whole close (run on first use, then kept while
        the books are unchanged), filtered by skill, entity, severity and minimum amount,
        most severe and largest first within each skill, a page at a time. Each finding has
        its refs for show_ref."""
        return _answer(_clear_errors(tools.list_findings, month, skill, entity, severity,
                                     min_amount, limit, cursor))

    @server.tool(annotations=READ_ONLY)
    def show_ref(
        ref: Annotated[str, Field(description="A finding's ref, <table>:<key>, e.g. journal_lines:JE-0060053, "
                                              "bank_transactions:BT-0042, payroll:2026-05/E-0107.")],
        limit: limit_arg("show_ref", "rows") = None,
        cursor: CursorArg = None,
    ) -> Annotated[CallToolResult, shapes.RefRows]:
        """Show the rows of the books a ref names: every line of a journal entry, a bank
        statement line, an invoice, an account; the same JSON as `close ref REF --json`."""
        return _answer(_clear_errors(tools.show_ref, ref, limit, cursor))

    @server.tool(annotations=READ_ONLY)
    def review_queue(
        month: Annotated[str | None, Field(description="Only this month, YYYY-MM.")] = None,
        status: Annotated[ReviewStatusArg | None, Field(
            description="Only items with this status.")] = None,
        limit: limit_arg("review_queue", "items") = None,
        cursor: CursorArg = None,
    ) -> Annotated[CallToolResult, shapes.ReviewItems]:
        """Read the review queue: the current items of each month (narrative sections and
        skill results with exceptions), with version, status and preparer: the items of
        `close review list --json`, a page at a time; reading only."""
        return _answer(_clear_errors(tools.review_queue, month, status, limit, cursor))

    return server


def serve_stdio(pack: Path | None = None, workspace: Path | None = None) -> None:
    """Serve the pack (the demo group when none is given) until the client closes stdin."""
    books = Books(pack, workspace)
    try:
        build_server(books).run("stdio")
    finally:
        books.close()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("close")
    except PackageNotFoundError:
        return "0"
