"""close.scheduler: (skill, entity) tasks over worker threads, in dependency order."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from close.scheduler import run_per_entity


@dataclass(frozen=True)
class FakeSkill:
    id: str
    inputs: tuple = ()


@dataclass(frozen=True)
class FakeEntity:
    id: str


class FakeCursor:
    def __init__(self, log):
        self.log, self.closed = log, False

    def close(self):
        self.closed = True


class FakeConnection:
    def __init__(self):
        self.cursors = []

    def cursor(self):
        cursor = FakeCursor([])
        self.cursors.append(cursor)
        return cursor


ENTITIES = [FakeEntity("A"), FakeEntity("B"), FakeEntity("C")]


def test_a_skill_runs_after_what_it_reads_and_sees_its_result():
    skills = [FakeSkill("recon.aging", ("recon.bank",)), FakeSkill("recon.bank"),
              FakeSkill("je.alone")]
    seen = {}

    def run_one(skill, entity, cursor, done):
        seen[(skill.id, entity.id)] = dict(done)
        return f"{skill.id}@{entity.id}"

    results = run_per_entity(skills, ENTITIES, run_one, con=FakeConnection(), workers=2)
    for entity in ENTITIES:
        assert seen[("recon.aging", entity.id)]["recon.bank"] == f"recon.bank@{entity.id}"
    # in (entity, skill) order, whatever order the tasks finished in
    assert results == [f"{s.id}@{e.id}" for e in ENTITIES for s in skills]


def test_an_input_not_selected_is_not_waited_for():
    skills = [FakeSkill("recon.aging", ("recon.bank",))]
    results = run_per_entity(skills, ENTITIES, lambda s, e, c, done: sorted(done),
                             con=FakeConnection(), workers=2)
    assert results == [[], [], []]


def test_two_workers_run_two_tasks_at_once_each_on_its_own_cursor():
    both_running = threading.Barrier(2, timeout=10)
    con = FakeConnection()

    def run_one(skill, entity, cursor, done):
        if entity.id in ("A", "B"):
            both_running.wait()   # times out (BrokenBarrierError) if run one at a time
        cursor.log.append((skill.id, entity.id))
        return entity.id

    results = run_per_entity([FakeSkill("je.x")], ENTITIES[:2], run_one, con=con, workers=2)
    assert results == ["A", "B"]
    assert len(con.cursors) == 2 and all(c.closed for c in con.cursors)
    assert sorted(len(c.log) for c in con.cursors) == [1, 1]


def test_a_failing_task_stops_the_run_with_its_error_and_nothing_hangs():
    skills = [FakeSkill("recon.bank"), FakeSkill("recon.aging", ("recon.bank",))]

    def run_one(skill, entity, cursor, done):
        if skill.id == "recon.bank" and entity.id == "B":
            raise RuntimeError("progress display failed")
        return skill.id

    con = FakeConnection()
    with pytest.raises(RuntimeError, match="progress display failed"):
        run_per_entity(skills, ENTITIES, run_one, con=con, workers=2)
    assert all(c.closed for c in con.cursors)


def test_one_worker_runs_in_entity_then_catalog_order():
    order = []
    skills = [FakeSkill("a"), FakeSkill("b"), FakeSkill("c", ("a",))]
    run_per_entity(skills, ENTITIES[:2], lambda s, e, c, d: order.append((e.id, s.id)),
                   con=FakeConnection(), workers=1)
    assert order == [("A", "a"), ("A", "b"), ("A", "c"), ("B", "a"), ("B", "b"), ("B", "c")]


def test_task_threads_come_from_close_workers_or_the_cores(monkeypatch):
    from close.runner import WORKERS, UsageError, task_threads

    monkeypatch.delenv("CLOSE_WORKERS", raising=False)
    assert task_threads() == WORKERS >= 2
    monkeypatch.setenv("CLOSE_WORKERS", " 3 ")
    assert task_threads() == 3
    for bad in ("0", "-1", "two", "2.5"):
        monkeypatch.setenv("CLOSE_WORKERS", bad)
        with pytest.raises(UsageError, match="CLOSE_WORKERS"):
            task_threads()
