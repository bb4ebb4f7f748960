"""Refs resolve to the rows of the books they name; malformed refs say what is expected."""
import duckdb
import pytest

from close.pack import load_pack
from close.refs import BadRef, resolve_ref
from tests.support.books import mini_books


@pytest.fixture
def con(tmp_path):
    load_pack(mini_books().write(tmp_path / "pack"), tmp_path / "ledger.duckdb")
    connection = duckdb.connect(str(tmp_path / "ledger.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_journal_ref_resolves_to_every_line_of_the_entry(con):
    rows = resolve_ref(con, "journal_lines:JE-3")
    assert [(r["line_no"], str(r["debit"]), str(r["credit"])) for r in rows] == [
        (1, "250.50", "0.00"), (2, "0.00", "250.50")]


def test_unknown_key_gives_no_rows(con):
    assert resolve_ref(con, "accounts:9999") == []
    assert resolve_ref(con, "accounts:1000")[0]["name"] == "Bank"


@pytest.mark.parametrize("ref, message", [
    ("JE-3", "must look like <table>:<key>"),
    ("ledger:JE-3", "names no keyed pack table"),
    ("payroll:E-0107", "payroll refs have 2 key part(s): period/employee_id"),
    ("accounts:1000' OR '1'='1", None),
])
def test_bad_refs(con, ref, message):
    if message is None:  # injection attempt is just a key that matches nothing
        assert resolve_ref(con, ref) == []
    else:
        with pytest.raises(BadRef, match=message.replace("(", r"\(").replace(")", r"\)")):
            resolve_ref(con, ref)


def test_table_absent_from_pack(con):
    with pytest.raises(BadRef, match="the pack has no bank_transactions table"):
        resolve_ref(con, "bank_transactions:BT-1", tables={"journal_lines"})
