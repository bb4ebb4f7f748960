from decimal import Decimal


from tests.support.books import refs_of

LINES = [("6000", "420.00", "0"), ("1000", "0", "420.00")]


def test_weekend_and_national_holiday_entries_are_found(books):
    books.entry("JE-SAT", "2026-05-09", LINES)      # Saturday
    books.entry("JE-MEM", "2026-05-25", LINES)      # Memorial Day (US)
    books.entry("JE-TUE", "2026-05-12", LINES)      # ordinary Tuesday
    result = books.run("je.weekend_holiday_postings")
    assert refs_of(result) == [["journal_lines:JE-MEM"], ["journal_lines:JE-SAT"]]
    assert all(f.amount == Decimal("420.00") for f in result.findings)
    assert "Memorial Day" in result.findings[0].message or "Memorial Day" in result.findings[1].message


def test_holidays_follow_the_entity_country(books):
    books.entry("JE-UK", "2026-05-04", LINES, entity="UK01")   # Early May bank holiday (GB)
    books.entry("JE-US", "2026-05-04", LINES)                  # a normal Monday in the US
    books.entry("JE-DE", "2026-05-14", LINES, entity="DE01")   # Ascension Day (DE)
    assert refs_of(books.run("je.weekend_holiday_postings", entity="UK01")) == [["journal_lines:JE-UK"]]
    assert books.run("je.weekend_holiday_postings").status == "pass"
    assert refs_of(books.run("je.weekend_holiday_postings", entity="DE01")) == [["journal_lines:JE-DE"]]


def test_system_schedules_are_left_out_by_default(books):
    books.entry("JE-DEP", "2026-05-31", LINES, source="fixed_assets")  # Sunday month end
    books.entry("JE-AMO", "2026-05-31", LINES, source="system")
    books.entry("JE-AP", "2026-05-30", LINES, source="ap")  # Saturday
    assert refs_of(books.run("je.weekend_holiday_postings")) == [["journal_lines:JE-AP"]]
    assert refs_of(books.run("je.weekend_holiday_postings", sources="manual")) == []
    result = books.run("je.weekend_holiday_postings", sources="all", month_end_exempt=False)
    assert len(result.findings) == 3
    assert refs_of(books.run("je.weekend_holiday_postings", sources="manual, fixed_assets",
                             month_end_exempt=False)) == [["journal_lines:JE-DEP"]]


def test_every_entry_of_the_tested_sources_is_counted_closed_day_or_not(books):
    books.entry("JE-TUE", "2026-05-12", LINES, source="ap")             # open day
    books.entry("JE-SAT", "2026-05-09", LINES, source="ap")             # closed day
    books.entry("JE-SYS", "2026-05-13", LINES, source="system")         # not tested by default
    books.entry("JE-APR", "2026-04-11", LINES, source="ap")             # another month
    tested = books.run("je.weekend_holiday_postings")
    every = books.run("je.weekend_holiday_postings", sources="all")
    assert refs_of(tested) == [["journal_lines:JE-SAT"]]
    assert every.metrics["entries_checked"] - tested.metrics["entries_checked"] == 1
    assert books.run("je.weekend_holiday_postings", sources="system").metrics["entries_checked"] == 1


def test_country_without_calendar_still_checks_weekends(books):
    books.entities.append(("XX01", "Nowhere", "USD", "XX", "US01", "100"))
    books.entry("JE-SUN", "2026-05-10", LINES, entity="XX01")
    result = books.run("je.weekend_holiday_postings", entity="XX01")
    assert refs_of(result) == [["journal_lines:JE-SUN"]]
    assert "weekends only" in result.summary


def test_subdivision_holidays(books):
    books.entry("JE-1", "2026-05-08", LINES)  # Truman Day, Missouri only
    assert books.run("je.weekend_holiday_postings").status == "pass"
    assert books.run("je.weekend_holiday_postings", subdivision="MO").status == "exceptions"


def test_weekend_follows_the_entity_country(books):
    """Where the weekend is Friday-Saturday, Sunday is a working day and Friday is not."""
    books.entities.append(("IL01", "Acme Israel", "USD", "IL", "US01", "100"))
    books.entry("JE-SUN", "2026-05-10", LINES, entity="IL01")   # Sunday: a working day in IL
    books.entry("JE-FRI", "2026-05-15", LINES, entity="IL01")   # Friday: weekend in IL
    result = books.run("je.weekend_holiday_postings", entity="IL01")
    assert refs_of(result) == [["journal_lines:JE-FRI"]]
    assert "Friday" in result.findings[0].message


def test_golden_week_in_yen(books):
    """Japanese holidays for a JP entity; the amount in whole yen."""
    books.entities.append(("JP01", "Acme KK", "JPY", "JP", "US01", "70"))
    yen = [("6000", "332969", "0"), ("1000", "0", "332969")]
    books.entry("JE-GW", "2026-05-06", yen, entity="JP01")      # substitute holiday, Golden Week
    books.entry("JE-WD", "2026-05-07", yen, entity="JP01")      # an ordinary Thursday
    result = books.run("je.weekend_holiday_postings", entity="JP01")
    assert refs_of(result) == [["journal_lines:JE-GW"]]
    assert format(result.findings[0].amount, "f") == "332969"
    assert format(result.metrics["flagged_amount"], "f") == "332969"


def test_period_end_entries_are_not_off_hours_work(books):
    """31 May 2026 is a Sunday: a month-end accrual dated on the period's last day is the
    period-end date by convention; the Saturday before is an ordinary weekend posting."""
    books.entry("JE-ACR", "2026-05-31", LINES)
    books.entry("JE-SAT", "2026-05-30", LINES)
    result = books.run("je.weekend_holiday_postings")
    assert refs_of(result) == [["journal_lines:JE-SAT"]]
    assert result.metrics["period_end_entries_on_closed_day"] == 1
    assert len(books.run("je.weekend_holiday_postings", month_end_exempt=False).findings) == 2
