"""Whether a CSV file's bytes hold a control character, found while the pack is hashed.

The load refuses text with a control character (close.pack.checks.CONTROL_CHARS: C0
but tab, newline and carriage return, DEL, and C1). As a regex over a million-line
journal's text columns that was 0.42 CPU seconds, the largest single check of the
load; the pack's digest reads every byte anyway, and looking for the characters' bytes
in the same chunks costs a sixth of that. A CSV file is UTF-8 (the reader refuses
anything else), where a C0 control or DEL is its own byte, never part of another
character's, and a C1 control U+0080-U+009F is 0xC2 then 0x80-0x9F. So a file whose
bytes hold neither holds no control character in any field, and the load skips the
check for its table (close.pack.fastload); a file whose bytes do (perhaps only in a
column that is not text) gets the exact check.
"""
from __future__ import annotations

import re

# Every byte but the C0 controls other than tab, newline and carriage return, and DEL:
# what bytes.translate deletes, so what is left is the controls found.
_NOT_C0 = bytes(b for b in range(256) if not ((b < 0x20 and b not in (0x09, 0x0A, 0x0D)) or b == 0x7F))
_C1 = re.compile(rb"\xc2[\x80-\x9f]")


class ControlScan:
    """Fed a file's bytes chunk by chunk; `found` once any chunk held a control character.
    The last byte of a chunk is kept, so a C1 control split across two chunks is found."""

    def __init__(self) -> None:
        self.found = False
        self._last = 0

    def update(self, chunk: bytes) -> None:
        if self.found or not chunk:
            return
        self.found = bool(
            chunk.translate(None, _NOT_C0)
            or (self._last == 0xC2 and 0x80 <= chunk[0] <= 0x9F)
            or (b"\xc2" in chunk and _C1.search(chunk)))
        self._last = chunk[-1]
