"""Skill SQL (DuckDB dialect, `$name` parameters) compiled for Spark by SQLGlot.

Skills are written once, in the portable subset of DuckDB SQL (PORTABLE-SQL.md). On
Spark each distinct SQL text is parsed and generated once (cached): `$name` becomes
Spark's named parameter `:name`, DuckDB functions become their Spark equivalents.
`portability_problems` names the constructs the subset forbids, so a test can hold
every skill's SQL to it and the same close gives the same results on both engines.
"""
from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def parse(sql: str) -> exp.Expression:
    """One statement in DuckDB's dialect, raising sqlglot's ParseError when it is not."""
    return sqlglot.parse_one(sql, read="duckdb")


@lru_cache(maxsize=4096)
def parsed(sql: str) -> exp.Expression:
    """parse(), cached per SQL text: callers copy before changing the tree."""
    return parse(sql)


def to_spark(tree: exp.Expression) -> str:
    """Spark SQL for a DuckDB tree; a construct Spark cannot express raises, never
    degrades silently into other semantics."""
    return tree.sql(dialect="spark", unsupported_level=sqlglot.ErrorLevel.RAISE)


@lru_cache(maxsize=4096)
def spark_sql(sql: str) -> str:
    """The Spark text of one DuckDB query, compiled once per distinct SQL string."""
    return to_spark(parsed(sql))


def param_names(sql: str) -> list[str]:
    """The `$names` a query binds, in first-use order."""
    return list(dict.fromkeys(_PARAM.findall(sql)))


# --- the portable subset (PORTABLE-SQL.md) ---------------------------------------------

# DuckDB-only functions a skill must not call: file readers (loading is the pack
# loader's), hash() (engine-specific values) and the list lambdas.
_DUCKDB_ONLY_FUNCTIONS = {"read_csv", "read_csv_auto", "read_parquet", "read_json", "read_json_auto",
                          "hash", "list_transform", "list_filter", "list_reduce", "list_apply"}


def portability_problems(sql: str) -> list[str]:
    """What in one statement is outside the portable subset, one phrase each (empty when
    it is portable). Checked on SQLGlot's parse, so comments and strings never count."""
    try:
        tree = parse(sql)
    except sqlglot.errors.ParseError as exc:
        return [f"not parsed as DuckDB SQL: {str(exc).splitlines()[0]}"]
    problems: list[str] = []

    def say(text: str) -> None:
        if text not in problems:
            problems.append(text)

    for node in tree.walk():
        if isinstance(node, exp.Qualify):
            say("QUALIFY (compute the window in a CTE and filter outside it)")
        elif isinstance(node, exp.Group) and node.args.get("all"):
            say("GROUP BY ALL (spell out the grouping list)")
        elif isinstance(node, exp.Order) and _orders_all(node):
            say("ORDER BY ALL (spell out the ordering list)")
        elif isinstance(node, exp.Join) and "ASOF" in (node.text("method") or "").upper():
            say("ASOF JOIN")
        elif isinstance(node, exp.Pivot):
            say("PIVOT/UNPIVOT")
        elif isinstance(node, exp.Columns):
            say("COLUMNS()")
        elif isinstance(node, exp.Star) and (node.args.get("except_") or node.args.get("except")
                                             or node.args.get("replace")):
            say("* EXCLUDE/REPLACE")
        elif isinstance(node, exp.Union) and node.args.get("by_name"):
            say("UNION BY NAME")
        elif isinstance(node, exp.Lambda):
            say("lambda")
        elif isinstance(node, exp.IntDiv):
            say("integer division (//)")
        elif isinstance(node, exp.Interval) and node.find(exp.Placeholder, exp.Parameter):
            say("INTERVAL from a parameter")
        elif isinstance(node, (exp.Add, exp.Sub)) and _date_plus_int(node):
            say("date + integer (use date_diff or date_add with an INTERVAL)")
        elif isinstance(node, exp.Anonymous) and node.name.lower() in _DUCKDB_ONLY_FUNCTIONS:
            say(f"{node.name}() (DuckDB only)")
        elif isinstance(node, (exp.ArrayAgg, exp.GroupConcat)) and node.find(exp.Order):
            say("ordered aggregate (aggregate, then list_sort)")
        elif isinstance(node, exp.Select) and node.args.get("kind") is None:
            _lateral_aliases(node, say)
            if sum(1 for e in node.expressions if e.find(exp.Explode, exp.Unnest)) > 1:
                say("unnests side by side in one SELECT (DuckDB zips them; unnest one list of rows)")
        elif type(node).__name__ in ("Macro",) or (isinstance(node, exp.Create)
                                                    and str(node.args.get("kind", "")).upper() in ("MACRO", "FUNCTION")):
            say("macro")
        elif isinstance(node, (exp.ReadCSV, exp.ReadParquet)):
            say("read_csv/read_parquet (loading is the pack loader's)")
        elif isinstance(node, exp.Table) and _is_file_path(node):
            say("a file path as a table (loading is the pack loader's)")
    for name in _PARAM_FREE_FORMATS(sql):
        say(name)
    return problems


