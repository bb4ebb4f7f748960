"""What each MCP tool does, as plain functions of the books and the registry.

Every answer is sized for an agent (close.agent): a summary by default, lists a page at
a time (`limit`, `cursor`, with `total` and `next_cursor`), within the answer budget.
Where a command exists the answer is the JSON it prints (`close skills show|run`,
`close check` for a whole close, `close ref`), so a person and Claude Code read the same
figures. Nothing here writes: not the ledger, not the review queue. Bad input raises
`InputError` with one line that says what is wrong and what is expected; the server
turns it into a tool error and keeps serving.
"""
from __future__ import annotations

import difflib
import fnmatch
from decimal import Decimal, InvalidOperation

from close import agent
from close.config import ConfigError, load_config
from close.periods import BadMonth, parse_month
from close.registry import AREA_ORDER, Registry, describe
from close.results import jsonable
from close.runner import UsageError, check_month_in_books, load_entities, run_close
from close.skill import SEVERITIES

MAX_LIMIT = agent.MAX_LIMIT
LIMITS = agent.LIMITS


class InputError(ValueError):
    """A call the books cannot answer as asked: bad month, unknown id, wrong type."""


def skill_summary(skill) -> dict:
    """One line of `close skills list --json`."""
    return {"id": skill.id, "area": skill.area, "title": skill.title, "group": skill.group}


class CloseTools:
    """The tools of `close mcp` over one pack (close.mcp.books.Books)."""

    def __init__(self, books, registry: Registry | None = None):
        self.books = books
        self.registry = registry or Registry.discover()

    # -- the registry ---------------------------------------------------------------

    def areas(self) -> list[str]:
        present = {s.area for s in self.registry.all()}
        return [a for a in AREA_ORDER if a in present] + sorted(present - set(AREA_ORDER))

    def list_skills(self, area: str | None = None, search: str | None = None,
                    limit: int | None = None, cursor: str | None = None) -> dict:
        skills = self.registry.all()
        if area:
            if area not in self.areas():
                raise InputError(f"no skills in area {area!r}; the areas are {', '.join(self.areas())}")
            skills = [s for s in skills if s.area == area]
        words = (search or "").lower().split()
        if words:
            skills = [s for s in skills
                      if all(w in f"{s.id} {s.title} {s.description}".lower() for w in words)]
        filters = {k: v for k, v in (("area", area), ("search", search)) if v}
        return _page([skill_summary(s) for s in skills], frame={"filters": filters}, key="skills",
                     scope={"tool": "list_skills", **filters}, limit=_limit(limit, "list_skills"),
                     cursor=cursor)

    def describe_skill(self, skill_id: str) -> dict:
        return describe(self._skill(skill_id))

    # -- running ----------------------------------------------------------------------

    def run_skill(self, skill_id: str, month: str, entities: list[str] | None = None,
                  params: dict | None = None, limit: int | None = None,
                  cursor: str | None = None) -> dict:
        """`close skills run ID --month M --json`: the skill (after what it depends on),
        its results per entity a page at a time."""
        period = _month(month)
        skill = self._skill(skill_id)
        overrides = _check_params(skill, params or {})
        limit = _limit(limit, "run_skill")
        with self.books.opened() as (con, info):
            outcome = self._run(con, info, period, entity_ids=entities or None,
                                skill_patterns=[skill.id], param_overrides={skill.id: overrides})
        return _answered(agent.skill_run_answer, outcome, skill.id, str(period), info, entities=entities,
                         params=overrides, limit=limit, cursor=cursor)

    def run_close(self, month: str, entities: list[str] | None = None,
                  skills: list[str] | None = None, detail: str = "summary",
                  limit: int | None = None, cursor: str | None = None) -> dict:
        """The month's close (without narrative) as `close check` prints it: `summary`
        has the status and severity counts and the results that did not pass, one line
        each; `full` has the results themselves, a page at a time. A whole close is a
        megabyte of JSON, more than a conversation should hold."""
        if detail not in ("summary", "full"):
            raise InputError(f"detail {detail!r}: choose summary or full")
        period = _month(month)
        limit = _limit(limit, detail)
        with self.books.opened() as (con, info):
            if entities or skills:
                outcome = self._run(con, info, period, entity_ids=entities or None,
                                    skill_patterns=skills or None)
            else:
                outcome = self._whole_close(con, info, period)
        return _answered(agent.check_answer, outcome, detail=detail, skills=skills, limit=limit, cursor=cursor)

    def list_findings(self, month: str, skill: str | None = None, entity: str | None = None,
                      severity: str | None = None, min_amount: str | None = None,
                      limit: int | None = None, cursor: str | None = None) -> dict:
        """Findings of the month's whole close, filtered, in report order, a page at a time."""
        period = _month(month)
        if skill and not any(fnmatch.fnmatchcase(s.id, skill) for s in self.registry.all()):
            raise InputError(_unknown_skill(skill, self.registry))
        if severity is not None and severity not in SEVERITIES:
            raise InputError(f"severity {severity!r}: choose one of {', '.join(SEVERITIES)}")
        floor = _amount(min_amount) if min_amount is not None else None
        limit = _limit(limit, "list_findings")
        with self.books.opened() as (con, info):
            if entity is not None:
                _check_entities(con, [entity])
            outcome = self._whole_close(con, info, period)
        found = []
        for result in outcome.results:
            if skill and not fnmatch.fnmatchcase(result.skill_id, skill):
                continue
            if entity is not None and result.entity_id != entity:
                continue
            for f in result.findings:
                if severity is not None and f.severity != severity:
                    continue
                if floor is not None and (f.amount is None or f.amount < floor):
                    continue
                found.append({"skill": result.skill_id, "entity_id": result.entity_id,
                              "severity": f.severity, "message": f.message,
                              "amount": jsonable(f.amount) if f.amount is not None else None,
                              "refs": list(f.refs)})
        filters = {"skill": skill, "entity": entity, "severity": severity,
                   "min_amount": jsonable(floor) if floor is not None else None}
        filters = {k: v for k, v in filters.items() if v is not None}
        return _page(found, key="findings", limit=limit, cursor=cursor,
                     frame={"month": str(period), "pack": {"name": info.name, "sha256": info.sha256},
                            "filters": filters},
                     scope={"tool": "list_findings", "month": str(period), "pack": info.sha256, **filters})

    # -- the books and the queue -------------------------------------------------------

    def show_ref(self, ref: str, limit: int | None = None, cursor: str | None = None) -> dict:
        """The rows a finding's ref names: a journal entry's lines, a bank line, ...; the
        same JSON as `close ref REF --json`."""
        from close.refs import BadRef, parse_ref, resolve_ref

        limit = _limit(limit, "show_ref")
        try:
            table, columns, values = parse_ref(ref.strip())
            with self.books.opened() as (con, info):
                rows = resolve_ref(con, ref.strip(), info.tables)
        except BadRef as exc:
            raise InputError(str(exc)) from None
        if not rows:
            raise InputError(f"ref {ref!r}: no {table} row has {'/'.join(columns)} "
                             f"{'/'.join(values)}")
        return _answered(agent.ref_answer, ref.strip(), table, rows, info.sha256, limit=limit, cursor=cursor)

    def review_queue(self, month: str | None = None, status: str | None = None,
                     limit: int | None = None, cursor: str | None = None) -> dict:
        """The current items of `close review list --json`, a page at a time, read
        without writing."""
        from close.review.store import connect
        from close.review.views import STATUSES, list_items
        from close.review.weights import weigh_items
        from close.workspace import workspace_for

        period = str(_month(month)) if month else None
        if status is not None and status not in STATUSES:
            raise InputError(f"status {status!r}: choose one of {', '.join(STATUSES)}")
        limit = _limit(limit, "review_queue")
        con = connect(workspace_for(self.books.pack_path, self.books.workspace_arg), create=False)
        items = []
        if con is not None:
            try:
                items = weigh_items(con, list_items(con, month=period, status=status))
            finally:
                con.close()
        filters = {k: v for k, v in (("month", period), ("status", status)) if v}
        return _page(items, frame={"filters": filters}, key="items", limit=limit, cursor=cursor,
                     scope={"tool": "review_queue", **filters, "head": items[-1]["id"] if items else None})

    # -- checks and shared steps -------------------------------------------------------

    def _skill(self, skill_id: str):
        if skill_id not in self.registry:
            raise InputError(_unknown_skill(skill_id, self.registry))
        return self.registry.get(skill_id)

    def _whole_close(self, con, info, period):
        key = str(period)
        if key not in self.books.closes:
            self.books.closes[key] = self._run(con, info, period)
        return self.books.closes[key]

    def _run(self, con, info, period, **selection):
        if selection.get("entity_ids"):
            _check_entities(con, selection["entity_ids"])
        try:
            check_month_in_books(con, period, info.tables)
            config = load_config(self.books.pack_path)
            return run_close(con, info, period, registry=self.registry, config=config, **selection)
        except (UsageError, ConfigError) as exc:
            raise InputError(str(exc)) from None


