"""validate_pack: every structural problem of a pack, without building anything.

Structural problems are the ones that stop the books from being read exactly:
malformed values, blank required values, control characters in text, unknown
references, duplicate keys, amounts too large to add up exactly (limits.py), missing
files and columns, and entries that are not files of the pack. Data-quality questions
(an unbalanced entry, a missing FX rate, a posting to an inactive account) are not
here: the pack loads and the close's skills report them as findings.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from .checks import absent_ref_problems, duplicate_keys, run_checks
from .database import connect_for_load
from .limits import limit_problems
from .pack_toml import PackSettings, check_settings
from .problems import Problem
from .schema import TABLES
from .sources import PackSources, locate
from .staging import STAGE, StagedTable, stage_all


def check_pack(con, sources: PackSources, stage_file: Path) -> tuple[PackSettings | None, dict[str, StagedTable], list[Problem]]:
    """Stage every table into `stage_file` (attached as `stage`) and run every check.
    Problems come in a stable order: settings, then tables in schema order."""
    settings, problems = check_settings(sources)
    con.execute(f"ATTACH $f AS {STAGE}", {"f": str(stage_file)})
    staged, stage_problems = stage_all(con, sources)
    # None: unreadable (or not a file of the pack), so references to it are not judged
    in_pack = {**{name: None for name in [*sources.tables, *sources.unusable]}, **staged}
    by_file: dict[str, list[Problem]] = {}
    for problem in stage_problems:
        by_file.setdefault(problem.file, []).append(problem)
    for spec in TABLES:
        if spec.name in sources.unusable:  # a folder, a FIFO, a link outside the pack: said as such
            problems.extend(by_file.pop(sources.unusable[spec.name], []))
            continue
        if spec.name not in sources.tables:
            if spec.required:
                problems.append(Problem(sources.label(spec.name), None, None, None, "is missing (a required table)"))
            continue
        found = by_file.pop(sources.tables[spec.name].label, [])
        table = staged.get(spec.name)
        if table is not None:
            found += absent_ref_problems(table, in_pack, con)
            found += run_checks(con, table, in_pack)
            found += duplicate_keys(con, table)
            found += limit_problems(con, table)
        problems.extend(in_file_order(found, spec.column_names))
    for rest in by_file.values():  # e.g. a .parquet beside a .csv of the same table
        problems.extend(rest)
    return settings, staged, problems


def in_file_order(problems: list[Problem], columns: tuple[str, ...]) -> list[Problem]:
    """Whole-file problems first, then by line and column as a reader meets them,
    then the '... and N more' summaries."""
    order = {c: i for i, c in enumerate(columns)}

    def key(p: Problem):
        group = 2 if p.message.startswith("...") else (0 if p.line is None else 1)
        return group, p.line or 0, order.get(p.column, len(order))

    return sorted(problems, key=key)


def validate_pack(pack_path) -> list[Problem]:
    """Every structural problem of the pack at `pack_path` ([] when it would load).
    Raises NotAPack when the path is not a pack at all."""
    sources = locate(pack_path)
    with tempfile.TemporaryDirectory(prefix="close-validate-") as tmp:
        tmp_path = Path(tmp)
        con = connect_for_load(tmp_path / "check.duckdb", tmp_path)
        try:
            return check_pack(con, sources, tmp_path / "stage.duckdb")[2]
        finally:
            con.close()
