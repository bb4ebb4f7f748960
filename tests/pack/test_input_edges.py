"""Input edges: what a pack may hold that passes the row formats but must not load.

Control characters in text, amounts too large to add up exactly, links out of the pack
folder, folders and pipes named like tables, and the files a killed load leaves behind.
Every refusal is a located Problem, and the one-pass load (load_pack, open_pack) and the
full validation (validate_pack) report the same ones.
"""
import os
import subprocess
import sys
import threading
from decimal import Decimal

import pytest

from close.pack import PackError, Problem, load_pack, open_pack, validate_pack
from close.pack.limits import AMOUNT_LIMIT


def refused(pack, tmp_path) -> list[Problem]:
    """The pack's problems, which validate_pack, load_pack and open_pack must all agree
    on; neither load leaves a database behind."""
    problems = validate_pack(pack)
    assert problems, "validate_pack found nothing"
    with pytest.raises(PackError) as loaded:
        load_pack(pack, tmp_path / "load" / "ledger.duckdb")
    with pytest.raises(PackError) as opened:
        open_pack(pack, tmp_path / "open")
    assert loaded.value.problems == problems
    assert opened.value.problems == problems
    assert not (tmp_path / "load" / "ledger.duckdb").exists()
    return problems


def replace_in(path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, old
    path.write_text(text.replace(old, new, count), encoding="utf-8", newline="")


# --- 1. control characters -------------------------------------------------------------

def test_control_characters_in_text_are_refused_on_their_line(good_pack, tmp_path):
    journal = good_pack / "journal_lines.csv"
    replace_in(journal, "Opening capital", "Opening \x1b[31mcapital")  # line 2 only
    replace_in(journal, "-115.20,Office supplies,", "-115.20,Office supplies\x07,")  # line 7 only
    problems = refused(good_pack, tmp_path)
    assert problems == [
        Problem("journal_lines.csv", 2, "description", "Opening \x1b[31mcapital",
                "contains a control character (U+001B); remove it"),
        Problem("journal_lines.csv", 7, "description", "Office supplies\x07",
                "contains a control character (U+0007); remove it"),
    ]
    # printed escaped: a problem list never recolours the terminal it is shown on
    assert str(problems[0]) == ("journal_lines.csv line 2, description 'Opening \\x1b[31mcapital' "
                                "contains a control character (U+001B); remove it")


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1f", "\x7f", "\x85", "\x9f"])
def test_every_control_range_is_refused_in_id_and_text_columns(char, good_pack, tmp_path):
    """A C0 control and a C1 one go through both loads as well (the load finds them in
    the file's bytes first, close.pack.control_bytes, whose own tests cover every range)."""
    replace_in(good_pack / "vendors.csv", "Paper Supplies Ltd", f"Paper{char}Supplies Ltd")
    replace_in(good_pack / "bank_transactions.csv", "BT-0001", f"BT{char}0001")
    message = f"contains a control character (U+{ord(char):04X}); remove it"
    found = refused(good_pack, tmp_path) if char in ("\x00", "\x85") else validate_pack(good_pack)
    assert [(p.file, p.line, p.column, p.message) for p in found] == [
        ("bank_transactions.csv", 2, "txn_id", message),  # an id, in schema order before vendors
        ("vendors.csv", 2, "name", message),
    ]


def test_a_control_character_outside_the_checked_columns_loads(good_pack, tmp_path):
    """The load skips the check for a file whose bytes hold no control character
    (close.pack.control_bytes) and checks the others' text exactly: one in a column the
    pack may carry but close does not read is not a reason to refuse the books."""
    journal = good_pack / "journal_lines.csv"
    lines = journal.read_text(encoding="utf-8").splitlines()
    rows = [lines[0] + ",memo"] + [line + (",bell\x07" if i == 1 else ",") for i, line in enumerate(lines[1:], 1)]
    journal.write_text("\n".join(rows) + "\n", encoding="utf-8", newline="")
    assert validate_pack(good_pack) == []
    load_pack(good_pack, tmp_path / "ledger.duckdb")
    con, _ = open_pack(good_pack, tmp_path / "ws")
    assert con.execute("SELECT count(*) FROM journal_lines").fetchone() == (len(lines) - 1,)
    con.close()


def test_tab_newline_and_other_characters_are_fine(good_pack, tmp_path):
    replace_in(good_pack / "vendors.csv", "Paper Supplies Ltd", '"Paper\tSupplies\r\nLtd \u00a0é€ 紙"')
    assert validate_pack(good_pack) == []
    con, _ = open_pack(good_pack, tmp_path / "ws")
    assert con.execute("SELECT name FROM vendors WHERE vendor_id = 'V001'").fetchone() == (
        "Paper\tSupplies\r\nLtd \u00a0é€ 紙",)
    con.close()


def test_a_control_character_in_the_pack_name(good_pack, tmp_path):
    replace_in(good_pack / "pack.toml", 'name = "Tiny Group"', 'name = "Tiny\\u001bGroup"')
    assert [str(p) for p in refused(good_pack, tmp_path)] == [
        "pack.toml line 1, name 'Tiny\\x1bGroup' contains a control character (U+001B); remove it"]


# --- 2. amount limits --------------------------------------------------------------------

def test_amounts_that_cannot_be_added_up_exactly_are_refused(good_pack, tmp_path):
    """Each amount is a valid DECIMAL(18,2), but the column's total is not."""
    journal = good_pack / "journal_lines.csv"
    replace_in(journal, "1000,10000.00,0.00", "1000,9000000000000000.00,0.00")  # line 2, JE-0001/1
    replace_in(journal, "3000,0.00,10000.00", "3000,0.00,9000000000000000.00")  # line 3, JE-0001/2
    replace_in(journal, "1100,1234.56,0.00", "1100,9000000000000000.00,0.00")  # line 4, JE-0002/1
    replace_in(journal, "4000,0.00,1234.56", "4000,0.00,9000000000000000.00")  # line 5, JE-0002/2
    limit = ("close sums amounts exactly in DECIMAL(18,2) and accepts at most 999,999,999,999,999.99 "
             "per column (the largest is on this line)")
    assert refused(good_pack, tmp_path) == [
        Problem("journal_lines.csv", 2, "debit", "9000000000000000.00",
                f"amounts in this column add up to 18,000,000,000,000,100.00 in absolute value; {limit}"),
        Problem("journal_lines.csv", 3, "credit", "9000000000000000.00",
                f"amounts in this column add up to 18,000,000,000,000,100.00 in absolute value; {limit}"),
    ]


def test_the_limit_is_on_absolute_amounts_and_inclusive(good_pack, tmp_path):
    """Bank amounts are signed: a deposit and a withdrawal of the same size do not cancel."""
    path = good_pack / "bank_transactions.csv"
    top = AMOUNT_LIMIT - Decimal("45.10")  # with the -45.10 fee: exactly the limit
    replace_in(path, ",10000.00,", f",{top},")
    assert validate_pack(good_pack) == []
    con, _ = open_pack(good_pack, tmp_path / "ws")
    assert con.execute("SELECT sum(abs(amount)) FROM bank_transactions").fetchone() == (AMOUNT_LIMIT,)
    con.close()
    replace_in(path, ",-45.10,", ",-45.11,")  # one cent more
    assert [(p.file, p.line, p.column, p.value) for p in refused(good_pack, tmp_path)] == [
        ("bank_transactions.csv", 2, "amount", str(top))]


# --- 3. links ----------------------------------------------------------------------------

def test_a_link_out_of_the_pack_is_refused(good_pack, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for name in ("journal_lines.csv", "pack.toml"):
        (good_pack / name).rename(elsewhere / name)
        (good_pack / name).symlink_to(elsewhere / name)
    outside = "outside the pack: copy the file into the pack"
    assert refused(good_pack, tmp_path) == [
        Problem("pack.toml", None, None, None, f"is a link to {os.path.realpath(elsewhere / 'pack.toml')}, {outside}"),
        Problem("journal_lines.csv", None, None, None,
                f"is a link to {os.path.realpath(elsewhere / 'journal_lines.csv')}, {outside}"),
    ]


def test_a_link_inside_the_pack_is_followed(good_pack, tmp_path):
    (good_pack / "exports").mkdir()
    (good_pack / "journal_lines.csv").rename(good_pack / "exports" / "journal_lines.csv")
    (good_pack / "journal_lines.csv").symlink_to("exports/journal_lines.csv")
    assert validate_pack(good_pack) == []
    con, _ = open_pack(good_pack, tmp_path / "ws")
    assert con.execute("SELECT count(*) FROM journal_lines").fetchone() == (8,)
    con.close()


def test_a_link_to_an_optional_table_outside_is_not_an_absent_table(good_pack, tmp_path):
    """References to the linked table are not reported as unknown or as a missing table."""
    (good_pack / "vendors.csv").rename(tmp_path / "vendors.csv")
    (good_pack / "vendors.csv").symlink_to(tmp_path / "vendors.csv")
    assert [(p.file, p.message.split(",")[0]) for p in refused(good_pack, tmp_path)] == [
        ("vendors.csv", f"is a link to {os.path.realpath(tmp_path / 'vendors.csv')}")]


# --- 4. not a file -----------------------------------------------------------------------

def test_a_folder_named_like_a_table(good_pack, tmp_path):
    (good_pack / "journal_lines.csv").unlink()
    (good_pack / "journal_lines.csv").mkdir()
    assert refused(good_pack, tmp_path) == [
        Problem("journal_lines.csv", None, None, None, "is a folder, not a file")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_named_pipe_named_like_a_table_is_never_opened(good_pack, tmp_path):
    (good_pack / "journal_lines.csv").unlink()
    os.mkfifo(good_pack / "journal_lines.csv")
    found = []
    worker = threading.Thread(target=lambda: found.append(refused(good_pack, tmp_path)), daemon=True)
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # opened: unblock it by opening the other end, then fail
        with open(good_pack / "journal_lines.csv", "w"):
            pass
        pytest.fail("the load opened the named pipe")
    assert found == [[Problem("journal_lines.csv", None, None, None, "is a named pipe (FIFO), not a file")]]


# --- 5. leftovers of a killed load -------------------------------------------------------

LEFTOVERS = (".building", ".building.wal", ".check", ".check.wal", ".check.stage", ".check.stage.wal")


def leave_leftovers(workspace, pid: int) -> list:
    made = [workspace / f".ledger.duckdb.{pid}{suffix}" for suffix in LEFTOVERS]
    for path in made:
        path.write_bytes(b"half a database")
    spill = workspace / f".ledger.duckdb.{pid}.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_block-1.block").write_bytes(b"spilled")
    return [*made, spill]


@pytest.mark.skipif(os.name != "posix", reason="process liveness is probed with os.kill(pid, 0)")
def test_leftovers_of_a_dead_load_are_removed_and_a_live_ones_kept(good_pack, tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # reaped: its pid names no process now
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = leave_leftovers(workspace, finished.pid)
        live = leave_leftovers(workspace, running.pid)
        others = [workspace / ".ledger.duckdb.x1.building", workspace / "notes.txt"]
        for path in others:
            path.write_text("not ours")
        con, _ = open_pack(good_pack, workspace)  # loads
        con.close()
        assert [p.name for p in dead if os.path.lexists(p)] == []
        assert all(p.exists() for p in [*live, *others])
        dead = leave_leftovers(workspace, finished.pid)
        con, _ = open_pack(good_pack, workspace)  # reuses the database
        con.close()
        assert [p.name for p in dead if os.path.lexists(p)] == []
        assert all(p.exists() for p in live)
    finally:
        running.kill()
        running.wait()
