from decimal import Decimal

from tests.support.books import refs_of


def test_pair_seen_often_passes_and_a_new_pair_is_found(books):
    books.open_books()
    for month in ("2025-10", "2025-12", "2026-02"):
        books.entry(f"RENT-{month}", f"{month}-01", [("6000", "900.00", "0"), ("1000", "0", "900.00")])
    books.entry("RENT-MAY", "2026-05-01", [("6000", "900.00", "0"), ("1000", "0", "900.00")])
    books.entry("ODD", "2026-05-20", [("1500", "4000.00", "0"), ("4000", "0", "4000.00")])
    result = books.run("je.rare_account_pairs")
    assert refs_of(result) == [["journal_lines:ODD", "accounts:1500", "accounts:4000"]]
    assert result.findings[0].amount == Decimal("4000.00")


def test_pairs_are_every_debit_times_every_credit(books):
    books.open_books()
    for month in ("2026-01", "2026-02", "2026-03"):
        books.entry(f"A-{month}", f"{month}-05", [("6000", "10.00", "0"), ("1000", "0", "10.00")])
        books.entry(f"B-{month}", f"{month}-05", [("6100", "10.00", "0"), ("2000", "0", "10.00")])
    # 6000/1000 and 6100/2000 are common, but 6000/2000 and 6100/1000 are new
    books.entry("MIX", "2026-05-05", [("6000", "10.00", "0"), ("6100", "10.00", "0"),
                                      ("1000", "0", "10.00"), ("2000", "0", "10.00")])
    result = books.run("je.rare_account_pairs")
    assert refs_of(result)[0][0] == "journal_lines:MIX"
    assert "Dr 6000 / Cr 2000" in result.findings[0].message
    assert "Dr 6100 / Cr 1000" in result.findings[0].message
    assert "Dr 6000 / Cr 1000" not in result.findings[0].message


def test_history_window_and_threshold(books):
    books.open_books()
    for month in ("2025-04", "2025-06", "2025-08"):  # 2025-04 is outside the 12 months
        books.entry(f"R-{month}", f"{month}-01", [("6000", "900.00", "0"), ("1000", "0", "900.00")])
    books.entry("R-MAY", "2026-05-01", [("6000", "900.00", "0"), ("1000", "0", "900.00")])
    assert books.run("je.rare_account_pairs").status == "exceptions"
    assert books.run("je.rare_account_pairs", min_occurrences=2).status == "pass"
    assert books.run("je.rare_account_pairs", lookback_months=13).status == "pass"


def test_only_manual_entries_by_default_and_per_entity(books):
    books.open_books()
    books.open_books("UK01")
    books.entry("AP-1", "2026-05-05", [("1500", "50.00", "0"), ("2000", "0", "50.00")], source="ap")
    for month in ("2026-01", "2026-02", "2026-03"):
        books.entry(f"UK-{month}", f"{month}-05", [("6000", "1.00", "0"), ("1000", "0", "1.00")], entity="UK01")
    books.entry("US-1", "2026-05-05", [("6000", "1.00", "0"), ("1000", "0", "1.00")])
    result = books.run("je.rare_account_pairs")
    assert refs_of(result) == [["journal_lines:US-1", "accounts:1000", "accounts:6000"]]
    assert len(books.run("je.rare_account_pairs", sources="all").findings) == 2


def test_young_books_are_skipped_not_flooded(books):
    """Books opening on 1 April 2025: for May 2026 the 12 months before (from May 2025) are
    all there; for August 2025 they are not, and a monthly pair seen only in April-July
    is merely new to the books, not rare."""
    books.open_books(day="2025-04-01")
    for month in ("2025-04", "2025-05", "2025-06", "2025-07", "2025-08"):
        books.entry(f"RENT-{month}", f"{month}-03", [("6000", "900.00", "0"), ("1000", "0", "900.00")])
    young = books.run("je.rare_account_pairs", month="2025-08")
    assert young.status == "skipped" and young.findings == []
    assert "2025-04" in young.summary and "lookback_months = 4" in young.summary
    # with the history there is, a controller can still ask for the test
    assert books.run("je.rare_account_pairs", month="2025-08", lookback_months=4).status == "pass"
    books.entry("ODD", "2026-05-20", [("1500", "4000.00", "0"), ("4000", "0", "4000.00")])
    assert refs_of(books.run("je.rare_account_pairs"))[0][0] == "journal_lines:ODD"


def test_rare_pair_in_yen(books):
    books.entities.append(("JP01", "Acme KK", "JPY", "JP", "US01", "70"))
    books.open_books("JP01", amount="1000000")
    books.entry("ODD", "2026-05-20", [("6100", "187350", "0"), ("6000", "0", "187350")], entity="JP01")
    result = books.run("je.rare_account_pairs", entity="JP01")
    assert format(result.findings[0].amount, "f") == "187350"
    assert "187350 JPY" in result.findings[0].message
