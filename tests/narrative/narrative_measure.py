"""Request sizes of a real close's narrative, without the network.

Runs the close (the demo group when the generator provides it, else the small test
pack) through close.runner and close.narrative.draft with a recording mock API, then
reports calls and sizes. Tokens are estimated at four characters each; the real counts
come from the API's usage fields on a live run. Run it directly for the report:

    /work/venv/bin/python tests/narrative/narrative_measure.py [--month 2026-05]
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import httpx2

sys.path.insert(0, str(Path(__file__).parent))

GOOD_PACK = Path(__file__).parents[1] / "pack" / "good_pack"
CHARS_PER_TOKEN = 4


def pack_path() -> tuple[Path, str]:
    try:
        from fixtures.demo import demo_pack_path
        return Path(demo_pack_path()), "demo group"
    except Exception:  # the generator may not be there yet: measure the test pack
        return GOOD_PACK, "test pack"


def measure(month: str = "2026-05", pack: Path | None = None, workspace: Path | None = None,
            outcome=None) -> dict:
    """Sizes for `outcome` when given (a close already run), else for a close of `pack`."""
    import os

    from close import narrative
    from close.pack import open_pack
    from close.periods import parse_month
    from close.results import outcome_to_dict
    from close.runner import run_close
    from close.narrative.facts import build_from_doc
    from close.narrative.fallback import draft_section
    from close.narrative.sections import SECTIONS
    from narrative_docs import Recorder, message

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

    def respond(request):
        body = json.loads(request.content)
        text = body["messages"][0]["content"]
        section = next(s for s in SECTIONS if f"(id {s.id})" in text)
        return httpx2.Response(200, json=message(draft_section(by_id[section.id], sheet)))

    recorder = Recorder([respond] * len(SECTIONS))
    saved = os.environ.get("ANTHROPIC_API_KEY")
    os.environ["ANTHROPIC_API_KEY"] = "measure-only"
    try:
        narrative.draft(doc, None, http_client=recorder.client())
    finally:
        if saved is None:
            os.environ.pop("ANTHROPIC_API_KEY", None)
        else:
            os.environ["ANTHROPIC_API_KEY"] = saved
    bodies = recorder.bodies()
    cached = len(bodies[0]["system"][0]["text"]) + len(bodies[0]["system"][1]["text"])
    schema = len(json.dumps(bodies[0]["output_config"]))
    users = [len(b["messages"][0]["content"]) for b in bodies]
    est = lambda chars: -(-chars // CHARS_PER_TOKEN)
    return {
        "pack": label, "month": month, "skills_results": len(doc["skills"]),
        "calls": len(bodies),
        "request_chars": [len(r.content) for r in recorder.requests],
        "system_prompt_chars": len(bodies[0]["system"][0]["text"]),
        "facts_block_chars": len(bodies[0]["system"][1]["text"]),
        "facts": {s.id: len(sheet.facts(s.id)) for s in SECTIONS},
        "output_schema_chars": schema,
        "user_message_chars": users,
        # cache written once (system + facts), then each call's own short message and schema
        "estimated_cache_write_tokens": est(cached),
        "estimated_uncached_input_tokens": est(cached) + sum(est(u) + est(schema) for u in users),
        "estimated_cache_read_tokens": est(cached) * (len(bodies) - 1),
    }


if __name__ == "__main__":
    month = sys.argv[sys.argv.index("--month") + 1] if "--month" in sys.argv else "2026-05"
    print(json.dumps(measure(month), indent=2))
