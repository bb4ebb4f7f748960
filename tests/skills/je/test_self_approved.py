from decimal import Decimal

from je_books import refs_of

LINES = [("6000", "700.00", "0"), ("6100", "300.00", "0"), ("1000", "0", "1000.00")]


def test_preparer_approving_own_entry_is_found_with_total_debits(books):
    books.entry("JE-1", "2026-05-04", LINES, preparer="alice", approver="bob")
    books.entry("JE-2", "2026-05-05", LINES, preparer="alice", approver=" Alice ")
    result = books.run("je.self_approved")
    assert refs_of(result) == [["journal_lines:JE-2"]]
    assert result.findings[0].amount == Decimal("1000.00")
    assert result.findings[0].severity == "medium"


def test_blank_approver_is_not_self_approval(books):
    books.entry("JE-1", "2026-05-04", LINES, preparer="alice", approver=None)
    assert books.run("je.self_approved").status == "pass"


def test_other_months_and_entities_are_ignored(books):
    books.entry("JE-1", "2026-04-30", LINES, preparer="alice", approver="alice")
    books.entry("JE-2", "2026-05-04", LINES, preparer="carl", approver="carl", entity="UK01")
    assert books.run("je.self_approved").status == "pass"


def test_severity_follows_the_threshold(books):
    books.entry("JE-1", "2026-05-04", LINES, preparer="alice", approver="alice")
    assert books.run("je.self_approved", high_severity_from="1000.00").findings[0].severity == "high"
    assert books.run("je.self_approved", high_severity_from="1000.01").findings[0].severity == "medium"
