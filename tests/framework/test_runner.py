"""The runner: dependency order, skipped and errored skills, parameters, determinism."""
from decimal import Decimal

import pytest

from close.config import Config, ConfigError
from close.pack import load_pack
from close.periods import parse_month
from close.registry import Registry
from close.results import dumps, outcome_to_dict
from close.runner import UsageError, run_close
from close.skill import MATERIALITY, Money, Skill, SkillError
from tests.support.books import mini_books

import duckdb

MAY = parse_month("2026-05")


@pytest.fixture
def books(tmp_path):
    pack = mini_books().write(tmp_path / "pack")
    info = load_pack(pack, tmp_path / "ledger.duckdb")
    con = duckdb.connect(str(tmp_path / "ledger.duckdb"), read_only=True)
    yield con, info
    con.close()


def skill(skill_id, run, **kw):
    return Skill(id=skill_id, title=skill_id, description="test", run=run, **kw)


def boom(ctx):
    raise SkillError("rate missing for GBP")


def threshold(ctx):
    return ctx.result(metrics={"threshold": ctx.params["threshold"]})


def count_lines(ctx):
    rows = ctx.rows("SELECT COUNT(*) AS n FROM journal_lines WHERE entity_id = $entity_id"
                    " AND posting_date BETWEEN $month_start AND $month_end")
    return ctx.result(metrics={"lines": rows[0]["n"]})


def test_statuses_skip_error_and_dependants(books):
    con, info = books
    registry = Registry([
        skill("je.lines", count_lines, needs=("journal_lines",)),
        skill("recon.bank_like", count_lines, needs=("bank_transactions",)),
        skill("je.boom", boom),
        skill("je.after_boom", count_lines, depends=("je.boom",)),
    ])
    outcome = run_close(con, info, MAY, registry=registry)
    by = {(r.skill_id, r.entity_id): r for r in outcome.results}
    assert by[("je.lines", "US01")].status == "pass"
    assert by[("je.lines", "US01")].metrics == {"lines": 2}
    skipped = by[("recon.bank_like", "UK01")]
    assert skipped.status == "skipped"
    assert skipped.summary == "needs bank_transactions.csv, which the pack does not have"
    assert by[("je.boom", "US01")].status == "error"
    assert by[("je.boom", "US01")].summary == "SkillError: rate missing for GBP"
    assert by[("je.after_boom", "UK01")].status == "skipped"
    assert "je.boom, which errored" in by[("je.after_boom", "UK01")].summary


def test_a_used_skill_runs_first_and_its_failure_does_not_block(books):
    """`uses=`: read when there, never a blocker; `depends=`: a failure skips the dependant.
    Selecting the user brings in what it uses, and each input is computed once."""
    con, info = books
    seen = []

    def reader(ctx):
        seen.append({k: (v.status if v is not None else None) for k, v in ctx.deps.items()})
        return ctx.result(metrics={"lines": ctx.deps["je.lines"].metrics["lines"]})

    registry = Registry([
        skill("je.lines", count_lines),
        skill("je.boom", boom),
        skill("recon.reader", reader, depends=("je.lines",), uses=("je.boom",)),
    ])
    outcome = run_close(con, info, MAY, registry=registry, skill_patterns=["recon.reader"])
    assert [s.id for s in outcome.skills] == ["je.boom", "je.lines", "recon.reader"]
    assert outcome.result("recon.reader", "US01").status == "pass"
    assert seen[0] == {"je.lines": "pass", "je.boom": "error"}


def test_materiality_default_is_converted_to_the_entity_currency(books):
    con, info = books
    registry = Registry([skill("je.t", threshold, params={"threshold": Money(MATERIALITY)})])
    outcome = run_close(con, info, MAY, registry=registry)
    values = {r.entity_id: r.metrics["threshold"] for r in outcome.results}
    assert values["US01"] == Decimal("500.00")
    assert values["UK01"] == Decimal("390.63")  # 500 / 1.28, rounded half away from zero


def test_close_toml_overrides_per_skill_and_per_entity(books):
    con, info = books
    registry = Registry([skill("je.t", threshold, params={"threshold": Money("100.00")})])
    config = Config({"skills": {"je.t": {"threshold": "200.00"}},
                     "entities": {"UK01": {"skills": {"je.t": {"threshold": "300.00"}}}}})
    outcome = run_close(con, info, MAY, registry=registry, config=config)
    values = {r.entity_id: r.metrics["threshold"] for r in outcome.results}
    assert values == {"US01": Decimal("200.00"), "UK01": Decimal("300.00")}


