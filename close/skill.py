"""How a skill is declared: one module, one `SKILL = Skill(...)` value.

A skill says what it is (id from SKILLS.md, title, description), what it reads (pack
tables), what it can be tuned with (typed parameters with defaults), which skills'
results it uses, and a `run(ctx)` that computes. The declaration is plain data so the
CLI, the exported Claude Code skill files and the MCP server all print the same thing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from close.money import D, ZERO

SEVERITIES = ("high", "medium", "low")
STATUSES = ("pass", "exceptions", "skipped", "error")
# The areas of the catalog, in the order a controller reads a close.
AREA_ORDER = ("je", "recon", "tax", "stmt", "flux", "close")
# The area whose skills summarise the others' findings: counting theirs again would count
# every finding twice, so summaries and totals leave this area out.
SUMMARISING_AREA = "close"


def summarises(skill_id: str) -> bool:
    """Whether a skill restates other skills' findings (the close area)."""
    return skill_id.split(".", 1)[0] == SUMMARISING_AREA
_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class SkillError(Exception):
    """A skill cannot compute (a missing rate, an impossible parameter): becomes `error`."""


class _Materiality:
    """Sentinel default: the pack's materiality, converted to the entity's currency."""

    def __repr__(self) -> str:
        return "materiality"


MATERIALITY = _Materiality()


@dataclass(frozen=True)
class Param:
    """A typed, documented parameter. `kind` decides parsing and the JSON schema type."""

    kind: str
    default: Any
    help: str = ""

    def parse(self, value: Any) -> Any:
        """Typed value from text (CLI, close.toml) or JSON; ValueError with a clear reason."""
        if value is MATERIALITY:
            return value
        try:
            if self.kind == "money" or self.kind == "decimal":
                if isinstance(value, float):
                    raise ValueError("write amounts as strings, not floats")
                if isinstance(value, bool):
                    raise ValueError("not a number")
                return D(value)
            if self.kind == "int":
                if isinstance(value, bool):
                    raise ValueError("not an integer")
                if isinstance(value, int):
                    return value
                text = str(value).strip()
                if not re.fullmatch(r"-?\d+", text):
                    raise ValueError("not an integer")
                return int(text)
            if self.kind == "bool":
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                if text in ("true", "yes", "1"):
                    return True
                if text in ("false", "no", "0"):
                    return False
                raise ValueError("not true or false")
            if self.kind == "text":
                if not isinstance(value, str):
                    raise ValueError("not text")
                return value
        except (InvalidOperation, ValueError) as exc:
            raise ValueError(f"{value!r} is not a valid {self.type_name}: {exc}") from None
        raise ValueError(f"unknown parameter kind {self.kind}")

    @property
    def type_name(self) -> str:
        return {"money": "amount", "decimal": "decimal", "int": "integer",
                "bool": "boolean", "text": "text"}[self.kind]

    @property
    def json_type(self) -> str:
        """JSON-schema type: money and decimals travel as strings to stay exact."""
        return {"money": "string", "decimal": "string", "int": "integer",
                "bool": "boolean", "text": "string"}[self.kind]

    def describe_default(self) -> str:
        if self.default is MATERIALITY:
            return "materiality (pack.toml, in the entity's currency)"
        if isinstance(self.default, Decimal):
            return format(self.default, "f")
        return str(self.default).lower() if isinstance(self.default, bool) else str(self.default)


def Money(default, help: str = "") -> Param:
    return Param("money", default if default is MATERIALITY else D(default), help)


def Ratio(default, help: str = "") -> Param:
    return Param("decimal", D(default), help)


def Int(default: int, help: str = "") -> Param:
    return Param("int", int(default), help)


def Flag(default: bool, help: str = "") -> Param:
    return Param("bool", bool(default), help)


def Text(default: str, help: str = "") -> Param:
    return Param("text", str(default), help)


def rank_key(severity: str, amount: Decimal | None, refs=(), message: str = "",
             skill_id: str = "", entity_id: str | None = None) -> tuple:
    """The one order of findings, wherever they are listed: high before medium before
    low, then the larger amount first (none last), then skill, entity, refs and message
    so that equal findings always come out the same way. A result sorts its own findings
    by it (Finding.sort_key), close.exceptions_summary ranks the close's findings by it
    with amounts in the reporting currency, and the results contract ranks a results
    document's findings by it (close.results.ranking) for the report and the narrative."""
    return (SEVERITIES.index(severity), amount is None, -(amount or ZERO),
            skill_id, entity_id or "", tuple(refs), message)


