from decimal import Decimal

from je_books import refs_of

RENT = [("6000", "1200.00", "0"), ("1000", "0", "1200.00")]


def test_same_day_same_amount_same_accounts_is_a_duplicate(books):
    books.entry("JE-1", "2026-05-04", RENT, description="May rent")
    books.entry("JE-2", "2026-05-04", RENT, description="Rent May",
                created_at="2026-05-04 15:00:00")
    result = books.run("je.duplicate_entries")
    assert refs_of(result) == [["journal_lines:JE-2", "journal_lines:JE-1"]]
    assert result.findings[0].amount == Decimal("1200.00")


def test_same_description_a_few_days_later_is_a_duplicate(books):
    books.entry("JE-1", "2026-05-04", RENT, description="May rent")
    books.entry("JE-2", "2026-05-09", RENT, description="May rent")
    result = books.run("je.duplicate_entries")
    assert refs_of(result) == [["journal_lines:JE-2", "journal_lines:JE-1"]]


def test_original_in_the_prior_month_within_the_window(books):
    books.entry("JE-1", "2026-04-29", RENT, description="May rent")
    books.entry("JE-2", "2026-05-02", RENT, description="May rent")
    assert refs_of(books.run("je.duplicate_entries")) == [["journal_lines:JE-2", "journal_lines:JE-1"]]
    assert books.run("je.duplicate_entries", window_days=2).status == "pass"


def test_monthly_recurring_entry_is_not_a_duplicate(books):
    books.entry("JE-1", "2026-04-01", RENT, description="Monthly rent")
    books.entry("JE-2", "2026-05-01", RENT, description="Monthly rent")
    assert books.run("je.duplicate_entries").status == "pass"


def test_different_amount_accounts_or_documents_are_not_duplicates(books):
    books.entry("JE-1", "2026-05-04", RENT)
    books.entry("JE-2", "2026-05-04", [("6000", "1200.01", "0"), ("1000", "0", "1200.01")])
    books.entry("JE-3", "2026-05-04", [("6100", "1200.00", "0"), ("1000", "0", "1200.00")])
    books.entry("JE-4", "2026-05-04", [("6000", "1200.00", "0"), ("2000", "0", "1200.00")],
                doc_ref="ap_bills:B-1")
    books.entry("JE-5", "2026-05-04", [("6000", "1200.00", "0"), ("2000", "0", "1200.00")],
                doc_ref="ap_bills:B-2")
    books.entry("JE-6", "2026-05-04", RENT, entity="UK01")
    assert books.run("je.duplicate_entries").status == "pass"


def test_three_copies_report_the_two_later_ones_against_the_first(books):
    for je, hour in (("JE-A", 9), ("JE-B", 10), ("JE-C", 11)):
        books.entry(je, "2026-05-04", RENT, created_at=f"2026-05-04 {hour:02d}:00:00")
    result = books.run("je.duplicate_entries")
    assert sorted(refs_of(result)) == [["journal_lines:JE-B", "journal_lines:JE-A"],
                                       ["journal_lines:JE-C", "journal_lines:JE-A"]]
    assert result.metrics["duplicated_amount"] == Decimal("2400.00")


def test_a_reversal_is_not_a_duplicate(books):
    books.entry("JE-1", "2026-05-04", RENT, description="Accrue rent")
    books.entry("JE-2", "2026-05-04", [("1000", "1200.00", "0"), ("6000", "0", "1200.00")],
                description="Accrue rent")
    assert books.run("je.duplicate_entries").status == "pass"
