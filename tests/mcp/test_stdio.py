"""`close mcp` as Claude Code starts it: a process speaking MCP on stdin and stdout."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

import anyio

from tests.mcp.close_mcp_client import json_of

REPO = Path(__file__).resolve().parents[2]
TOOLS = {"list_skills", "describe_skill", "run_skill", "run_close", "list_findings",
         "show_ref", "review_queue"}


def close_command() -> list[str]:
    script = Path(sys.executable).with_name("close")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from close.cli import main; main()"]


def test_close_mcp_serves_over_stdio_and_exits_on_eof(demo_pack, mcp_workspace, tmp_path):
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters, stdio_client

    exit_file = tmp_path / "exit-code"
    server = shlex.join([*close_command(), "mcp", "--pack", str(demo_pack), "--workspace", str(mcp_workspace)])
    # The shell records the server's exit code: a server that did not stop on its own
    # when stdin closed is killed with its shell, and no code is written.
    params = StdioServerParameters(command="sh", args=["-c", f"{server}; echo $? > {shlex.quote(str(exit_file))}"],
                                   cwd=str(REPO))
    errors = tmp_path / "stderr.txt"

    async def main():
        with anyio.fail_after(60), errors.open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog), mode="legacy") as client:
                assert client.server_info.name == "close"
                names = {tool.name for tool in (await client.list_tools()).tools}
                described = await client.call_tool("describe_skill", {"skill_id": "recon.bank"})
                unknown = await client.call_tool("describe_skill", {"skill_id": "recon.nope"})
                return names, described, unknown

    names, described, unknown = anyio.run(main)
    assert names == TOOLS
    assert json_of(described)["id"] == "recon.bank"
    assert unknown.is_error
    assert exit_file.read_text().strip() == "0", errors.read_text()
    assert "Traceback" not in errors.read_text()
