"""The command line on an 80-column terminal: no line wider than 80, no id cut (rich's
ellipsis never appears), the columns that matter kept; a wider terminal shows more."""
from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from close.cli import app
from close.registry import Registry
from close.review import queue_run
from tests.review.docs import make_doc, section, skill
from tests.support.books import mini_books, mini_line

runner = CliRunner()
LONG_ENTRY = "JE-2026-05-CORPORATE-CARD-ACCRUAL-REVERSAL-000123"
LONG_SKILL = "acme_custom.intercompany_loans_by_counterparty_and_currency"


def invoke(*args, columns=80):
    result = runner.invoke(app, list(args), env={"COLUMNS": str(columns), "CLOSE_USER": None,
                                                 "CLOSE_WORKSPACE": None})
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


def assert_fits(text: str, columns: int = 80) -> list[str]:
    lines = text.splitlines()
    assert "…" not in text
    assert max(cell_len(line) for line in lines) <= columns, max(lines, key=cell_len)
    return lines


def first_words(lines):
    return {line.split()[0] for line in lines if line.strip()}


def test_skills_list_keeps_every_id_whole():
    lines = assert_fits(invoke("skills", "list"))
    ids = [s.id for s in Registry.discover().all()]
    assert set(ids) <= first_words(lines)
    assert "needs" not in lines[1]
    assert "needs" in invoke("skills", "list", columns=140).splitlines()[1]


@pytest.fixture
def books(tmp_path):
    """mini_books plus a long-id entry in US01 and one entry across both entities."""
    long_entry = [mini_line("US01", LONG_ENTRY, 1, "2026-05-20", "6000", "1234.56", "0.00",
                            description="Corporate card accrual reversal for the marketing team, May"),
                  mini_line("US01", LONG_ENTRY, 2, "2026-05-20", "1000", "0.00", "1234.56")]
    across = [mini_line("US01", "JE-X", 1, "2026-05-21", "6000", "100.00", "0.00"),
              mini_line("US01", "JE-X", 2, "2026-05-21", "1000", "0.00", "100.00"),
              mini_line("UK01", "JE-X", 3, "2026-05-21", "6000", "50.25", "0.00"),
              mini_line("UK01", "JE-X", 4, "2026-05-21", "1000", "0.00", "40.00")]
    return str(mini_books(*long_entry, *across).write(tmp_path / "pack")), str(tmp_path / "ws")


def test_ref_shows_a_journal_entry_with_totals_that_tie(books):
    pack, ws = books
    lines = assert_fits(invoke("ref", f"journal_lines:{LONG_ENTRY}", "--pack", pack, "--workspace", ws))
    text = "\n".join(lines)
    assert LONG_ENTRY in text and "entity US01" in text
    header = lines[next(i for i, line in enumerate(lines) if line.startswith("line"))].split()
    assert header == ["line", "date", "account", "description", "debit", "credit", "cur"]
    body = [line.split() for line in lines if re.match(r"\s+\d+\s+2026-", line)]
    assert [(row[0], row[2]) for row in body] == [("1", "6000"), ("2", "1000")]
    total = next(line.split() for line in lines if line.split()[:1] == ["total"])
    assert total == ["total", "1,234.56", "1,234.56", "USD"]
    assert "out of balance" not in text


def test_ref_totals_per_currency_and_out_of_balance(books):
    pack, ws = books
    lines = assert_fits(invoke("ref", "journal_lines:JE-X", "--pack", pack, "--workspace", ws))
    header = next(line for line in lines if line.startswith("entity")).split()
    assert header[:2] == ["entity", "line"]    # two entities: the entity is a column
    totals = [line.split() for line in lines if line.split()[:1] == ["total"]]
    assert totals == [["total", "100.00", "100.00", "USD"], ["total", "50.25", "40.00", "GBP"]]
    assert lines[-1] == "out of balance in GBP: debits exceed credits by 10.25"
    as_json = json.loads(invoke("ref", "journal_lines:JE-X", "--pack", pack, "--workspace", ws, "--json"))
    assert set(as_json) >= {"ref", "table", "total", "shown", "rows"} and as_json["total"] == 4


def test_ref_to_another_table_shows_one_field_a_line(books):
    pack, ws = books
    lines = assert_fits(invoke("ref", "accounts:6000", "--pack", pack, "--workspace", ws))
    assert ["account_id", "6000"] in [line.split() for line in lines]
    wide = invoke("ref", f"journal_lines:{LONG_ENTRY}", "--pack", pack, "--workspace", ws, columns=220)
    assert "preparer" in wide and "approver" in wide