@dataclass(frozen=True)
class Finding:
    """One problem in the books: how bad, what, how much, and where (refs)."""

    severity: str
    message: str
    amount: Decimal | None = None
    refs: tuple[str, ...] = ()

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if isinstance(self.amount, float):
            raise TypeError("finding amounts must be Decimal, not float")
        if self.amount is not None:
            object.__setattr__(self, "amount", abs(D(self.amount)))
        object.__setattr__(self, "refs", tuple(self.refs))

    def sort_key(self):
        """The finding's place within its result: `rank_key`, the one finding order."""
        return rank_key(self.severity, self.amount, self.refs, self.message)


@dataclass
class Result:
    """What one skill found for one entity (or the group): the results contract."""

    skill_id: str
    entity_id: str | None
    status: str
    summary: str = ""
    metrics: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    # In-run hand-off to the skills that declare `depends=` on this one (e.g. the bank
    # matching recon.bank computed once, read by recon.bank_unmatched_aging). Never
    # written to results.json and not part of a result's identity.
    shared: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, not {self.status!r}")
        self.findings = sorted(self.findings, key=Finding.sort_key)


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    functional_currency: str
    country: str
    parent_id: str | None
    ownership_pct: Decimal | None


@dataclass(frozen=True)
class Skill:
    """A skill's declaration. It computes either with `run(ctx)` or, when it is one query
    whose rows are its findings, with `sql` and `findings` (how a row becomes a finding):
    exactly one of the two forms, checked when the module is imported."""

    id: str
    title: str
    description: str
    run: Callable[["Context"], Result] | None = None
    needs: tuple[str, ...] = ()
    params: dict[str, Param] = field(default_factory=dict)
    # Skills whose results this one needs: they run first, and if one is skipped or
    # errors this one is skipped with that reason.
    depends: tuple[str, ...] = ()
    group: bool = False
    module: str = ""
    # Skills whose results this one reads when they are there (ctx.deps[id], None when
    # not run): they run first, but their skip or error does not block this one.
    uses: tuple[str, ...] = ()
    # The declarative form: one parameterised query, and how each of its rows becomes a
    # finding (RowFindings). The Skill turns the pair into its run function.
    sql: str | None = None
    findings: "RowFindings | None" = None
    # The SQL engines this skill's queries run on. Skills are written in the portable
    # subset (PORTABLE-SQL.md) and run on both; one that cannot be says so here, and
    # on another engine it is skipped with that reason instead of computing wrongly.
    engines: tuple[str, ...] = ("duckdb", "spark")

    def __post_init__(self):
        if not _ID.match(self.id):
            raise ValueError(f"skill id {self.id!r} must look like area.name (lowercase)")
        if not self.description.strip():
            raise ValueError(f"skill {self.id} needs a description")
        self._declare_run()
        object.__setattr__(self, "needs", tuple(self.needs))
        object.__setattr__(self, "depends", tuple(self.depends))
        object.__setattr__(self, "uses", tuple(self.uses))
        object.__setattr__(self, "engines", tuple(self.engines))

    def _declare_run(self) -> None:
        """Exactly one way to compute: a run function, or sql with its row mapping."""
        if self.sql is None:
            if self.findings is not None:
                raise ValueError(f"skill {self.id}: findings= maps the rows of sql=, which is missing")
            if self.run is None:
                raise ValueError(f"skill {self.id} needs run= or sql= with findings=")
            return
        if self.findings is None:
            raise ValueError(f"skill {self.id}: sql= needs findings= (RowFindings) to turn rows into findings")
        declared = QueryRun(self.sql, self.findings)
        if self.run is not None and self.run != declared:  # a copy (dataclasses.replace) carries its own
            raise ValueError(f"skill {self.id} declares both run= and sql=: keep one")
        object.__setattr__(self, "run", declared)

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every skill whose result this one reads: what it depends on, then what it uses."""
        return self.depends + tuple(u for u in self.uses if u not in self.depends)

    @property
    def area(self) -> str:
        return self.id.split(".", 1)[0]

    def parse_params(self, overrides: dict[str, Any]) -> dict[str, Any]:
        """Defaults overlaid with overrides, each parsed to its type; unknown names refused."""
        values = dict((name, p.default) for name, p in self.params.items())
        for name, raw in overrides.items():
            if name not in self.params:
                known = ", ".join(sorted(self.params)) or "none"
                raise ValueError(f"{self.id} has no parameter {name!r} (parameters: {known})")
            try:
                values[name] = self.params[name].parse(raw)
            except ValueError as exc:
                raise ValueError(f"{self.id} parameter {name!r}: {exc}") from None
        return values


_PARAM_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class Context:
    """Everything a skill's run function gets: the books, the month, who, and tuning."""

    skill: Skill
    con: Any
    month: Any
    entity: Entity | None
    params: dict
    deps: dict
    pack: Any
    fx: Any
    entities: tuple[Entity, ...] = ()
    # Group skills only: every result computed before them in this run (per-entity
    # skills and earlier group skills), for summaries across the whole close.
    run_results: tuple[Result, ...] = ()
    # Every entity of the pack, whatever `--entity` selected: consolidation and the
    # intercompany pairs need the whole group. Skills read it here, never from the runner.
    group: tuple[Entity, ...] = ()
    # Every installed skill, in catalog order: what a complete close runs (close.checklist).
    installed: tuple[Skill, ...] = ()
    # The run's shared reads (close.memo.ReadMemo), or None outside a close.
    memo: Any = None

    def _auto_params(self) -> dict:
        base = {
            "month_start": self.month.first_day,
            "month_end": self.month.last_day,
            "period": str(self.month),
            "year_start": self.month.fiscal_year_start(self.pack.fiscal_year_start_month).first_day,
        }
        if self.entity is not None:
            base["entity_id"] = self.entity.id
        return base

    def rows(self, sql: str, **params) -> list[dict]:
        """Run a parameterised query; binds only the `$names` the SQL uses."""
        bound = self._bind(sql, params)
        cursor = self.con.execute(sql, bound)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def shared_rows(self, sql: str, **params) -> list[dict]:
        """rows(), asked once per close for the same SQL and values (close.memo): for a
        small read several skills make alike, such as an entity's monthly account totals.
        Each caller gets its own copies of the rows."""
        if self.memo is None:
            return self.rows(sql, **params)
        bound = self._bind(sql, params)
        key = (sql, tuple(sorted((name, tuple(value) if isinstance(value, list) else value)
                                 for name, value in bound.items())))
        return self.memo.rows(key, lambda: self.rows(sql, **params))

    def _bind(self, sql: str, params: dict) -> dict:
        available = {**self._auto_params(), **params}
        wanted = dict.fromkeys(_PARAM_REF.findall(sql))
        missing = [name for name in wanted if name not in available]
        if missing:
            raise SkillError(f"query parameter(s) not supplied: {', '.join(missing)}")
        return {name: available[name] for name in wanted}

    def has_table(self, name: str) -> bool:
        return name in self.pack.tables

    @property
    def currency(self) -> str:
        return self.entity.functional_currency if self.entity else self.pack.reporting_currency

    @property
    def materiality(self) -> Decimal:
        """Pack materiality (reporting currency) in this entity's currency, at closing rate."""
        if self.currency == self.pack.reporting_currency:
            return self.pack.materiality
        rate = self.fx.rate(self.pack.reporting_currency, self.currency, self.month, "closing")
        if rate is None:
            raise SkillError(
                f"no closing rate {self.pack.reporting_currency}->{self.currency} for "
                f"{self.month} to convert materiality"
            )
        from close.money import cents
        return cents(self.pack.materiality * rate, self.currency)

    def param(self, name: str):
        value = self.params[name]
        return self.materiality if value is MATERIALITY else value

    def result(self, findings=(), metrics=None, summary: str = "", shared=None) -> Result:
        """shared: what dependent skills read from this result in the same run."""
        findings = list(findings)
        return Result(
            skill_id=self.skill.id,
            entity_id=self.entity.id if self.entity else None,
            status="exceptions" if findings else "pass",
            summary=summary,
            metrics=dict(metrics or {}),
            findings=findings,
            shared=dict(shared or {}),
        )

    def skip(self, reason: str) -> Result:
        return Result(self.skill.id, self.entity.id if self.entity else None, "skipped", reason)


