"""The server keeps one connection to the books, and follows the pack when it changes."""
from __future__ import annotations

from close.mcp import Books
from close.mcp.tools import CloseTools
from tests.support.books import mini_books


def test_books_reload_when_the_pack_changes(tmp_path):
    pack = mini_books().write(tmp_path / "pack")
    books = Books(pack, tmp_path / "ws")
    tools = CloseTools(books)
    try:
        first = tools.show_ref("journal_lines:JE-3")
        assert [(r["line_no"], r["debit"], r["credit"]) for r in first["rows"]] == [
            (1, "250.50", "0.00"), (2, "0.00", "250.50")]
        tools.run_close("2026-05")
        assert "2026-05" in books.closes
        with books.opened() as (con_before, info_before):
            pass
        with books.opened() as (con_again, _):
            assert con_again is con_before  # unchanged books: the same connection

        edited = mini_books()
        for row in edited.lines:
            if row["je_id"] == "JE-3":
                row["debit"], row["credit"] = ("1250.50", "0.00") if row["line_no"] == 1 else ("0.00", "1250.50")
        edited.write(pack)

        second = tools.show_ref("journal_lines:JE-3")
        assert [(r["debit"], r["credit"]) for r in second["rows"]] == [("1250.50", "0.00"), ("0.00", "1250.50")]
        with books.opened() as (_, info_after):
            assert info_after.sha256 != info_before.sha256
        assert books.closes == {}  # results of the old books are not served for the new
    finally:
        books.close()


def test_review_queue_without_a_store_is_empty_and_creates_none(tmp_path):
    pack = mini_books().write(tmp_path / "pack")
    books = Books(pack, tmp_path / "ws")
    try:
        assert CloseTools(books).review_queue("2026-05")["items"] == []
        assert not (tmp_path / "ws" / "review.sqlite").exists()
    finally:
        books.close()
