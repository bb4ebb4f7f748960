"""The byte scan that lets the load skip the control-character check of a clean CSV file:
it must find every control character the check would (close.pack.checks.CONTROL_CHARS)
in UTF-8 bytes, however the file is cut into chunks, and nothing that is not one."""
import re

import pytest

from close.pack.checks import CONTROL_CHARS
from close.pack.control_bytes import ControlScan

# Every character the check refuses, and printable ones whose UTF-8 bytes lie near them:
# U+00A0-U+00BF start with 0xC2 too; the euro sign and the ellipsis carry 0x80-0x9F as
# continuation bytes; tab, newline and carriage return are allowed.
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0))]
FINE = ["\t", "\n", "\r", " ", "~", "\u00a0", "\u00a9", "\u00bf", "é", "€", "…", "紙", "\U0001F600"]


def scan(data: bytes, size: int) -> bool:
    found = ControlScan()
    for start in range(0, len(data), size):
        found.update(data[start:start + size])
    return found.found


@pytest.mark.parametrize("size", [1, 2, 3, 1 << 20])
def test_every_control_character_is_found_however_the_bytes_are_cut(size):
    for char in CONTROLS:
        data = f"JE-1,1,Office{char}supplies,12.00\n".encode()
        assert scan(data, size), f"U+{ord(char):04X} in chunks of {size}"


@pytest.mark.parametrize("size", [1, 2, 3, 1 << 20])
def test_printable_text_is_not_taken_for_a_control_character(size):
    data = ("entity_id,description\n" + "".join(f"US01,{c}x{c}\n" for c in FINE)).encode()
    assert not scan(data, size)


def test_the_scan_agrees_with_the_check_on_every_character_of_the_basic_plane():
    check = re.compile(CONTROL_CHARS.replace(r"\x{9F}", "\x9f"))
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:   # surrogates are not characters of UTF-8 text
            continue
        char = chr(code)
        assert scan(f"a{char}b".encode(), 2) == bool(check.search(char)), f"U+{code:04X}"
