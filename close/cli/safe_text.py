"""Text from a ledger pack, made safe to print on a terminal.

Pack names, journal descriptions, account names and finding messages are data: printed
raw, an escape sequence in them could retitle the terminal, hide text or plant a link
(`ESC ] 8 ;; url ESC \\`), a bidi override could reorder what the reviewer reads, and
rich would read `[/bold]` as markup and stop with an error. Every command that prints
pack text passes it through `safe_text` (plain output) or `safe_markup` (rich markup:
table titles and cells, `console.print`).
"""
from __future__ import annotations

import re

from rich.markup import escape as escape_markup

# C0 controls except tab and newline, DEL, the C1 range, and the bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe_text(value) -> str:
    """The value as text with every control or bidi character shown escaped (`\\x1b`,
    `\\u202e`), so the terminal displays it instead of obeying it."""
    return UNSAFE.sub(_visible, str(value))


def safe_markup(value) -> str:
    """`safe_text`, with rich markup escaped too: for a rich table or `console.print`."""
    return escape_markup(safe_text(value))
