from decimal import Decimal

from tests.support.books import refs_of

LINES = [("6000", "95.50", "0"), ("2100", "0", "95.50")]


def test_entry_created_more_than_30_days_after_its_date(books):
    books.entry("JE-OLD", "2026-03-31", LINES, created_at="2026-05-01 10:00:00")  # 31 days
    books.entry("JE-OK", "2026-04-01", LINES, created_at="2026-05-01 10:00:00")   # 30 days
    result = books.run("je.backdated_entries")
    assert refs_of(result) == [["journal_lines:JE-OLD"]]
    assert result.findings[0].amount == Decimal("95.50")
    assert result.metrics["longest_lag_days"] == 31
    assert result.findings[0].severity == "medium"


def test_parameter_and_severity(books):
    books.entry("JE-1", "2026-02-01", LINES, created_at="2026-05-05 10:00:00")
    assert books.run("je.backdated_entries").findings[0].severity == "high"
    assert books.run("je.backdated_entries", max_days=120).status == "pass"


def test_timely_entries_and_other_entities_pass(books):
    books.entry("JE-1", "2026-05-31", LINES, created_at="2026-06-03 10:00:00")
    books.entry("JE-2", "2026-03-01", LINES, created_at="2026-05-05 10:00:00", entity="UK01")
    assert books.run("je.backdated_entries").status == "pass"


def test_entry_is_reported_in_the_month_it_was_created(books):
    books.entry("JE-1", "2026-03-01", LINES, created_at="2026-06-05 10:00:00")
    assert books.run("je.backdated_entries").status == "pass"
    assert refs_of(books.run("je.backdated_entries", month="2026-06")) == [["journal_lines:JE-1"]]


def test_lag_is_counted_in_the_entity_country_time_zone(books):
    """created_at carries an offset; the loader keeps UTC. 20:00 in California on 31 May
    is 1 June in UTC: 30 local days after 1 May, within the limit. 08:00 in Tokyo on
    1 June is still 31 May in UTC: 31 local days after 1 May, over it."""
    books.entities.append(("JP01", "Acme KK", "JPY", "JP", "US01", "70"))
    books.entry("JE-US", "2026-05-01", LINES, created_at="2026-06-01 03:00:00")  # 2026-05-31T20:00-07:00
    books.entry("JE-JP", "2026-05-01", [("6000", "95000", "0"), ("2100", "0", "95000")],
                entity="JP01", created_at="2026-05-31 23:00:00")                 # 2026-06-01T08:00+09:00
    assert books.run("je.backdated_entries").status == "pass"
    result = books.run("je.backdated_entries", entity="JP01")
    assert refs_of(result) == [["journal_lines:JE-JP"]]
    assert result.metrics["longest_lag_days"] == 31
    assert format(result.findings[0].amount, "f") == "95000"
