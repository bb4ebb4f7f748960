"""close over the Model Context Protocol: `close mcp` serves the skills to Claude Code.

    books = Books(pack_path, workspace)      # one read-only connection, reloaded on change
    server = build_server(books)             # MCPServer with the read-only tools
    serve_stdio(pack_path, workspace)        # what `close mcp` runs

books.py holds the pack, tools.py answers the calls, server.py declares the tools.
"""
from close.mcp.books import Books
from close.mcp.server import build_server, serve_stdio

__all__ = ["Books", "build_server", "serve_stdio"]
