from decimal import Decimal

from tests.support.books import refs_of

from skills.je.suspense_balance import open_items


def park(books, je, day, amount, entity="US01"):
    books.entry(je, day, [("1990", amount, "0"), ("1000", "0", amount)], entity=entity)


def clear(books, je, day, amount):
    books.entry(je, day, [("6000", amount, "0"), ("1990", "0", amount)])


def test_cleared_suspense_passes(books):
    park(books, "JE-1", "2026-05-03", "500.00")
    clear(books, "JE-2", "2026-05-20", "500.00")
    result = books.run("je.suspense_balance")
    assert result.status == "pass"
    assert result.metrics["balances"] == {"1990": Decimal("0.00")}


def test_open_balance_names_the_entries_left_open(books):
    park(books, "JE-1", "2026-05-03", "500.00")
    clear(books, "JE-2", "2026-05-20", "500.00")
    park(books, "JE-3", "2026-05-21", "812.34")
    result = books.run("je.suspense_balance")
    assert refs_of(result) == [["journal_lines:JE-3", "accounts:1990"]]
    assert result.findings[0].amount == Decimal("812.34")


def test_balance_is_cumulative_and_stops_at_month_end(books):
    park(books, "JE-APR", "2026-04-10", "100.00")
    clear(books, "JE-JUN", "2026-06-02", "100.00")
    result = books.run("je.suspense_balance")
    assert refs_of(result) == [["journal_lines:JE-APR", "accounts:1990"]]
    assert books.run("je.suspense_balance", month="2026-06").status == "pass"


def test_credit_suspense_and_other_entities(books):
    books.entry("JE-1", "2026-05-03", [("6000", "75.00", "0"), ("1991", "0", "75.00")])
    park(books, "JE-UK", "2026-05-03", "10.00", entity="UK01")
    result = books.run("je.suspense_balance")
    assert refs_of(result) == [["journal_lines:JE-1", "accounts:1991"]]
    assert "credit balance of 75.00" in result.findings[0].message


def test_partial_clearing_leaves_the_oldest_item_partly_open():
    def e(je, day, net):
        return {"je_id": je, "posting_date": day, "created_at": day, "net": Decimal(net)}
    items = open_items([e("A", "2026-05-01", "100"), e("B", "2026-05-02", "40"),
                        e("C", "2026-05-03", "-120"), e("D", "2026-05-04", "-40")])
    # D reverses B exactly; C clears A (100) and nothing else is left to clear
    assert [(i["je_id"], i["open"]) for i in items] == [("C", Decimal("-20"))]
    items = open_items([e("A", "2026-05-01", "100"), e("B", "2026-05-02", "50"),
                        e("C", "2026-05-03", "-120")])
    assert [(i["je_id"], i["open"]) for i in items] == [("B", Decimal("30"))]
    assert sum(i["open"] for i in items) == Decimal("30")