def _orders_all(order: exp.Order) -> bool:
    keys = order.expressions
    if len(keys) != 1:
        return False
    key = keys[0].this
    return (isinstance(key, exp.Var) or (isinstance(key, exp.Column) and not key.table)) \
        and key.name.upper() == "ALL"


def _is_file_path(table: exp.Table) -> bool:
    name = table.this
    return isinstance(name, exp.Literal) or (isinstance(name, exp.Identifier) and name.quoted
                                             and re.search(r"[./\\]", name.name) is not None)


def _date_plus_int(node: exp.Expression) -> bool:
    """`a_date + 3` (DuckDB's day arithmetic): a DATE literal or cast plus an integer."""
    left, right = node.this, node.expression

    def is_date(e):
        return (isinstance(e, exp.Cast) and e.to.this == exp.DataType.Type.DATE) or \
            (isinstance(e, exp.Column) and e.name.lower().endswith("_date"))

    def is_int(e):
        return isinstance(e, exp.Literal) and not e.is_string and e.this.lstrip("-").isdigit()

    return is_date(left) and is_int(right)


def _lateral_aliases(select: exp.Select, say) -> None:
    """An alias of this SELECT reused in its own list or WHERE (DuckDB resolves it, Spark
    and others either refuse or, worse, read a column of the same name)."""
    aliases = {e.alias.lower() for e in select.expressions if isinstance(e, exp.Alias)}
    if not aliases:
        return
    sources = set()
    for source in select.find_all(exp.Table):
        sources.add(source.alias_or_name.lower())
    names = _source_columns(select) | _pack_columns()
    for i, item in enumerate(select.expressions):
        body = item.this if isinstance(item, exp.Alias) else item
        for col in _own_columns(body):
            name = col.name.lower()
            own = item.alias.lower() if isinstance(item, exp.Alias) else None
            if not col.table and name in aliases and name != own and name not in names:
                say(f"lateral column alias {col.name!r} (stack CTEs)")
    where = select.args.get("where")
    if where is not None:
        for col in _own_columns(where):
            if not col.table and col.name.lower() in aliases and col.name.lower() not in names:
                say(f"alias {col.name!r} used in WHERE (stack CTEs)")


@lru_cache(maxsize=1)
def _pack_columns() -> frozenset[str]:
    """Every column of the ledger pack's tables (LEDGER-PACK.md): a name the books have
    resolves to their column on every engine, alias or not."""
    from close.pack.schema import TABLES

    return frozenset(c.name.lower() for t in TABLES for c in t.columns)


def _own_columns(node: exp.Expression):
    """Columns of this SELECT level only (not of nested subqueries)."""
    for col in node.find_all(exp.Column):
        parent = col.parent
        nested = False
        while parent is not None and parent is not node:
            if isinstance(parent, (exp.Subquery, exp.Select)):
                nested = True
                break
            parent = parent.parent
        if not nested:
            yield col


def _source_columns(select: exp.Select) -> set[str]:
    """Column names the FROM sources are known to provide: CTE outputs and subqueries
    (a base table's columns are unknown here, so a reused name that is also a column of
    a CTE is not reported)."""
    names: set[str] = set()
    root = select.root()
    for cte in root.find_all(exp.CTE):
        body = cte.this
        if isinstance(body, exp.Select):
            names.update(e.alias_or_name.lower() for e in body.expressions)
        elif isinstance(body, exp.Union):
            for side in body.find_all(exp.Select):
                names.update(e.alias_or_name.lower() for e in side.expressions)
                break
    for sub in select.find_all(exp.Subquery):
        if isinstance(sub.this, exp.Select):
            names.update(e.alias_or_name.lower() for e in sub.this.expressions)
    return names


def _PARAM_FREE_FORMATS(sql: str) -> list[str]:
    """Textual checks SQLGlot's tree does not keep: DuckDB's `?` positional parameters."""
    stripped = re.sub(r"'(?:[^']|'')*'", "''", sql)
    return ["positional ? parameter (use named $params)"] if re.search(r"(?<![\w?])\?(?![\w?])", stripped) else []