def test_close_toml_with_unknown_parameter_is_refused(books):
    con, info = books
    registry = Registry([skill("je.t", threshold, params={"threshold": Money("100.00")})])
    with pytest.raises(ConfigError, match="no parameter 'treshold'"):
        run_close(con, info, MAY, registry=registry,
                  config=Config({"skills": {"je.t": {"treshold": "1"}}}))


def test_bad_parameter_type_is_a_usage_error(books):
    con, info = books
    registry = Registry([skill("je.t", threshold, params={"threshold": Money("100.00")})])
    with pytest.raises(UsageError, match="je.t parameter 'threshold': 'ten' is not a valid amount"):
        run_close(con, info, MAY, registry=registry, param_overrides={"je.t": {"threshold": "ten"}})


def test_unknown_entity_is_a_usage_error(books):
    con, info = books
    with pytest.raises(UsageError, match="unknown entity 'FR01'"):
        run_close(con, info, MAY, registry=Registry([skill("je.lines", count_lines)]), entity_ids=["FR01"])


def test_group_skill_sees_every_entity_result(books):
    con, info = books

    def total(ctx):
        lines = sum(r.metrics["lines"] for r in ctx.deps["je.lines"])
        return ctx.result(metrics={"lines": lines, "seen": len(ctx.run_results)})

    registry = Registry([skill("je.lines", count_lines),
                         skill("close.total", total, depends=("je.lines",), group=True)])
    outcome = run_close(con, info, MAY, registry=registry)
    group = outcome.result("close.total", None)
    assert group.metrics == {"lines": 4, "seen": 2}


def test_same_books_give_the_same_bytes(books):
    con, info = books
    first = dumps(outcome_to_dict(run_close(con, info, MAY)))
    second = dumps(outcome_to_dict(run_close(con, info, MAY, workers=1)))
    assert first == second
    assert '"id": "je.trial_balance"' in first


def test_month_before_the_books_begin_is_a_usage_error(books):
    con, info = books
    with pytest.raises(UsageError, match="the pack has no books for 2024-12: its journal starts in 2026-04"):
        run_close(con, info, parse_month("2024-12"), registry=Registry([skill("je.lines", count_lines)]))


def test_month_after_the_books_end_is_refused_at_the_edges(books):
    """An empty month past the books' end is not a clean close: the command line and the
    MCP server ask check_month_in_books first. run_close itself still closes it, so a
    skill's test can watch balances carry forward."""
    from close.runner import check_month_in_books

    con, info = books
    last = con.execute("SELECT MAX(posting_date) FROM journal_lines").fetchone()[0]
    after = parse_month(f"{last:%Y-%m}").shift(1)
    with pytest.raises(UsageError, match=f"the pack has no books for {after}: its books end in {last:%Y-%m} "
                                         f"\\(last posting {last:%Y-%m-%d}\\)"):
        check_month_in_books(con, after, info.tables)
    with pytest.raises(UsageError, match="its journal starts in"):
        check_month_in_books(con, parse_month("2001-01"), info.tables)
    check_month_in_books(con, parse_month(f"{last:%Y-%m}"), info.tables)
    assert run_close(con, info, after, registry=Registry([skill("je.lines", count_lines)])).results


def query_threads(ctx):
    return ctx.result(metrics={"threads": ctx.rows("SELECT current_setting('threads') AS n")[0]["n"]})


def test_tasks_side_by_side_query_on_one_thread_each_and_the_setting_is_put_back(books):
    """close.pack.database.one_thread_per_query: while several task threads run, each
    query has one DuckDB thread; the database's setting is what it was afterwards, for
    the group skills and for a task thread alone."""
    con, info = books
    con.execute("SET threads = 2")
    registry = Registry([skill("je.threads", query_threads), skill("close.group_threads", query_threads, group=True)])
    outcome = run_close(con, info, MAY, registry=registry, workers=2)
    seen = {(r.skill_id, r.entity_id): r.metrics["threads"] for r in outcome.results}
    assert {n for (sid, _), n in seen.items() if sid == "je.threads"} == {1}
    assert seen[("close.group_threads", None)] == 2
    assert con.execute("SELECT current_setting('threads')").fetchall() == [(2,)]
    alone = run_close(con, info, MAY, registry=registry, workers=1)
    assert {r.metrics["threads"] for r in alone.results} == {2}
