"""skills/stmt/translation.py: the one translation the consolidation and the review share.

The consolidated income statement (stmt.consolidation) and the review's group series
(close.mfr, through skills/close/_group_figures.py) both translate with `at_average` and
eliminate with `eliminated_in_group`; `group_pnl` over a month must be the consolidated
month's exact figure, so rounding it once gives the statement's figure to the cent.
"""
from decimal import Decimal

from close.fx import FxRates
from close.periods import parse_month
from close.skill import Entity
from close.statements import build_income_statement
from skills.stmt import translation
from skills.stmt.consolidated import consolidate
from tests.support.books import statement_books

MAY, APRIL = parse_month("2026-05"), parse_month("2026-04")


def two_entity_group():
    """US01 (USD) charges UK01 (GBP) a fee each month; UK01 sells to outsiders. Rates with
    many decimals so an early rounding would show."""
    b = statement_books()
    b.entity("US01")
    b.entity("UK01", currency="GBP", country="GB", parent_id="US01", ownership_pct="100")
    b.rate("2025-12-31", "GBP", "USD", "closing", "1.2")
    for month, avg in ((1, "1.23457"), (2, "1.24681"), (3, "1.25913"), (4, "1.26111"), (5, "1.27333")):
        day = parse_month(f"2026-0{month}").last_day.isoformat()
        b.rate(day, "GBP", "USD", "average", avg)
        b.rate(day, "GBP", "USD", "closing", avg)
        b.post("UK01", day, [("1100", "1000.37"), ("4000", "-1000.37")])
        b.post("UK01", day, [("6300", "333.33"), ("2150", "-333.33")], counterparty="US01")
        b.post("US01", day, [("1150", "421.21"), ("4100", "-421.21")], counterparty="UK01")
        b.post("UK01", day, [("6000", "12.345"), ("1000", "-12.345")])
    b.post("UK01", "2026-01-01", [("1000", "5000"), ("3000", "-5000")])
    b.post("US01", "2026-01-01", [("1000", "9000"), ("3000", "-9000")])
    entities = [Entity(r[0], r[0], r[1], r[2], r[3], r[4]) for r in b.con.execute(
        "SELECT entity_id, functional_currency, country, parent_id, ownership_pct "
        "FROM entities ORDER BY entity_id DESC").fetchall()]
    return b, FxRates.from_connection(b.con, "USD"), entities


def test_eliminated_in_group_is_trading_toward_another_group_entity():
    ids = {"US01", "UK01"}
    assert translation.eliminated_in_group("UK01", "intercompany_revenue", "US01", ids)
    assert translation.eliminated_in_group("US01", "intercompany_expense", "UK01", ids)
    assert not translation.eliminated_in_group("UK01", "intercompany_revenue", "UK01", ids)
    assert not translation.eliminated_in_group("UK01", "intercompany_revenue", "C-0042", ids)
    assert not translation.eliminated_in_group("UK01", "revenue", "US01", ids)
    assert not translation.eliminated_in_group("UK01", "intercompany_revenue", None, ids)


def test_group_pnl_is_the_consolidated_income_statement_exactly():
    books, fx, entities = two_entity_group()
    group = consolidate(books.con, fx, entities, MAY, 1, "USD")
    assert not group.missing_rates
    inc = build_income_statement(group.accounts, ("mtd", "ytd"))
    rows = translation.pnl_rows(books.con, parse_month("2026-01"), MAY.last_day,
                                {e.id for e in entities})
    currency = {e.id: e.functional_currency for e in entities}

    def rate(entity_id, month):
        return fx.rate(currency[entity_id], "USD", month, "average")

    may, missing = translation.group_pnl(rows, {MAY}, "net_income", rate)
    assert missing == []
    assert may == inc.total("net_income", "mtd")                       # exact, unrounded
    ytd, _ = translation.group_pnl(rows, {parse_month(f"2026-0{i}") for i in range(1, 6)},
                                   "net_income", rate)
    assert ytd == inc.total("net_income", "ytd")
    revenue, _ = translation.group_pnl(rows, {MAY}, "revenue", rate)
    assert revenue == inc.total("revenue", "mtd")
    assert any(r.eliminated_with for r in rows)


def test_a_missing_average_rate_names_the_entity_and_month():
    books, fx, _ = two_entity_group()
    rows = translation.pnl_rows(books.con, APRIL, MAY.last_day, {"US01", "UK01"})

    def rate(entity_id, month):
        return None if (entity_id, month) == ("UK01", APRIL) else Decimal("1")

    figure, missing = translation.group_pnl(rows, {APRIL, MAY}, "revenue", rate)
    assert figure is None and missing == [("UK01", APRIL)]


def test_a_shared_read_cut_at_an_earlier_month_translates_as_its_own_read():
    """Through the skill's context the monthly read is made once, through the close's
    month, and cut at the month translated: the same translation as a read of its own."""
    from close.memo import ReadMemo
    from close.skill import Context
    from skills.stmt.fx_translation import SKILL

    books, fx, entities = two_entity_group()
    memo = ReadMemo()
    ctx = Context(skill=SKILL, con=books.con, month=MAY, entity=None, params={}, deps={},
                  pack=books.pack(), fx=fx, memo=memo)
    for month in (MAY, APRIL, parse_month("2025-12")):
        for entity in entities:
            shared = translation.translate(books.con, fx, entity, month, 1, "USD", ctx=ctx)
            own = translation.translate(books.con, fx, entity, month, 1, "USD")
            assert shared.accounts == own.accounts and shared.cta == own.cta, (month, entity.id)
    assert len(memo._entries) == len(entities)     # one read per entity, through May