def test_check_keeps_skill_ids_whole(books):
    pack, ws = books
    lines = assert_fits(invoke("check", "--month", "2026-05", "--pack", pack, "--workspace", ws,
                               "--skills", "je.*"))
    rows = [line.split() for line in lines if line.startswith("je.")]
    assert ["je.closed_period_postings", "UK01", "skipped", "0"] in [r[:4] for r in rows]
    assert {r[0] for r in rows} >= {"je.abnormal_balances", "je.closed_period_postings", "je.trial_balance"}


@pytest.fixture
def queue(tmp_path):
    """A queue whose run left its results.json (with the catalog's currencies) behind."""
    high = skill(LONG_SKILL, "UK01", amount="1234567.89")
    low = skill("je.cutoff", "US01", amount="12.00")
    low["findings"][0]["severity"] = "low"
    doc = make_doc(sections=[section("executive_summary")], skills=[low, high, skill("recon.bank", None)])
    doc["catalog"] = {"reporting_currency": "USD",
                      "entities": {"US01": {"currency": "USD"}, "UK01": {"currency": "GBP"}}}
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    ws = tmp_path / "ws"
    queue_run(doc, workspace=ws, user="ana", pack_path="p", out_dir=out)
    return str(ws)


def test_review_list_shows_severity_amount_and_currency_riskiest_first(queue):
    lines = assert_fits(invoke("review", "list", "--workspace", queue, "--month", "2026-05"))
    assert lines[0].split() == ["id", "sev", "amount", "skill/section", "entity", "status"]
    rows = [line.split() for line in lines if line.startswith("R-")]
    assert [r[:4] for r in rows] == [["R-0003", "high", "1,234,567.89", "GBP"],
                                     ["R-0004", "high", "125.00", "USD"],
                                     ["R-0002", "low", "12.00", "USD"],
                                     ["R-0001", "executive_summary", "group", "pending"]]
    # A skill id wider than the room left folds onto a second line, every character kept.
    assert rows[0][5:7] == ["UK01", "pending"] and rows[0][4] + lines[3].strip() == LONG_SKILL
    assert rows[1][4:6] == ["recon.bank", "group"]
    assert lines[-1] == "2026-05: 0 of 4 approved (0.0%)"
    wide = invoke("review", "list", "--workspace", queue, columns=160).splitlines()
    assert wide[0].split()[-2:] == ["v", "preparer"] and LONG_SKILL in wide[2]


def test_a_terminal_too_narrow_for_the_columns_gets_one_field_a_line(queue):
    lines = assert_fits(invoke("review", "list", "--workspace", queue, "--month", "2026-05", columns=50), 50)
    fields = [line.split()[:2] for line in lines if line.split()[:1] == ["id"]]
    assert fields == [["id", "R-0003"], ["id", "R-0004"], ["id", "R-0002"], ["id", "R-0001"]]
    assert ["amount", "1,234,567.89", "GBP"] in [line.split() for line in lines]


def test_review_list_json_only_gains_fields(queue):
    items = json.loads(invoke("review", "list", "--workspace", queue, "--json"))
    assert [i["id"] for i in items] == ["R-0001", "R-0002", "R-0003", "R-0004"]   # the queue's order
    assert {"id", "month", "kind", "key", "title", "version", "status", "state", "stale", "stale_approvals",
            "unverified", "preparer", "run_id", "pack", "content_sha256", "queued_at", "decided_by",
            "decided_at"} <= set(items[0])
    assert (items[2]["severity"], items[2]["amount"], items[2]["currency"]) == ("high", "1234567.89", "GBP")
    assert (items[0]["severity"], items[0]["amount"], items[0]["currency"]) == (None, None, None)


def test_users_list_fits(tmp_path, monkeypatch):
    from close.review.store import connect
    from tests.support.people import add_people, cheap_hashing

    cheap_hashing(monkeypatch)
    con = connect(tmp_path / "ws")
    add_people(con, {"carol": "controller", "maximilian.von-lichtenstein-hohenberg": "reviewer"})
    con.close()
    lines = assert_fits(invoke("users", "list", "--workspace", str(tmp_path / "ws")))
    assert lines[0].split() == ["name", "role", "state"]
    assert ["maximilian.von-lichtenstein-hohenberg", "reviewer", "active"] in [line.split() for line in lines]
    assert "added" in invoke("users", "list", "--workspace", str(tmp_path / "ws"), columns=160).splitlines()[0]
