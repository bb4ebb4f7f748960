"""Finding and loading the report templates, in a checkout and after `pip install .`.

The templates live in the repository's top-level templates/ folder (DESIGN.md layout),
which is not a Python package. A checkout or editable install reads them there; a
regular install ships them as data files under `<prefix>/share/close/templates`
(pyproject's data-files), found through the installed distribution's file list so a
user or venv install works the same.
"""
from __future__ import annotations

import hashlib
import re
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

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
    from close.report.ref_lines import ref_anchor

    return {
        "money": numbers.money,
        "whole": numbers.whole,
        "percent": numbers.percent,
        "number": numbers.number,
        "month_label": numbers.month_label,
        "short_month": numbers.short_month_label,
        "negative": numbers.is_negative,
        "signed": numbers.signed,
        "ref_anchor": ref_anchor,
    }


class _TemplateCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs, in Jinja's per-user cache folder (made 0700,
    refused when another user owns it): compiling the review's templates is a tenth of a
    second of every close. Jinja checks each template's source against the cached code.
    A cache that cannot be read or written is no cache, never a failed report."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:   # unreadable, cut short, not Jinja's: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _template_cache(kind: str) -> FileSystemBytecodeCache | None:
    """The cache for one kind of environment. Its file names carry the kind and a digest
    of this module (the environments' options, which shape the compiled code) and of
    Jinja's version, so an environment set up otherwise never reads another's code."""
    source = Path(__file__).read_bytes() + jinja2.__version__.encode()
    digest = hashlib.sha256(source).hexdigest()[:16]
    try:
        return _TemplateCache(pattern=f"close-{kind}-{digest}-%s.cache")
    except (RuntimeError, OSError):   # no safe folder to keep it in
        return None


@lru_cache(maxsize=2)
def environment(kind: str) -> Environment:
    """`html` autoescapes everything; `md` escapes every value for Markdown (`md_finalize`)."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        bytecode_cache=_template_cache(kind),
        autoescape=select_autoescape(["html.j2"]) if kind == "html" else False,
        finalize=md_finalize if kind == "md" else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(_filters())
    if kind == "md":
        for name in ("money", "whole", "percent", "number", "signed"):
            env.filters[name] = _md_figure(env.filters[name])
        env.filters["points"] = _md_points
        env.filters["code"] = md_code
    return env


# The Markdown report is autoescaped the way the HTML one is: every `{{ value }}` in
# mfr.md.j2 goes through md_finalize, so pack text (names, descriptions, messages) reads
# as text wherever it lands. HTML's specials become entities, so no tag or autolink
# (<script>, <img onerror=...>, <javascript:...>) survives; Markdown's punctuation is
# backslash-escaped, so no link or image ([x](javascript:...)), emphasis, code span or
# table column (|) can form; a line break cannot end a table row or list item; control
# and bidi characters are shown escaped (\x1b) for whoever reads the file in a terminal.
# What the template itself builds (macros, figures, code spans) is Markup and kept as is.
MD_ESCAPES = {ord(ch): "\\" + ch for ch in "\\`*_[]()|~"}
MD_ESCAPES.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("\n"): " ", ord("\r"): " "})
MD_ESCAPES.update({code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))
                   if code not in MD_ESCAPES and code != ord("\t")})
MD_ESCAPES.update({code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
FIGURE = re.compile(r"[0-9,.%+\-()]*")
CODE_UNSAFE = re.compile("[`<>&|\\\\\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def md_escape(value) -> Markup:
    """Data text as Markdown that shows it literally (None is blank)."""
    return Markup("" if value is None else str(value).translate(MD_ESCAPES))


def md_finalize(value):
    """Jinja's `finalize` for the Markdown template: escape every value not already Markup."""
    return value if isinstance(value, Markup) else md_escape(value)


def md_code(value) -> Markup:
    """An id or ref as a code span; text a code span cannot hold literally (a backtick,
    HTML, a pipe, a control character) as escaped text instead."""
    text = "" if value is None else str(value)
    return Markup(f"`{text}`") if text and not CODE_UNSAFE.search(text) else md_escape(text)


def _md_figure(format_figure):
    """A number filter whose output, when it is only a figure, needs no escaping."""
    def figure(value, *args, **kwargs):
        text = format_figure(value, *args, **kwargs)
        return Markup(text) if FIGURE.fullmatch(text) else text
    return figure


def _md_points(value) -> Markup:
    """A change in percentage points: +1.2 pts / (1.2 pts); blank for a missing value."""
    text = numbers.signed(value, "percent")
    return Markup(text.replace("%", " pts")) if FIGURE.fullmatch(text) else md_escape(text)
