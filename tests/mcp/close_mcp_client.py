"""Talking to the server the way Claude Code does: a client session, tool calls, JSON text."""
from __future__ import annotations

import json

import anyio


def in_session(server, work):
    """Run `await work(client)` inside one MCP client session (initialize handshake,
    JSON-RPC over in-memory streams), and return what it returns."""
    from mcp import Client

    async def main():
        async with Client(server, mode="legacy") as client:
            return await work(client)

    return anyio.run(main)


def text_of(result) -> str:
    assert len(result.content) == 1 and result.content[0].type == "text"
    return result.content[0].text


def json_of(result):
    assert not result.is_error, text_of(result)
    return json.loads(text_of(result))