# The declarative form (STYLE.md, "A skill, as it might look"): most skills are one query
# whose rows are the findings, so they declare the query and how a row reads, and the
# Skill writes the run function. Templates are str.format strings over the row's columns
# and the run's figures; amounts are shown to the entity currency's minor unit.


@dataclass(frozen=True)
class Metric:
    """One metric of a declared skill, computed over the query's rows (see Count, Total...)."""

    kind: str
    name: str = ""

    def value(self, ctx: "Context", rows: list[dict]):
        from close.money import cents

        if self.kind == "count":
            return len(rows)
        if self.kind == "count_distinct":
            return len({r[self.name] for r in rows})
        if self.kind == "distinct":
            return sorted({r[self.name] for r in rows})
        if self.kind == "total":
            return cents(sum((r[self.name] for r in rows), ZERO), ctx.currency)
        if self.kind == "param":
            return _shown_params(ctx)[self.name]
        raise ValueError(f"unknown metric kind {self.kind}")


def Count() -> Metric:
    """How many rows (findings) the query returned."""
    return Metric("count")


def CountDistinct(column: str) -> Metric:
    """How many different values a column takes (entries behind several findings, once)."""
    return Metric("count_distinct", column)


def Distinct(column: str) -> Metric:
    """The column's different values, sorted."""
    return Metric("distinct", column)