def _page(items, **kwargs) -> dict:
    return _answered(agent.page, items, **kwargs)


def _answered(make, *args, **kwargs) -> dict:
    """An answer from close.agent; a cursor it did not give out is the caller's mistake."""
    try:
        return make(*args, **kwargs)
    except agent.BadCursor as exc:
        raise InputError(str(exc)) from None


def _limit(limit: int | None, kind: str) -> int:
    if limit is None:
        return LIMITS[kind]
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InputError(f"limit {limit!r}: give a number from 1 to {MAX_LIMIT}")
    return limit


def _month(text: str):
    try:
        return parse_month(text)
    except BadMonth as exc:
        raise InputError(str(exc)) from None


def _amount(text) -> Decimal:
    if isinstance(text, float):
        raise InputError("min_amount: write amounts as decimal strings such as \"1000.00\", not floats")
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise InputError(f"min_amount {text!r} is not an amount: write a decimal such as \"1000.00\"") from None
    if not value.is_finite():
        raise InputError(f"min_amount {text!r} is not an amount: write a decimal such as \"1000.00\"")
    return value


def _check_params(skill, params: dict) -> dict:
    """Parse each override now, so an error names the parameter and the type it takes."""
    for name, value in params.items():
        spec = skill.params.get(name)
        if spec is None:
            known = ", ".join(sorted(skill.params)) or "none"
            raise InputError(f"{skill.id} has no parameter {name!r} (parameters: {known})")
        if not isinstance(value, (str, int, bool, float)):
            raise InputError(f"{skill.id} parameter {name!r} takes {_article(spec.type_name)} "
                             f"{spec.type_name}, not {type(value).__name__}")
        try:
            spec.parse(value)
        except ValueError as exc:
            raise InputError(f"{skill.id} parameter {name!r} takes {_article(spec.type_name)} "
                             f"{spec.type_name}: {exc}") from None
    return dict(params)


def _check_entities(con, entity_ids: list[str]) -> None:
    known = [e.id for e in load_entities(con)]
    for entity_id in entity_ids:
        if entity_id not in known:
            raise InputError(f"unknown entity {entity_id!r}; the pack has {', '.join(known)}")


def _unknown_skill(text: str, registry: Registry) -> str:
    ids = [s.id for s in registry.all()]
    near = difflib.get_close_matches(text, ids, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    return f"unknown skill {text!r}; {hint}list_skills shows the ids"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
