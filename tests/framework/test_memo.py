"""close.memo and Context.shared_rows: a read several skills make alike, made once."""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest

from close.memo import ReadMemo


def test_threads_asking_together_compute_once_and_get_their_own_copies():
    memo, calls, start = ReadMemo(), [], threading.Barrier(4)

    def compute():
        calls.append(1)
        time.sleep(0.05)
        return [{"account_id": "1000", "amount": 1}]

    got = []

    def ask():
        start.wait()
        got.append(memo.rows(("q", ()), compute))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert got == [[{"account_id": "1000", "amount": 1}]] * 4
    got[0][0]["amount"] = 99                  # one caller's change is its own
    assert memo.rows(("q", ()), compute) == [{"account_id": "1000", "amount": 1}]


def test_a_failed_read_is_not_kept():
    memo, attempts = ReadMemo(), []

    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("connection lost")
        return [{"n": 1}]

    with pytest.raises(RuntimeError):
        memo.rows(("q", ()), flaky)
    assert memo.rows(("q", ()), flaky) == [{"n": 1}]


def test_shared_rows_key_on_the_bound_values():
    """Two entities' trial balances are two reads; the same entity's again is none."""
    from close.ledger import trial_balance
    from close.periods import parse_month
    from close.runner import load_entities
    from close.skill import Context
    from skills.je.trial_balance import SKILL
    from tests.support.books import statement_books

    books = statement_books()
    books.entity("US01")
    books.entity("UK01", currency="GBP", country="GB")
    books.post("US01", "2026-05-03", [("1000", "10.00"), ("4000", "-10.00")])
    books.post("UK01", "2026-05-03", [("1000", "7.00"), ("4000", "-7.00")])
    con, pack = books.connect()
    memo, computed = ReadMemo(), []
    real = memo.rows
    memo.rows = lambda key, compute: real(key, lambda: computed.append(key) or compute())
    entities = {e.id: e for e in load_entities(con)}

    def context(entity_id):
        return Context(skill=SKILL, con=con, month=parse_month("2026-05"), entity=entities[entity_id],
                       params={}, deps={}, pack=pack, fx=None, memo=memo)

    first, again, other = (trial_balance(context("US01")), trial_balance(context("US01")),
                           trial_balance(context("UK01")))
    assert first == again != other
    assert [r["closing"] for r in first if r["account_id"] == "1000"] == [Decimal("10.00")]
    assert len(computed) == 2
    # outside a close (no memo) the same call reads the books each time
    plain = Context(skill=SKILL, con=con, month=parse_month("2026-05"), entity=entities["US01"],
                    params={}, deps={}, pack=pack, fx=None)
    assert trial_balance(plain) == first


def test_shared_rows_take_a_list_of_values():
    """A shared read may bind a list (the tax accounts it covers): the same list is the
    same read, another list another one."""
    from close.periods import parse_month
    from close.runner import load_entities
    from close.skill import Context
    from skills.je.trial_balance import SKILL
    from tests.support.books import statement_books

    books = statement_books()
    books.entity("US01")
    books.post("US01", "2026-05-03", [("1000", "10.00"), ("4000", "-10.00")])
    con, pack = books.connect()
    memo, computed = ReadMemo(), []
    real = memo.rows
    memo.rows = lambda key, compute: real(key, lambda: computed.append(key) or compute())
    ctx = Context(skill=SKILL, con=con, month=parse_month("2026-05"), entity=load_entities(con)[0],
                  params={}, deps={}, pack=pack, fx=None, memo=memo)
    sql = ("SELECT account_id, CAST(SUM(debit - credit) AS DECIMAL(18,2)) AS amount FROM journal_lines "
           "WHERE account_id IN (SELECT unnest(CAST($accounts AS VARCHAR[]))) GROUP BY account_id ORDER BY account_id")
    both = ctx.shared_rows(sql, accounts=["1000", "4000"])
    assert both == ctx.shared_rows(sql, accounts=["1000", "4000"])
    assert ctx.shared_rows(sql, accounts=["1000"]) == [{"account_id": "1000", "amount": Decimal("10.00")}]
    assert [r["amount"] for r in both] == [Decimal("10.00"), Decimal("-10.00")]
    assert len(computed) == 2
