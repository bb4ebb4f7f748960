from decimal import Decimal

from tests.support.books import refs_of

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


def test_look_alike_names_are_one_person(books):
    """A Cyrillic а, a zero-width space or full-width letters do not make a second person;
    an accented name is a different one."""
    books.entry("JE-1", "2026-05-04", LINES, preparer="alice", approver="\u0430lice")
    books.entry("JE-2", "2026-05-05", LINES, preparer="alice", approver="al\u200bice")
    books.entry("JE-3", "2026-05-06", LINES, preparer="alice", approver="\uff21LICE")
    books.entry("JE-4", "2026-05-07", LINES, preparer="josé", approver="jose")
    result = books.run("je.self_approved")
    assert refs_of(result) == [["journal_lines:JE-1"], ["journal_lines:JE-2"], ["journal_lines:JE-3"]]
