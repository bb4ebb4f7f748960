"""The groups of books the generator writes, each with its own seeded cases.

Acme is the demo (USD, calendar year, every optional link present); Kestrel is built
with other habits (EUR reporting, a fiscal year from April, yen, one-way rates, no
doc_ref on system entries). Tests that must hold on any books run on each of them.
"""
from __future__ import annotations

from fixtures.demo import GROUPS

__all__ = ["GROUPS"]
