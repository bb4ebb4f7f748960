from decimal import Decimal

from tests.support.books import refs_of


def test_balanced_books_pass_with_per_account_trial_balance(books):
    books.entry("JE-0", "2026-04-01", [("1000", "1000.00", "0"), ("3000", "0", "1000.00")])
    books.entry("JE-1", "2026-05-04", [("6000", "250.00", "0"), ("1000", "0", "250.00")])
    result = books.run("je.trial_balance")
    assert result.status == "pass"
    accounts = {a["account_id"]: a for a in result.metrics["accounts"]}
    assert accounts["1000"]["opening"] == Decimal("1000.00")
    assert accounts["1000"]["credit"] == Decimal("250.00")
    assert accounts["1000"]["closing"] == Decimal("750.00")
    assert sum(a["closing"] for a in accounts.values()) == Decimal("0")
    assert sum(a["debit"] for a in accounts.values()) == result.metrics["period_debit"]
    assert sum(a["credit"] for a in accounts.values()) == result.metrics["period_credit"]


def test_out_of_balance_names_the_entries(books):
    books.entry("JE-1", "2026-05-04", [("6000", "250.00", "0"), ("1000", "0", "249.00")])
    result = books.run("je.trial_balance")
    assert refs_of(result) == [["journal_lines:JE-1"]]
    assert result.findings[0].amount == Decimal("1.00")
    assert result.metrics["cumulative_difference"] == Decimal("1.00")


def test_yen_trial_balance_is_stated_in_whole_yen(books):
    books.entities.append(("JP01", "Acme KK", "JPY", "JP", "US01", "70"))
    books.entry("JE-1", "2026-05-04", [("6000", "1846370", "0"), ("1000", "0", "1846370")], entity="JP01")
    books.entry("JE-2", "2026-05-05", [("6000", "500", "0"), ("1000", "0", "499")], entity="JP01")
    result = books.run("je.trial_balance", entity="JP01")
    assert format(result.metrics["period_debit"], "f") == "1846870"
    assert format(result.metrics["cumulative_difference"], "f") == "1"
    assert format(result.findings[0].amount, "f") == "1"
    assert "by 1 cumulatively" in result.findings[0].message and "Out of balance by 1 JPY" in result.summary
