"""Finding and loading the report templates, in a checkout and after `pip install .`.

The templates live in the repository's top-level templates/ folder (DESIGN.md layout),
which is not a Python package. A checkout or editable install reads them there; a
regular install ships them as data files under `<prefix>/share/close/templates`
(pyproject's data-files), found through the installed distribution's file list so a
user or venv install works the same.
"""
from __future__ import annotations

import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from close.report import numbers

MARKER = "mfr.html.j2"
DATA_DIR = ("share", "close", "templates")


class TemplatesMissing(RuntimeError):
    """The installation has no report templates: say where they were looked for."""


def _installed_dir() -> Path | None:
    try:
        files = metadata.distribution("close").files or []
    except metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name == MARKER and tuple(entry.parts[-4:-1]) == DATA_DIR:
            return Path(entry.locate()).resolve().parent
    return None


@lru_cache(maxsize=1)
def templates_dir() -> Path:
    candidates = [Path(__file__).resolve().parents[2] / "templates", _installed_dir(),
                  Path(sys.prefix).joinpath(*DATA_DIR)]
    for candidate in candidates:
        if candidate is not None and (candidate / MARKER).is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates if c is not None)
    raise TemplatesMissing(f"report templates not found (looked in {looked}); reinstall close")


def _filters() -> dict:
    return {
        "money": numbers.money,
        "whole": numbers.whole,
        "percent": numbers.percent,
        "number": numbers.number,
        "month_label": numbers.month_label,
        "short_month": numbers.short_month_label,
        "negative": numbers.is_negative,
        "signed": numbers.signed,
    }


@lru_cache(maxsize=2)
def environment(kind: str) -> Environment:
    """`html` autoescapes everything; `md` writes plain text with pipes escaped by filter."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(["html.j2"]) if kind == "html" else False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_filters())
    env.filters["cell"] = _md_cell
    return env


def _md_cell(value) -> str:
    """Text safe inside a Markdown table cell: no pipes or line breaks."""
    return str(value if value is not None else "").replace("|", "\\|").replace("\n", " ").strip()
