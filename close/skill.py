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
        return (SEVERITIES.index(self.severity), -(self.amount or ZERO), self.refs, self.message)


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
    id: str
    title: str
    description: str
    run: Callable[["Context"], Result]
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

    def __post_init__(self):
        if not _ID.match(self.id):
            raise ValueError(f"skill id {self.id!r} must look like area.name (lowercase)")
        if not self.description.strip():
            raise ValueError(f"skill {self.id} needs a description")
        object.__setattr__(self, "needs", tuple(self.needs))
        object.__setattr__(self, "depends", tuple(self.depends))
        object.__setattr__(self, "uses", tuple(self.uses))

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
        available = {**self._auto_params(), **params}
        wanted = dict.fromkeys(_PARAM_REF.findall(sql))
        missing = [name for name in wanted if name not in available]
        if missing:
            raise SkillError(f"query parameter(s) not supplied: {', '.join(missing)}")
        cursor = self.con.execute(sql, {name: available[name] for name in wanted})
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]

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
