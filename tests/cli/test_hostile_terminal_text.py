"""Pack text on the terminal is shown, never obeyed: no escape sequence, bidi override or
rich markup from a pack reaches the screen raw, and none of it stops a command."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from close.cli import app
from close.cli.safe_text import safe_markup, safe_text
from close.review import queue_run
from tests.support.books import mini_books
from tests.review.docs import make_doc, section, skill

HOSTILE = "Acme [/x] Group [/bold] \x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\ \u202eevil\x07\x9b"
SHOWN = "Acme [/x] Group [/bold] \\x1b]8;;http://evil\\x1b\\click\\x1b]8;;\\x1b\\ \\u202eevil\\x07\\x9b"
# What a pack itself may hold: loading refuses control characters, not markup or bidi.
IN_PACK = "Acme [/x] Group [/bold] \u202eevil\u2069 [link=http://evil]x[/link]"
IN_PACK_SHOWN = "Acme [/x] Group [/bold] \\u202eevil\\u2069 [link=http://evil]x[/link]"
runner = CliRunner()
# No colour or styling of rich's own: every escape in the output would come from the pack.
PLAIN = {"FORCE_COLOR": None, "TTY_COMPATIBLE": None, "COLUMNS": "400", "CLOSE_USER": None,
         "CLOSE_WORKSPACE": None}


def invoke(*args):
    result = runner.invoke(app, list(args), env=PLAIN)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for stream in (result.stdout, result.stderr):
        assert not set(stream) & {"\x1b", "\x07", "\x9b", "\u202e"}, stream
    return result


def test_safe_text_shows_controls_and_keeps_text():
    assert safe_text(HOSTILE) == SHOWN
    assert safe_text("line one\n\tline two · café") == "line one\n\tline two · café"
    assert safe_text("\r\x00\x7f\u2066\u2069\u202a") == "\\x0d\\x00\\x7f\\u2066\\u2069\\u202a"
    assert safe_markup("[/bold] [red]x") == "\\[/bold] \\[red]x"
    assert safe_text(safe_text(HOSTILE)) == SHOWN


@pytest.fixture
def hostile_pack(tmp_path):
    books = mini_books()
    books.lines[0]["description"] = IN_PACK
    books.name = IN_PACK
    return books.write(tmp_path / "pack")


def test_ref_shows_hostile_rows(hostile_pack, tmp_path):
    result = invoke("ref", "journal_lines:JE-1", "--pack", str(hostile_pack), "--workspace", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.stderr
    assert IN_PACK_SHOWN in result.stdout


def test_run_summary_shows_hostile_pack_name(hostile_pack, tmp_path):
    result = invoke("run", "--month", "2026-05", "--pack", str(hostile_pack), "--skills", "je.trial_balance",
                    "--out", str(tmp_path / "out"), "--workspace", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.stderr
    assert f"Close 2026-05 — {IN_PACK_SHOWN}" in " ".join(result.stdout.split())  # the title wraps


@pytest.fixture
def hostile_store(tmp_path):
    finding = skill("recon.bank", "US01")
    finding["findings"][0]["message"] = HOSTILE
    doc = make_doc(pack={"name": HOSTILE, "sha256": "a" * 64},
                   sections=[section("executive_summary", HOSTILE, unverified_figures=[
                       {"text": HOSTILE, "reason": HOSTILE}], verification="unverified")],
                   skills=[finding])
    ws = tmp_path / "ws"
    queue_run(doc, workspace=ws, user=HOSTILE, pack_path="p")
    assert invoke("review", "comment", "R-0002", "--text", HOSTILE, "--as", "ben",
                  "--workspace", str(ws)).exit_code == 0
    return str(ws)


def test_review_list_show_and_audit_log_show_hostile_text(hostile_store):
    listed = invoke("review", "list", "--workspace", hostile_store)
    assert listed.exit_code == 0 and SHOWN in listed.stdout
    for item in ("R-0001", "R-0002"):
        shown = invoke("review", "show", item, "--workspace", hostile_store)
        assert shown.exit_code == 0 and SHOWN in shown.stdout
    log = invoke("audit", "log", "--workspace", hostile_store)
    assert log.exit_code == 0 and f"text={SHOWN}" in log.stdout


def test_acting_names_and_error_lines_are_shown_not_obeyed(hostile_store):
    """A name given with --as, or recorded in the store, comes back in confirmations and
    in `close: error:` lines (one line each): shown escaped."""
    name = "bob\x1b]0;pwned\x07"
    done = invoke("review", "approve", "R-0002", "--as", name, "--workspace", hostile_store)
    assert done.exit_code == 0 and done.stdout.splitlines()[0].endswith("as bob\\x1b]0;pwned\\x07")
    again = invoke("review", "approve", "R-0002", "--as", "dan", "--workspace", hostile_store)
    lines = again.stderr.strip().splitlines()
    assert again.exit_code == 1 and len(lines) == 1 and "already approved by bob\\x1b]0;pwned" in lines[0]


def test_bulk_approval_table_shows_hostile_text(tmp_path):
    """The table of a batch approval shows the items' keys and entities as text."""
    results = [skill("recon.bank", HOSTILE), skill("je.cutoff", "US01")]
    for result in results:
        result["findings"][0]["severity"] = "low"
    ws = tmp_path / "ws"
    queue_run(make_doc(skills=results), workspace=ws, user="ana", pack_path="p")
    done = invoke("review", "approve", "--all-pending", "--as", "bob", "--workspace", str(ws))
    assert done.exit_code == 0 and SHOWN in done.stdout and "approved 2 item(s) as bob" in done.stdout
