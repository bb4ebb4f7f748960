"""Per-entity skills as (skill, entity) tasks over worker threads, in dependency order.

Spreading whole entities over the workers left one core idle while the largest entity
finished alone; a task per (skill, entity) keeps both busy to the last skill. A task is
ready once the skills it reads (`Skill.inputs`) have run for its entity; among ready
tasks the earliest in (entity, catalog) order goes first, so the workers move through
the entities together. Each worker has its own cursor: DuckDB releases the GIL while it
computes, and a skill's scratch tables (temporary, per connection) stay with the one
task that made them.
"""
from __future__ import annotations

import heapq
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable


def run_per_entity(skills: list, entities: list, run_one: Callable, *, con,
                   workers: int = 2) -> list:
    """Run every skill on every entity; `run_one(skill, entity, cursor, done)` returns the
    result, where `done` maps the entity's finished skill ids to their results. Results
    come back in (entity, skill) order whatever order the tasks finished in."""
    ids = {s.id for s in skills}
    tasks = [(skill, entity) for entity in entities for skill in skills]
    position = {(skill.id, entity.id): i for i, (skill, entity) in enumerate(tasks)}
    waiting = [sum(1 for d in skill.inputs if d in ids) for skill, _ in tasks]
    readers: dict[int, list[int]] = {}
    for i, (skill, entity) in enumerate(tasks):
        for dep in skill.inputs:
            if dep in ids:
                readers.setdefault(position[(dep, entity.id)], []).append(i)
    ready = [i for i, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    done: dict[str, dict] = {entity.id: {} for entity in entities}
    results: list = [None] * len(tasks)
    state = {"left": len(tasks), "failed": False}
    changed = threading.Condition()

    def next_task() -> int | None:
        with changed:
            while not ready and state["left"] and not state["failed"]:
                changed.wait()
            if not ready or state["failed"]:
                return None
            return heapq.heappop(ready)

    def finish(i: int, result) -> None:
        skill, entity = tasks[i]
        with changed:
            results[i] = result
            done[entity.id][skill.id] = result
            state["left"] -= 1
            for reader in readers.get(i, ()):
                waiting[reader] -= 1
                if waiting[reader] == 0:
                    heapq.heappush(ready, reader)
            changed.notify_all()

    def work() -> None:
        cursor = con.cursor()
        try:
            while (i := next_task()) is not None:
                skill, entity = tasks[i]
                with changed:
                    finished = dict(done[entity.id])
                finish(i, run_one(skill, entity, cursor, finished))
        except BaseException:
            with changed:
                state["failed"] = True
                changed.notify_all()
            raise
        finally:
            cursor.close()

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for future in [pool.submit(work) for _ in range(max(1, min(workers, len(tasks))))]:
            future.result()
    return results
