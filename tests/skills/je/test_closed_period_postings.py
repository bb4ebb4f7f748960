from decimal import Decimal

from tests.support.books import refs_of

LINES = [("6000", "310.00", "0"), ("2100", "0", "310.00")]


def closed_march_and_april(books):
    books.add("periods", ("US01", "2026-03", "closed", "2026-04-08 17:00:00"),
              ("US01", "2026-04", "closed", "2026-05-07 17:00:00"),
              ("US01", "2026-05", "open", None))


def test_entry_created_in_may_into_closed_march_is_found(books):
    closed_march_and_april(books)
    books.entry("JE-LATE", "2026-03-20", LINES, created_at="2026-05-12 09:30:00")
    result = books.run("je.closed_period_postings")
    assert refs_of(result) == [["journal_lines:JE-LATE", "periods:US01/2026-03"]]
    assert result.findings[0].amount == Decimal("310.00")


def test_entries_created_before_the_close_pass(books):
    closed_march_and_april(books)
    books.entry("JE-1", "2026-04-30", LINES, created_at="2026-05-07 16:59:59")
    books.entry("JE-2", "2026-05-04", LINES, created_at="2026-05-04 10:00:00")
    assert books.run("je.closed_period_postings").status == "pass"


def test_late_entry_belongs_to_the_month_it_was_created(books):
    closed_march_and_april(books)
    books.entry("JE-LATE", "2026-04-30", LINES, created_at="2026-06-02 08:00:00")
    assert books.run("je.closed_period_postings").status == "pass"
    assert refs_of(books.run("je.closed_period_postings", month="2026-06")) == [
        ["journal_lines:JE-LATE", "periods:US01/2026-04"]]


def test_closed_period_without_timestamp_and_other_entities(books):
    books.add("periods", ("US01", "2026-02", "closed", None),
              ("UK01", "2026-03", "closed", "2026-04-08 17:00:00"))
    books.entry("JE-1", "2026-02-27", LINES, created_at="2026-05-03 08:00:00")
    books.entry("JE-2", "2026-03-27", LINES, created_at="2026-05-03 08:00:00")  # US March open
    books.entry("JE-3", "2026-03-27", LINES, created_at="2026-05-03 08:00:00", entity="UK01")
    assert refs_of(books.run("je.closed_period_postings")) == [["journal_lines:JE-1", "periods:US01/2026-02"]]
    assert refs_of(books.run("je.closed_period_postings", entity="UK01")) == [["journal_lines:JE-3", "periods:UK01/2026-03"]]


def test_without_periods_file_the_skill_is_skipped(books):
    books.entry("JE-1", "2026-05-04", LINES)
    result = books.run("je.closed_period_postings")
    assert result.status == "skipped" and "periods.csv" in result.summary


def test_untimed_close_leaves_the_next_month_for_month_end_work(books):
    """periods.csv closes April without closed_at: April's accruals keyed on 4 May are
    month-end work, not late postings; a line dated in March keyed in May is late."""
    books.add("periods", ("US01", "2026-03", "closed", None), ("US01", "2026-04", "closed", None),
              ("US01", "2026-05", "open", None))
    books.entry("JE-ACCR", "2026-04-30", LINES, created_at="2026-05-04 09:00:00")
    assert books.run("je.closed_period_postings").status == "pass"
    books.entry("JE-LATE", "2026-03-31", LINES, created_at="2026-05-04 09:00:00")
    assert refs_of(books.run("je.closed_period_postings")) == [["journal_lines:JE-LATE", "periods:US01/2026-03"]]
