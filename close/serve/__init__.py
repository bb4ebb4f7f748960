"""`close serve`: reviewers approve in a browser, with the evidence on the page.

A reader of the review store (close.review) and of the books through refs (close.refs,
on the pack's DuckDB file opened read-only), importable only by the command line, which
hands it what needs the engine (docs/architecture.md). app.py is the web app, views.py
what each page shows, security.py its defences, ledger.py the journal lines of a ref.
"""
from __future__ import annotations

from close.serve.app import Settings, create_app

__all__ = ["Settings", "create_app"]
