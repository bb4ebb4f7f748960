"""Runs a month's close: every skill, every entity, in dependency order.

Per-entity skills run as (skill, entity) tasks on worker threads, each with its own DuckDB
cursor, a task starting as soon as the skills it reads have run for that entity
(close.scheduler). Group skills run afterwards with every entity's results in hand. A skill whose
tables are absent is `skipped`, one that raises is `error`, and the close goes on.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from close.config import Config
from close.fx import FxRates
from close.memo import ReadMemo
from close.pack.database import one_thread_per_query
from close.periods import Month
from close.registry import Registry
from close.scheduler import run_per_entity
from close.skill import MATERIALITY, Context, Entity, Result, Skill

# A task thread per core and one more, each task's queries on one DuckDB thread
# (one_thread_per_query): a task spends part of its time in Python (holding the GIL,
# turning rows into values) and most in DuckDB (which releases it), so the one more
# keeps the cores busy while a task is in Python. On 2 cores, 3 ran a million-line
# month's skills 2% faster than 2 and 4 slower. CLOSE_WORKERS sets another number.
WORKERS = max(2, min(8, (os.cpu_count() or 1) + 1))


class UsageError(ValueError):
    """Bad input at the edge (unknown entity, bad parameter): exit 2 with one line."""


def task_threads() -> int:
    """CLOSE_WORKERS when it is set, else WORKERS; a value that is not a count is refused."""
    raw = os.environ.get("CLOSE_WORKERS", "").strip()
    if not raw:
        return WORKERS
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"CLOSE_WORKERS={raw!r}: expected the number of task threads, 1 or more")
    return int(raw)


@dataclass
class RunOutcome:
    month: Month
    pack: object
    entities: list[Entity]
    skills: list[Skill]
    results: list[Result] = field(default_factory=list)
    # every registered skill on every entity: only such a close can be signed off
    complete: bool = False
    # wall seconds per (skill id, entity id): for `close run --profile`, never in results.json
    seconds: dict = field(default_factory=dict)

    def slowest(self, n: int = 10) -> list[tuple[str, float, int]]:
        """(skill id, seconds summed over entities, results) of the n slowest skills."""
        total: dict[str, list] = {}
        for (skill_id, _), secs in self.seconds.items():
            entry = total.setdefault(skill_id, [0.0, 0])
            entry[0] += secs
            entry[1] += 1
        ranked = sorted(total.items(), key=lambda kv: (-kv[1][0], kv[0]))
        return [(skill_id, secs, count) for skill_id, (secs, count) in ranked[:n]]

    def result(self, skill_id: str, entity_id: str | None) -> Result | None:
        for r in self.results:
            if r.skill_id == skill_id and r.entity_id == entity_id:
                return r
        return None


def load_entities(con) -> list[Entity]:
    rows = con.execute(
        "SELECT entity_id, name, functional_currency, country, parent_id, ownership_pct"
        " FROM entities ORDER BY entity_id"
    ).fetchall()
    return [Entity(r[0], r[1], r[2], r[3], r[4], Decimal(r[5]) if r[5] is not None else None)
            for r in rows]


def _missing_tables(skill: Skill, pack) -> list[str]:
    return [t for t in skill.needs if t not in pack.tables]


def _blocked_by(skill: Skill, deps: dict) -> str | None:
    """A per-entity dependency that errored or was skipped blocks; a group skill gets the
    list over entities and judges for itself (one entity's error must not hide the rest)."""
    for dep_id in skill.depends:
        dep = deps.get(dep_id)
        if isinstance(dep, list):
            continue
        if dep is None:
            return f"depends on {dep_id}, which did not run"
        if dep.status == "error":
            return f"depends on {dep_id}, which errored"
        if dep.status == "skipped":
            return f"depends on {dep_id}, which was skipped"
    return None


def run_skill(skill: Skill, *, con, pack, month: Month, entity: Entity | None, params: dict,
              deps: dict, fx: FxRates, entities=(), run_results=(), group=None,
              installed=(), memo=None) -> Result:
    """One skill for one entity, never raising: problems become `skipped` or `error`."""
    entity_id = entity.id if entity else None
    missing = _missing_tables(skill, pack)
    if missing:
        files = ", ".join(f"{t}.csv" for t in missing)
        return Result(skill.id, entity_id, "skipped", f"needs {files}, which the pack does not have")
    blocked = _blocked_by(skill, deps)
    if blocked:
        return Result(skill.id, entity_id, "skipped", blocked)
    engine = getattr(con, "engine", "duckdb")  # close.engines: Spark's connection names itself
    if engine not in skill.engines:
        return Result(skill.id, entity_id, "skipped",
                      f"declared for {', '.join(skill.engines)} only, not {engine}")
    if group is None:
        group = load_entities(con)
    ctx = Context(skill=skill, con=con, month=month, entity=entity, params=dict(params),
                  deps=deps, pack=pack, fx=fx, entities=tuple(entities),
                  run_results=tuple(run_results), group=tuple(group), installed=tuple(installed),
                  memo=memo)
    try:
        for name, value in ctx.params.items():
            if value is MATERIALITY:
                ctx.params[name] = ctx.materiality
        result = skill.run(ctx)
        if not isinstance(result, Result):
            raise TypeError(f"run() returned {type(result).__name__}, not a Result")
        return result
    except Exception as exc:  # the close goes on; the error is reported on the skill
        message = str(exc) or type(exc).__name__
        return Result(skill.id, entity_id, "error", f"{type(exc).__name__}: {message}")


def resolve_params(skill: Skill, config: Config, entity_id: str | None, overrides: dict) -> dict:
    merged = {**config.skill_params(skill.id, entity_id), **overrides}
    return skill.parse_params(merged)


def _check_month_has_books(con, month: Month) -> None:
    """A month that ends before the books begin is a typo or a pack of the wrong period:
    closing it would report an empty ledger as clean, so say when the books start. (A
    later month with no postings is refused at the edges, check_month_in_books: a skill's
    own tests close such months on purpose, to see balances carry forward.)"""
    first = con.execute("SELECT MIN(posting_date) FROM journal_lines").fetchone()[0]
    if first is not None and month.last_day < first:
        raise UsageError(f"the pack has no books for {month}: its journal starts in {first:%Y-%m}")


def check_month_in_books(con, month: Month, tables=()) -> None:
    """What the command line and the MCP server ask before a close: is the month inside
    the books? Before the first posting is refused, and so is a month after the books
    end, which would come back "pass — all 0 entries balance". The books end at the last
    posting, the last entry made (a backdated entry is found in the month it was made)
    or the last rate given (a pack with a month's closing rate was prepared for it),
    whichever is latest."""
    _check_month_has_books(con, month)
    posted, made = con.execute(
        "SELECT MAX(posting_date), CAST(MAX(created_at) AS DATE) FROM journal_lines").fetchone()
    rated = con.execute("SELECT MAX(date) FROM fx_rates").fetchone()[0] if "fx_rates" in tables else None
    known = [d for d in (posted, made, rated) if d is not None]
    if known and month.first_day > max(known):
        raise UsageError(f"the pack has no books for {month}: its books end in {max(known):%Y-%m}"
                         + (f" (last posting {posted:%Y-%m-%d})" if posted else ""))


def run_close(con, pack, month: Month, *, registry: Registry | None = None,
              entity_ids: list[str] | None = None, skill_patterns: list[str] | None = None,
              config: Config | None = None, param_overrides: dict | None = None,
              progress: Callable[[str, str | None], None] | None = None,
              on_start: Callable[[int], None] | None = None,
              workers: int | None = None) -> RunOutcome:
    """`workers`: threads running (skill, entity) tasks; default task_threads()."""
    registry = registry or Registry.discover()
    config = config or Config()
    all_entities = load_entities(con)
    known = {e.id for e in all_entities}
    config.check_against(registry, known)
    if entity_ids:
        unknown = [e for e in entity_ids if e not in known]
        if unknown:
            raise UsageError(f"unknown entity {unknown[0]!r}; the pack has {', '.join(sorted(known))}")
        entities = [e for e in all_entities if e.id in set(entity_ids)]
    else:
        entities = all_entities
    _check_month_has_books(con, month)
    try:
        skills = registry.select(skill_patterns)
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    overrides = param_overrides or {}
    params_by = {}
    for skill in skills:
        for entity in ([None] if skill.group else entities):
            eid = entity.id if entity else None
            try:
                params_by[(skill.id, eid)] = resolve_params(skill, config, eid, overrides.get(skill.id, {}))
            except ValueError as exc:
                raise UsageError(str(exc)) from None

    fx = FxRates.from_connection(con, pack.reporting_currency)
    installed = tuple(registry.all())
    outcome = RunOutcome(month, pack, entities, skills,
                         complete=(len(entities) == len(all_entities)
                                   and {s.id for s in skills} == {s.id for s in registry.all()}))
    lock = threading.Lock()
    memo = ReadMemo()   # reads several skills make alike, once per close (close.memo)
    per_entity = [s for s in skills if not s.group]
    group = [s for s in skills if s.group]
    if on_start:
        on_start(len(per_entity) * len(entities) + len(group))

    def run_one(skill: Skill, entity: Entity, cursor, done: dict) -> Result:
        deps = {d: done.get(d) for d in skill.inputs}
        started = time.perf_counter()
        result = run_skill(skill, con=cursor, pack=pack, month=month, entity=entity,
                           params=params_by[(skill.id, entity.id)], deps=deps, fx=fx,
                           entities=entities, group=all_entities, installed=installed, memo=memo)
        outcome.seconds[(skill.id, entity.id)] = time.perf_counter() - started
        if progress:
            with lock:
                progress(skill.id, entity.id)
        return result

    workers = workers or task_threads()
    with one_thread_per_query(con, workers > 1 and len(per_entity) * len(entities) > 1):
        results: list[Result] = run_per_entity(per_entity, entities, run_one, con=con,
                                               workers=workers)

    group_done: dict[str, Result] = {}
    for skill in group:
        deps = {}
        for dep_id in skill.inputs:
            if dep_id in group_done:
                deps[dep_id] = group_done[dep_id]
            else:
                deps[dep_id] = [r for r in results if r.skill_id == dep_id]
        started = time.perf_counter()
        result = run_skill(skill, con=con, pack=pack, month=month, entity=None,
                           params=params_by[(skill.id, None)], deps=deps, fx=fx, entities=entities,
                           run_results=results, group=all_entities, installed=installed, memo=memo)
        group_done[skill.id] = result
        outcome.seconds[(skill.id, None)] = time.perf_counter() - started
        results.append(result)
        if progress:
            progress(skill.id, None)

    index = {s.id: i for i, s in enumerate(registry.all())}
    results.sort(key=lambda r: (index[r.skill_id], r.entity_id is None, r.entity_id or ""))
    outcome.results = results
    return outcome
