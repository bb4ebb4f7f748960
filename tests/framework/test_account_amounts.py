"""close.statements.account_amounts: whole-month windows are summed from the shared
monthly read; the figures and accounts are those of the line-by-line sums."""
from __future__ import annotations

import random
from datetime import date

import pytest

from close.memo import ReadMemo
from close.periods import parse_month
from close.runner import load_entities
from close.skill import Context
from close.statements import EPOCH, account_amounts
from skills.stmt.balance_sheet import SKILL
from tests.support.books import statement_books

ACCOUNTS = ("1000", "1100", "2000", "3000", "4000", "5000", "6100")
DAYS = [date(2025, 1, 1), date(2025, 6, 30), date(2025, 12, 31), date(2026, 1, 1),
        date(2026, 3, 15), date(2026, 4, 30), date(2026, 5, 1), date(2026, 5, 31), date(2026, 6, 1)]


def random_books(seed):
    rng = random.Random(seed)
    books = statement_books()
    books.entity("US01")
    for _ in range(40):
        a, b = rng.sample(ACCOUNTS, 2)
        amount = f"{rng.randint(1, 500000) / 100:.2f}"
        books.post("US01", rng.choice(DAYS).isoformat(), [(a, amount), (b, f"-{amount}")])
    books.post("US01", "2024-02-10", [("6100", "3.00"), ("1000", "-3.00")])   # only before the windows
    return books.connect()


@pytest.mark.parametrize("seed", range(8))
def test_whole_months_from_the_monthly_read_equal_the_line_sums(seed):
    con, pack = random_books(seed)
    entity = load_entities(con)[0]
    month = parse_month("2026-05")
    windows = {"mtd": (date(2026, 5, 1), date(2026, 5, 31)), "ytd": (date(2026, 1, 1), date(2026, 5, 31)),
               "prior": (date(2026, 4, 1), date(2026, 4, 30)), "bal": (EPOCH, date(2026, 5, 31)),
               "last_year": (date(2025, 1, 1), date(2025, 12, 31))}
    narrow = {"mtd": windows["mtd"], "prior": windows["prior"]}
    for chosen in (windows, narrow):
        shared = Context(skill=SKILL, con=con, month=month, entity=entity, params={}, deps={},
                         pack=pack, fx=None, memo=ReadMemo())
        by_months = account_amounts(shared, chosen)
        # a window that is not whole months takes the line-by-line query: shift one day
        # in and out again to get the reference from it
        plain = Context(skill=SKILL, con=con, month=month, entity=entity, params={}, deps={},
                        pack=pack, fx=None)
        reference = account_amounts(plain, {**chosen, "one_day": (date(2026, 5, 2), date(2026, 5, 2))})
        for acc in reference:
            del acc.amounts["one_day"]
        assert [(a.account_id, a.name, a.type, a.subtype, a.statement_line) for a in by_months] == \
               [(a.account_id, a.name, a.type, a.subtype, a.statement_line) for a in reference]
        assert [{k: str(v) for k, v in a.amounts.items()} for a in by_months] == \
               [{k: str(v) for k, v in a.amounts.items()} for a in reference]