def Total(column: str) -> Metric:
    """The column summed over the rows, to the entity currency's minor unit."""
    return Metric("total", column)


def ParamValue(name: str) -> Metric:
    """A parameter's value as the run used it (an amount in the entity's currency)."""
    return Metric("param", name)


@dataclass(frozen=True)
class RowFindings:
    """How each row of a declared skill's query becomes a finding, and how the run reads.

    message: template over the row's columns, `currency`, `month`, `month_start`,
      `month_end`, `entity_id` and the parameters; `amount` and `money` columns and
      amount parameters are shown to the currency's minor unit.
    amount: the column holding the finding's amount (absolute, to the minor unit).
    refs: templates like "journal_lines:{je_id}", one ref each.
    severity: high, medium or low, or the name of a column holding one of them.
    metrics: name -> Metric (Count(), Total("col"), Distinct("col"), ParamValue("p")).
    summary / clean: the run's summary with findings / without; templates over the
      metrics, `count` (findings) and the run's figures; `{count:entry|entries}` writes
      "1 entry" or "3 entries".
    """

    message: str
    amount: str | None = None
    refs: tuple[str, ...] = ()
    severity: str = "medium"
    money: tuple[str, ...] = ()
    metrics: dict[str, Metric] = field(default_factory=dict)
    summary: str = ""
    clean: str = ""

    def __post_init__(self):
        object.__setattr__(self, "refs", tuple(self.refs))
        object.__setattr__(self, "money", tuple(self.money))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.severity):
            raise ValueError(f"severity {self.severity!r} must be one of {SEVERITIES} or a column name")
        for name, metric in self.metrics.items():
            if not isinstance(metric, Metric):
                raise ValueError(f"metric {name!r} must be a Metric (Count(), Total(...), ...)")


class _Counted(int):
    """A count in a summary template: `{n:entry|entries}` reads "1 entry", "2 entries"."""

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, many = spec.split("|", 1)
            return f"{int(self)} {one if self == 1 else many}"
        return int.__format__(self, spec)


def _shown_params(ctx: "Context") -> dict:
    """Parameters as a message shows them: amounts resolved (materiality) and to the cent."""
    from close.money import cents

    shown = {}
    for name, declared in ctx.skill.params.items():
        value = ctx.param(name)
        shown[name] = cents(value, ctx.currency) if declared.kind == "money" else value
    return shown


@dataclass(frozen=True)
class QueryRun:
    """The run function a declared skill gets: its query's rows, read by its RowFindings."""

    sql: str
    findings: RowFindings

    def __call__(self, ctx: "Context") -> Result:
        from close.money import cents

        spec = self.findings
        figures = {"currency": ctx.currency, "month": ctx.month, "month_start": ctx.month.first_day,
                   "month_end": ctx.month.last_day,
                   "entity_id": ctx.entity.id if ctx.entity else None, **_shown_params(ctx)}
        rows = ctx.rows(self.sql, **{name: ctx.param(name) for name in ctx.skill.params})
        found = []
        for row in rows:
            shown = dict(row)
            for column in ((spec.amount,) if spec.amount else ()) + spec.money:
                if shown[column] is not None:
                    shown[column] = cents(shown[column], ctx.currency)
            values = {**figures, **shown}
            found.append(Finding(
                spec.severity if spec.severity in SEVERITIES else row[spec.severity],
                spec.message.format(**values),
                shown[spec.amount] if spec.amount else None,
                [ref.format(**values) for ref in spec.refs],
            ))
        metrics = {name: metric.value(ctx, rows) for name, metric in spec.metrics.items()}
        counted = {name: _Counted(v) if isinstance(v, int) and not isinstance(v, bool) else v
                   for name, v in metrics.items()}
        template = spec.summary if found else spec.clean
        summary = template.format(**{**figures, **counted, "count": _Counted(len(found))})
        return ctx.result(found, metrics, summary)
