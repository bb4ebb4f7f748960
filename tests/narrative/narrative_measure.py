"""Request sizes and estimated cost of a real close's narrative, without the network.

Runs the close (the demo group when the generator provides it, else the small test
pack) through close.runner and close.narrative.draft with a recording mock API, then
reports calls, sizes and the estimated bill of each fact layout (`facts = "section"`,
each call its own section's facts after a cached shared core; `facts = "all"`, every
call every section's facts in one cached block). Tokens are estimated at four
characters each; the real counts come from the API's usage fields on a live run. The
cache is modelled as the API bills it: the first call writes the prefix that ends at
the block marked cache_control (at 1.25 times the input rate), later calls read it (at
a tenth or less), and a prefix shorter than the model's minimum (1,024 tokens for
Sonnet) is not cached at all. Outputs are estimated from the fallback's drafts, the
same for both layouts. Run it directly for the report:

    .venv/bin/python -m tests.narrative.narrative_measure [--month 2026-05]
"""
from __future__ import annotations

import json
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import httpx2

from tests.pack.packs import GOOD_PACK

CHARS_PER_TOKEN = 4
MIN_CACHED_TOKENS = 1024


def pack_path() -> tuple[Path, str]:
    try:
        from fixtures.demo import demo_pack_path
        return Path(demo_pack_path()), "demo group"
    except Exception:  # the generator may not be there yet: measure the test pack
        return GOOD_PACK, "test pack"


def measure(month: str = "2026-05", pack: Path | None = None, workspace: Path | None = None,
            outcome=None, layout: str = "section") -> dict:
    """Sizes for `outcome` when given (a close already run), else for a close of `pack`,
    with the facts laid out as `layout` ("section" or "all")."""
    import os

    from close import narrative
    from close.config import Config
    from close.pack import open_pack
    from close.periods import parse_month
    from close.results import outcome_to_dict
    from close.runner import run_close
    from close.narrative.facts import build_from_doc
    from close.narrative.fallback import draft_section
    from close.narrative.sections import SECTIONS
    from close.narrative.settings import load_settings
    from tests.narrative.narrative_docs import Recorder, message

    label = "given close"
    if outcome is None:
        label = "given pack"
        if pack is None:
            pack, label = pack_path()
        workspace = workspace or Path(tempfile.mkdtemp())
        con, info = open_pack(pack, workspace=workspace)
        outcome = run_close(con, info, parse_month(month))
    doc = outcome_to_dict(outcome)
    sheet = build_from_doc(doc)
    by_id = {s.id: s for s in SECTIONS}
    config = Config({"narrative": {"facts": layout}})
    outputs = {}

    def respond(request):
        body = json.loads(request.content)
        text = body["messages"][0]["content"]
        section = next(s for s in SECTIONS if f"(id {s.id})" in text)
        draft = draft_section(by_id[section.id], sheet)
        outputs[section.id] = len(json.dumps(draft, ensure_ascii=False))
        return httpx2.Response(200, json=message(draft))

    recorder = Recorder([respond] * len(SECTIONS))
    saved = os.environ.get("ANTHROPIC_API_KEY")
    os.environ["ANTHROPIC_API_KEY"] = "measure-only"
    try:
        out = narrative.draft(doc, config, http_client=recorder.client())
    finally:
        if saved is None:
            os.environ.pop("ANTHROPIC_API_KEY", None)
        else:
            os.environ["ANTHROPIC_API_KEY"] = saved
    bodies = recorder.bodies()
    est = lambda chars: -(-chars // CHARS_PER_TOKEN)

    def split(body):
        """(cached prefix chars, the rest) of one request."""
        blocks = body["system"]
        end = max((i for i, b in enumerate(blocks) if "cache_control" in b), default=-1)
        prefix = sum(len(b["text"]) for b in blocks[:end + 1])
        rest = (sum(len(b["text"]) for b in blocks[end + 1:]) + len(body["messages"][0]["content"])
                + len(json.dumps(body["output_config"])))
        return prefix, rest

    parts = [split(b) for b in bodies]
    prefix_tokens = est(parts[0][0])
    cached = prefix_tokens >= MIN_CACHED_TOKENS and len({p for p, _ in parts}) == 1
    uncached = sum(est(rest) for _, rest in parts) + (0 if cached else sum(est(p) for p, _ in parts))
    write = prefix_tokens if cached else 0
    read = prefix_tokens * (len(bodies) - 1) if cached else 0
    output = sum(est(n) for n in outputs.values())
    settings = load_settings(config)
    rates = settings.price()
    cost = (uncached * rates["input"] + write * rates["cache_write"] + read * rates["cache_read"]
            + output * rates["output"]) / Decimal(1_000_000)
    return {
        "pack": label, "month": month, "layout": layout, "skills_results": len(doc["skills"]),
        "calls": len(bodies),
        "request_chars": [len(r.content) for r in recorder.requests],
        "system_prompt_chars": len(bodies[0]["system"][0]["text"]),
        "cached_prefix_chars": parts[0][0],
        "uncached_chars_per_call": [rest for _, rest in parts],
        "facts": {s.id: len(sheet.facts(s.id)) for s in SECTIONS},
        "user_message_chars": [len(b["messages"][0]["content"]) for b in bodies],
        "estimated_uncached_input_tokens": uncached + write,   # the cache write counted as uncached
        "estimated_input_tokens": uncached,
        "estimated_cache_write_tokens": write,
        "estimated_cache_read_tokens": read,
        "estimated_output_tokens": output,
        "model": settings.model,
        "estimated_cost_usd": format(cost.quantize(Decimal("0.0001")), "f"),
        "verified_sections": sum(1 for s in out["narrative"]["sections"] if s["verification"] == "verified"),
    }


if __name__ == "__main__":
    month = sys.argv[sys.argv.index("--month") + 1] if "--month" in sys.argv else "2026-05"
    from close.pack import open_pack
    from close.periods import parse_month
    from close.runner import run_close

    pack, _ = pack_path()
    con, info = open_pack(pack, workspace=Path(tempfile.mkdtemp()))
    closed = run_close(con, info, parse_month(month))
    reports = [measure(month, outcome=closed, layout=layout) for layout in ("all", "section")]
    keys = [k for k in reports[0] if k not in ("request_chars", "uncached_chars_per_call", "user_message_chars", "facts")]
    print(f"{'':34}{'facts = all':>16}{'facts = section':>18}")
    for key in keys:
        print(f"{key:34}{str(reports[0][key]):>16}{str(reports[1][key]):>18}")
